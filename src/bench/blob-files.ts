import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { mbPerSec, timeCommand } from './machine-limits.js';

export interface BlobFile {
  readonly path: string;
  readonly hex: string;
  readonly size: number;
}

/** The finished blobs of a data directory (`blobs/sha256/<2 hex>/<64 hex>`), the files `modelkeep verify` re-hashes. */
export async function storedBlobFiles(dataDir: string): Promise<BlobFile[]> {
  const base = join(dataDir, 'blobs', 'sha256');
  const files: BlobFile[] = [];
  for (const shard of (await readdir(base)).sort()) {
    for (const hex of (await readdir(join(base, shard))).sort()) {
      const path = join(base, shard, hex);
      files.push({ path, hex, size: (await stat(path)).size });
    }
  }
  return files;
}

/**
 * `openssl dgst -sha256` over the same files in one process: the machine's
 * hashing speed to hold a re-hash against. Each printed digest must be the
 * file's name, as verify requires.
 */
export async function opensslOverFiles(files: readonly BlobFile[]): Promise<{ files: number; bytes: number; ms: number; MBps: number }> {
  const { ms, stdout } = await timeCommand('openssl', ['dgst', '-sha256', ...files.map((f) => f.path)]);
  for (const file of files) {
    if (!stdout.includes(`(${file.path})= ${file.hex}`)) throw new Error(`openssl did not print ${file.hex} for ${file.path}: ${stdout.slice(0, 500)}`);
  }
  const bytes = files.reduce((sum, f) => sum + f.size, 0);
  return { files: files.length, bytes, ms: Math.round(ms), MBps: mbPerSec(bytes, ms) };
}
