import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';

/** The verifier key kept beside a saved checkpoint, so the next audit trusts the key this one verified with. */
export const keyFileOf = (checkpointFile: string): string => `${checkpointFile}.key`;

/**
 * Keeps a verified checkpoint note (as the server signed it, so any C2SP
 * tool reads it) and, beside it, the key it verified with. Each file is
 * written whole or not at all: a crash leaves the previous one in place.
 */
export async function saveCheckpoint(file: string, note: string, verifierKey: string): Promise<void> {
  await writeAtomically(keyFileOf(file), `${verifierKey.trim()}\n`);
  await writeAtomically(file, note);
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temporary, 'wx', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
