import { RegistryError } from '../errors/registry-error.js';
import { entryFromCanonical } from '../ledger/entry-from-canonical.js';
import type { AccessLine } from './access-batch-check.js';
import type { LedgerEntry } from '../ledger/entry.js';
import {
  type BackupManifest,
  CHECKPOINT_MEMBER,
  type CheckpointLine,
  MANIFEST_MEMBER,
  type ManifestBlob,
  SIGNING_KEY_MEMBER,
  VERIFIER_KEY_MEMBER,
  blobMemberDigest,
  ledgerChunkOf,
  notABackup,
  parseManifest,
  tampered,
} from './archive-format.js';
import { type ArchiveMember, readArchive, readSmallMember } from './archive-reader.js';
import { jsonLines } from './json-lines.js';

/** The small members at the head of the archive, read whole. */
export interface ArchiveHead {
  readonly manifest: BackupManifest;
  /** As GET /api/v1/ledger/key serves it, without the trailing newline. */
  readonly verifierKey: string;
  readonly signingKeyPem: string;
  /** The signed checkpoint at the snapshot's size. */
  readonly checkpointNote: string;
}

/**
 * What a pass over the archive does with each part. The walker has already
 * checked that the part is where the format puts it; the visitor checks or
 * uses its content, and must read every body and iterator it is given.
 */
export interface ArchiveVisitor {
  head(head: ArchiveHead): Promise<void> | void;
  blob(blob: ManifestBlob, body: AsyncIterable<Buffer>): Promise<void>;
  /** Checkpoints signed at sizes first+1 … of the entries chunk that follows. */
  checkpoints(first: number, checkpoints: AsyncIterable<CheckpointLine>): Promise<void>;
  /** Entries parsed from their canonical text, their seq checked to run on from `first`. */
  entries(first: number, entries: AsyncIterable<LedgerEntry>): Promise<void>;
  /** Access log records from id `firstId`, anchored by entries already visited. */
  access(firstId: number, records: AsyncIterable<AccessLine>): Promise<void>;
}

const MANIFEST_LIMIT = 256 * 1024 * 1024;
const SMALL_LIMIT = 64 * 1024;
const ENTRY_LINE_LIMIT = 64 * 1024 * 1024;

/**
 * One sequential read of a backup archive that holds it to the format's
 * order: the head members first, then exactly the manifest's blobs, then the
 * ledger in chunks whose entries run 0 … N-1 without a gap. Both restore
 * passes walk the archive through this, so they agree on what it contains.
 */
export async function walkArchive(file: string, visitor: ArchiveVisitor, onBytes?: (bytes: number) => void, signal?: AbortSignal): Promise<ArchiveHead> {
  const members = readArchive(file, onBytes)[Symbol.asyncIterator]();
  const next = async (): Promise<ArchiveMember | undefined> => {
    if (signal?.aborted === true) throw new RegistryError('unavailable', 'Interrupted');
    const result = await members.next();
    return result.done ? undefined : result.value;
  };
  const expectHead = async (name: string, limit: number): Promise<string> => {
    const member = await next();
    if (member === undefined) throw notABackup(`it ends before ${name}`);
    if (member.name !== name) throw notABackup(`${JSON.stringify(member.name)} is where ${name} should be`);
    return (await readSmallMember(member, limit)).toString('utf8');
  };

  try {
    const manifest = parseManifest(await expectHead(MANIFEST_MEMBER, MANIFEST_LIMIT));
    const head: ArchiveHead = {
      manifest,
      verifierKey: (await expectHead(VERIFIER_KEY_MEMBER, SMALL_LIMIT)).trim(),
      signingKeyPem: await expectHead(SIGNING_KEY_MEMBER, SMALL_LIMIT),
      checkpointNote: await expectHead(CHECKPOINT_MEMBER, SMALL_LIMIT),
    };
    await visitor.head(head);

    let member = await next();
    for (const blob of manifest.blobs) {
      if (member === undefined || blobMemberDigest(member.name) !== blob.digest) throw tampered(`The archive lacks blob ${blob.digest}, which its manifest lists`);
      if (member.size !== blob.size) throw tampered(`Blob ${blob.digest} is ${member.size} bytes in the archive, ${blob.size} in its manifest`);
      await visitor.blob(blob, member.body);
      member = await next();
    }

    let nextSeq = 0;
    let checkpointsFor: number | undefined;
    let accessRecords = 0;
    for (; member !== undefined; member = await next()) {
      const chunk = ledgerChunkOf(member.name);
      if (chunk === undefined) {
        const digest = blobMemberDigest(member.name);
        throw digest === undefined ? notABackup(`it holds an unexpected member ${JSON.stringify(member.name)}`) : tampered(`The archive holds blob ${digest}, which its manifest does not list`);
      }
      if (chunk.kind === 'access') {
        if (nextSeq === 0 || checkpointsFor !== undefined) throw tampered(`The access log chunk ${member.name} is out of place`);
        const parsed = { count: 0 };
        await visitor.access(chunk.first, accessLines(member, parsed));
        accessRecords += parsed.count;
        continue;
      }
      if (chunk.first !== nextSeq || (chunk.kind === 'checkpoints' && checkpointsFor !== undefined)) {
        throw tampered(`The ledger chunk ${member.name} is out of place (the next entry is ${nextSeq})`);
      }
      if (chunk.kind === 'checkpoints') {
        checkpointsFor = chunk.first;
        await visitor.checkpoints(chunk.first, checkpointLines(member));
        continue;
      }
      checkpointsFor = undefined;
      const parsed = { count: 0, complete: false };
      await visitor.entries(chunk.first, ledgerEntries(member, chunk.first, manifest.ledger.size, parsed));
      if (!parsed.complete) throw new Error(`a backup visitor left ${member.name} unread`);
      if (parsed.count === 0) throw tampered(`The ledger chunk ${member.name} is empty`);
      nextSeq += parsed.count;
    }
    if (checkpointsFor !== undefined) throw tampered(`The checkpoints for entries from ${checkpointsFor} are not followed by those entries`);
    if (nextSeq !== manifest.ledger.size) throw tampered(`The archive holds ${nextSeq} ledger entries, its manifest ${manifest.ledger.size}`);
    if (accessRecords !== manifest.counts.accessRecords) {
      throw tampered(`The archive holds ${accessRecords} access records, its manifest ${manifest.counts.accessRecords}`);
    }
    return head;
  } finally {
    await members.return?.(undefined);
  }
}

async function* ledgerEntries(member: ArchiveMember, first: number, size: number, parsed: { count: number; complete: boolean }): AsyncGenerator<LedgerEntry> {
  for await (const line of jsonLines(member.body, ENTRY_LINE_LIMIT, member.name)) {
    const seq = first + parsed.count;
    if (seq >= size) throw tampered(`The archive holds more ledger entries than the ${size} of its manifest`);
    const entry = entryFromCanonical(line);
    if (typeof entry === 'string') throw tampered(`Ledger entry ${seq} ${entry}`);
    if (entry.seq !== seq) throw tampered(`The ledger entry at position ${seq} has seq ${entry.seq}`);
    parsed.count += 1;
    yield entry;
  }
  parsed.complete = true;
}

/** One JSON Lines record of a member; a line that is not JSON means the archive was altered. */
function parseLine(member: ArchiveMember, line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw tampered(`${member.name} has a line that is not JSON`);
  }
}

async function* accessLines(member: ArchiveMember, parsed: { count: number }): AsyncGenerator<AccessLine> {
  for await (const line of jsonLines(member.body, SMALL_LIMIT, member.name)) {
    const value = parseLine(member, line);
    const { id, at, actor, action, subject, status, batch } = (value ?? {}) as Record<string, unknown>;
    const texts = [at, actor, action, subject].every((t) => typeof t === 'string');
    if (![id, status, batch].every((n) => Number.isSafeInteger(n)) || !texts) {
      throw tampered(`${member.name} has a line that is not an access record {id, at, actor, action, subject, status, batch}`);
    }
    parsed.count += 1;
    yield value as AccessLine;
  }
}

async function* checkpointLines(member: ArchiveMember): AsyncGenerator<CheckpointLine> {
  for await (const line of jsonLines(member.body, SMALL_LIMIT, member.name)) {
    const value = parseLine(member, line);
    const { size, note, createdAt } = (value ?? {}) as Record<string, unknown>;
    if (!Number.isSafeInteger(size) || typeof note !== 'string' || typeof createdAt !== 'string') {
      throw tampered(`${member.name} has a line that is not a checkpoint {size, note, createdAt}`);
    }
    yield { size: size as number, note, createdAt };
  }
}
