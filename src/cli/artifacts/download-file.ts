import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ModelKeepClient } from '../../sdk/modelkeep-client.js';
import type { ManifestEntry } from '../../sdk/types.js';
import type { ByteProgress } from '../progress.js';
import { hashFile } from './hash-file.js';

export type FileOutcome =
  | { readonly path: string; readonly status: 'downloaded' | 'present'; readonly size: number }
  | { readonly path: string; readonly status: 'failed'; readonly expected: { sha256: string; size: number }; readonly actual: { sha256: string; size: number } };

class LongerThanDeclared extends Error {}

/**
 * Downloads one manifest file to `target`, hashing as it writes. The bytes go
 * to a temporary name beside the target and are renamed into place only after
 * the size and SHA-256 matched, so a damaged download never sits under the
 * real name. A file already there with the right digest is kept.
 */
export async function downloadFile(client: ModelKeepClient, entry: ManifestEntry, target: string, progress: ByteProgress): Promise<FileOutcome> {
  if (await holds(target, entry)) {
    progress.advance(entry.size);
    return { path: entry.path, status: 'present', size: entry.size };
  }
  const temporary = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.partial`);
  const hash = createHash('sha256');
  let size = 0;
  try {
    const { stream } = await client.blobs.get(entry.sha256);
    try {
      await pipeline(
        stream,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            size += chunk.length;
            if (size > entry.size) throw new LongerThanDeclared();
            hash.update(chunk);
            progress.advance(chunk.length);
            yield chunk;
          }
        },
        createWriteStream(temporary, { flags: 'wx' }),
      );
    } catch (error) {
      if (!(error instanceof LongerThanDeclared)) throw error;
    }
    const sha256 = `sha256:${hash.digest('hex')}`;
    if (size !== entry.size || sha256 !== entry.sha256) {
      await rm(temporary, { force: true });
      return { path: entry.path, status: 'failed', expected: { sha256: entry.sha256, size: entry.size }, actual: { sha256: size > entry.size ? 'unknown (too long)' : sha256, size } };
    }
    await rename(temporary, target);
    return { path: entry.path, status: 'downloaded', size };
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Whether `target` is a regular file holding exactly the entry's bytes. */
async function holds(target: string, entry: ManifestEntry): Promise<boolean> {
  try {
    const info = await lstat(target);
    if (!info.isFile() || info.size !== entry.size) return false;
  } catch {
    return false;
  }
  return (await hashFile(target)).sha256 === entry.sha256;
}
