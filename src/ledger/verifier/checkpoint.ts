import { type VerifierKey, openNote } from './signed-note.js';

/** A C2SP tlog-checkpoint body: origin, tree size, root hash. */
export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Buffer;
}

export function formatCheckpoint(checkpoint: Checkpoint): string {
  return `${checkpoint.origin}\n${checkpoint.size}\n${checkpoint.root.toString('base64')}\n`;
}

export function parseCheckpoint(text: string): Checkpoint {
  const lines = text.split('\n');
  if (lines.length < 4 || lines[lines.length - 1] !== '') throw new Error('a checkpoint is origin, size and root hash, one per line');
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (origin === '' || !/^(0|[1-9][0-9]*)$/.test(sizeText)) throw new Error('malformed checkpoint origin or size');
  const root = Buffer.from(rootText, 'base64');
  if (root.length !== 32 || root.toString('base64') !== rootText) throw new Error('malformed checkpoint root hash');
  return { origin, size: Number(sizeText), root };
}

/** Checks a signed checkpoint against the log's verifier key and returns what it states. */
export function verifyCheckpoint(note: string, key: VerifierKey, origin = key.name): Checkpoint {
  const checkpoint = parseCheckpoint(openNote(note, key));
  if (checkpoint.origin !== origin) throw new Error(`the checkpoint is for ${checkpoint.origin}, not ${origin}`);
  return checkpoint;
}
