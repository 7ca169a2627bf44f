import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Digest, digestFromHex } from '../artifacts/digest.js';

const SHARD = /^[0-9a-f]{2}$/;
const BLOB = /^[0-9a-f]{64}$/;

export interface ListedBlob {
  readonly digest: Digest;
  readonly size: number;
}

/**
 * Every finished blob under an FsBlobStore root (`sha256/<2 hex>/<64 hex>`),
 * sorted by digest. Uploads in progress live in `incoming/` and are not
 * listed; a blob that lands after the listing is simply not in this backup.
 */
export async function listBlobs(root: string): Promise<ListedBlob[]> {
  const base = join(root, 'sha256');
  const shards = (await readdirIfPresent(base)).filter((name) => SHARD.test(name));
  const listed: ListedBlob[] = [];
  for (const shard of shards) {
    for (const name of await readdirIfPresent(join(base, shard))) {
      if (!BLOB.test(name) || !name.startsWith(shard)) continue;
      const info = await stat(join(base, shard, name));
      if (info.isFile()) listed.push({ digest: digestFromHex(name), size: info.size });
    }
  }
  return listed.sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
}

async function readdirIfPresent(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
