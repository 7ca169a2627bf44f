import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { HttpClient } from './http-load.js';
import { MB, type MachineLimit, mbPerSec, measureMachineLimit, writeRandomFile } from './machine-limits.js';
import { round } from './percentiles.js';

export interface IngestFigures {
  readonly bytes: number;
  readonly megabytes: number;
  readonly ingestMs: number;
  readonly ingestMBps: number;
  readonly opensslSha256MBps: number;
  readonly ddFsyncMBps: number;
  readonly limitMBps: number;
  /** ingest / limit: how close the server comes to what the machine allows. */
  readonly ratio: number;
  readonly status: number;
}

/**
 * PUTs a random file to /api/v1/blobs/{digest}, streamed from disk with its
 * length declared, and sets the time against the machine's own limit on the
 * same file. The file was just written, so every reader finds it in the page
 * cache alike.
 */
export async function benchIngest(client: HttpClient, scratchDir: string, bytes: number, note: (text: string) => void): Promise<IngestFigures> {
  const file = join(scratchDir, 'blob.bin');
  note(`ingest: writing ${round(bytes / MB, 1)} MB of random bytes`);
  const hex = await writeRandomFile(file, bytes);

  note('ingest: machine limit (openssl dgst -sha256, dd conv=fsync)');
  const limit: MachineLimit = await measureMachineLimit(file, bytes, join(scratchDir, 'dd.out'), hex);
  note(`  sha256 ${limit.sha256MBps} MB/s, write+fsync ${limit.writeFsyncMBps} MB/s`);

  const started = process.hrtime.bigint();
  const answer = await client.stream(
    { method: 'PUT', path: `/api/v1/blobs/sha256:${hex}`, headers: { 'content-type': 'application/octet-stream' } },
    createReadStream(file, { highWaterMark: 1024 * 1024 }),
    bytes,
  );
  const ingestMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (answer.status !== 201) throw new Error(`blob PUT answered ${answer.status}: ${answer.body.toString('utf8').slice(0, 500)}`);
  const ingestMBps = mbPerSec(bytes, ingestMs);
  note(`  ingest ${ingestMBps} MB/s`);
  return {
    bytes,
    megabytes: round(bytes / MB, 1),
    ingestMs: round(ingestMs, 1),
    ingestMBps,
    opensslSha256MBps: limit.sha256MBps,
    ddFsyncMBps: limit.writeFsyncMBps,
    limitMBps: limit.limitMBps,
    ratio: round(ingestMBps / limit.limitMBps, 3),
    status: answer.status,
  };
}
