import { readFile, writeFile } from 'node:fs/promises';
import tar from 'tar-stream';

export interface ArchiveMemberCopy {
  readonly name: string;
  readonly mode: number;
  readonly bytes: Buffer;
}

/** Every member of a (small, test-sized) tar archive, in order, held in memory. */
export async function readMembers(file: string): Promise<ArchiveMemberCopy[]> {
  const extract = tar.extract();
  const members: ArchiveMemberCopy[] = [];
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry as AsyncIterable<Buffer>) chunks.push(chunk);
      members.push({ name: entry.header.name, mode: entry.header.mode ?? 0o644, bytes: Buffer.concat(chunks) });
    }
  })();
  extract.end(await readFile(file));
  await done;
  return members;
}

export async function writeMembers(file: string, members: readonly ArchiveMemberCopy[]): Promise<void> {
  const pack = tar.pack();
  for (const m of members) pack.entry({ name: m.name, mode: m.mode, size: m.bytes.length }, m.bytes);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  await writeFile(file, Buffer.concat(chunks), { mode: 0o600 });
}

/**
 * Writes a copy of `source` to `target` in which `change` may replace members
 * (return new bytes), drop them (return null) or leave them (undefined).
 */
export async function rewriteArchive(
  source: string,
  target: string,
  change: (member: ArchiveMemberCopy, index: number) => Buffer | string | null | undefined,
): Promise<void> {
  const members = await readMembers(source);
  const changed: ArchiveMemberCopy[] = [];
  members.forEach((member, index) => {
    const replacement = change(member, index);
    if (replacement === null) return;
    changed.push(replacement === undefined ? member : { ...member, bytes: Buffer.from(replacement) });
  });
  await writeMembers(target, changed);
}
