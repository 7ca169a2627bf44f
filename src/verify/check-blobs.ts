import { createHash } from 'node:crypto';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../store/database.js';
import type { PhaseProgress, ProblemLog } from './verify-problem.js';

const BUFFER_BYTES = 2 * 1024 * 1024;
const HEX = /^[0-9a-f]{64}$/;

export interface BlobCheck {
  readonly blobs: number;
  readonly bytes: number;
  readonly missing: number;
  readonly unreferenced: number;
  readonly seconds: number;
}

/** Every digest (hex) and declared size any version ever listed, current or past. */
async function referencedBlobs(db: Db): Promise<Map<string, { size: number; by: string }>> {
  const referenced = new Map<string, { size: number; by: string }>();
  let after = { id: -1, from: -1 };
  for (;;) {
    const rows = await db
      .selectFrom('version_history')
      .select(['id', 'valid_from', 'namespace', 'model', 'number', 'manifest'])
      .where((eb) => eb.or([eb('id', '>', after.id), eb.and([eb('id', '=', after.id), eb('valid_from', '>', after.from)])]))
      .orderBy('id')
      .orderBy('valid_from')
      .limit(2000)
      .execute();
    for (const row of rows) {
      for (const file of JSON.parse(row.manifest) as { sha256: string; size: number }[]) {
        const hex = file.sha256.replace(/^sha256:/, '');
        if (!referenced.has(hex)) referenced.set(hex, { size: file.size, by: `mk:version:${row.namespace}/${row.model}@${row.number}` });
      }
    }
    if (rows.length < 2000) return referenced;
    const last = rows[rows.length - 1]!;
    after = { id: Number(last.id), from: Number(last.valid_from) };
  }
}

/** The stored blob files: `sha256/<first two hex>/<hex>`. */
async function storedBlobs(root: string): Promise<{ hex: string; path: string; size: number }[]> {
  const base = join(root, 'sha256');
  const found: { hex: string; path: string; size: number }[] = [];
  let shards: string[];
  try {
    shards = await readdir(base);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return found;
    throw error;
  }
  for (const shard of shards.sort()) {
    for (const name of (await readdir(join(base, shard))).sort()) {
      const path = join(base, shard, name);
      found.push({ hex: name, path, size: (await stat(path)).size });
    }
  }
  return found;
}

/**
 * Hashes a file while the next chunk is being read: the read runs on libuv's
 * thread pool as SHA-256 runs here, so the two overlap instead of taking turns.
 */
async function sha256Of(path: string, buffers: readonly [Buffer, Buffer], onBytes: (n: number) => void): Promise<string> {
  const hash = createHash('sha256');
  const file = await open(path, 'r');
  try {
    let turn = 0;
    let reading = file.read(buffers[0], 0, buffers[0].length, null);
    for (;;) {
      const { bytesRead, buffer } = await reading;
      if (bytesRead === 0) break;
      turn ^= 1;
      reading = file.read(buffers[turn]!, 0, buffers[turn]!.length, null);
      hash.update(buffer.subarray(0, bytesRead));
      onBytes(bytesRead);
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}

/**
 * Re-hashes every stored blob against the digest it is filed under, and
 * compares the store with what versions reference: a referenced blob that is
 * missing (or of another size) is an error; one nobody references is a
 * warning (an upload not registered yet, or left behind).
 */
export async function checkBlobs(db: Db, root: string, problems: ProblemLog, progress: PhaseProgress): Promise<BlobCheck> {
  const started = performance.now();
  const referenced = await referencedBlobs(db);
  const stored = await storedBlobs(root);
  const buffers = [Buffer.allocUnsafe(BUFFER_BYTES), Buffer.allocUnsafe(BUFFER_BYTES)] as const;
  let bytes = 0;
  let unreferenced = 0;
  progress.start('blobs', stored.reduce((sum, blob) => sum + blob.size, 0));
  const present = new Set<string>();
  const altered = new Set<string>();
  for (const blob of stored) {
    const resource = `blob sha256:${blob.hex}`;
    if (!HEX.test(blob.hex) || !blob.path.endsWith(join(blob.hex.slice(0, 2), blob.hex))) {
      problems.error('blob', blob.path, 'is not a blob file name; something else wrote into the blob store');
      continue;
    }
    const actual = await sha256Of(blob.path, buffers, (n) => progress.advance(n));
    bytes += blob.size;
    if (actual !== blob.hex) {
      problems.error('blob', resource, `its content hashes to sha256:${actual}: the file was altered`);
      altered.add(blob.hex);
      continue;
    }
    present.add(blob.hex);
    const use = referenced.get(blob.hex);
    if (use === undefined) {
      unreferenced += 1;
      problems.warning('blob', resource, 'is stored but no version references it');
    } else if (use.size !== blob.size) {
      problems.error('blob', resource, `is ${blob.size} bytes but ${use.by} declares ${use.size}`);
    }
  }
  progress.stop();
  let missing = 0;
  for (const [hex, use] of referenced) {
    if (present.has(hex) || altered.has(hex)) continue;
    missing += 1;
    problems.error('blob', `blob sha256:${hex}`, `is referenced by ${use.by} but missing from the blob store`);
  }
  return { blobs: stored.length, bytes, missing, unreferenced, seconds: (performance.now() - started) / 1000 };
}
