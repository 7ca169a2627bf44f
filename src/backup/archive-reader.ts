import { createReadStream } from 'node:fs';
import tar from 'tar-stream';
import { RegistryError } from '../errors/registry-error.js';
import { notABackup } from './archive-format.js';

/** One member of the archive; `body` must be read to its end (or abandoned by throwing) before the next. */
export interface ArchiveMember {
  readonly name: string;
  readonly size: number;
  readonly body: AsyncIterable<Buffer>;
}

const READ_STRIDE = 1024 * 1024;

/**
 * The members of a tar file, in order, streamed: nothing but the member being
 * read is in memory. `onBytes` hears of every byte read from the file, for a
 * progress bar. Only plain files are members; anything else (links, devices,
 * directories) has no place in a backup and is refused.
 */
export async function* readArchive(file: string, onBytes: (bytes: number) => void = () => undefined): AsyncGenerator<ArchiveMember> {
  const source = createReadStream(file, { highWaterMark: READ_STRIDE });
  const extract = tar.extract();
  source.on('data', (chunk: Buffer | string) => onBytes(chunk.length));
  source.on('error', (error) => extract.destroy(error));
  source.pipe(extract);
  try {
    for await (const entry of extract) {
      const { name, size, type } = entry.header;
      if (type !== 'file') throw notABackup(`it holds ${JSON.stringify(name)} of type ${String(type)}, and a backup holds only files`);
      yield { name, size: size ?? 0, body: explained(entry as AsyncIterable<Buffer>) };
      // Whatever the reader left unread is skipped, so the next header can be parsed.
      entry.resume();
    }
  } catch (error) {
    throw explain(error);
  } finally {
    source.destroy();
    extract.destroy();
  }
}

/** A member's bytes, with a parse failure inside it (a truncated file) said as such. */
async function* explained(body: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  try {
    yield* body;
  } catch (error) {
    throw explain(error);
  }
}

/** File system errors carry an errno code and ours a registry code; what is left came from the tar parser. */
function explain(error: unknown): unknown {
  if (error instanceof Error && !(error instanceof RegistryError) && !('code' in error)) {
    return notABackup(`it is not a complete, readable tar file (${error.message})`);
  }
  return error;
}

/** A small member's bytes, refused when larger than `limit`: a hostile archive must not make us read a gigabyte into memory. */
export async function readSmallMember(member: ArchiveMember, limit: number): Promise<Buffer> {
  if (member.size > limit) throw notABackup(`${member.name} is ${member.size} bytes, more than the ${limit} it may be`);
  const chunks: Buffer[] = [];
  for await (const chunk of member.body) chunks.push(chunk);
  return Buffer.concat(chunks);
}
