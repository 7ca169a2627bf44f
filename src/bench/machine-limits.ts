import { spawn } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { round } from './percentiles.js';

/** MB as in the targets: 10^6 bytes. */
export const MB = 1e6;
const CHUNK = 1024 * 1024;

export const mbPerSec = (bytes: number, ms: number): number => round(bytes / MB / (ms / 1000), 1);

/** Writes `bytes` random bytes to `path` and returns their sha256 hex, computed on the way. */
export async function writeRandomFile(path: string, bytes: number): Promise<string> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(CHUNK);
  const handle = await open(path, 'w');
  try {
    for (let written = 0; written < bytes; ) {
      const chunk = buffer.subarray(0, Math.min(CHUNK, bytes - written));
      randomFillSync(chunk);
      hash.update(chunk);
      await handle.write(chunk);
      written += chunk.length;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

/** Runs a command to completion and returns its wall time in ms, timed with process.hrtime. */
export function timeCommand(command: string, args: readonly string[]): Promise<{ ms: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${Buffer.concat(err).toString('utf8')}`));
      else resolve({ ms, stdout: Buffer.concat(out).toString('utf8') });
    });
  });
}

export interface MachineLimit {
  readonly sha256MBps: number;
  readonly writeFsyncMBps: number;
  /** The slower of the two: an ingest must both hash and durably write every byte. */
  readonly limitMBps: number;
  readonly bytes: number;
}

/**
 * What this machine can do with the file without any server: hash it
 * (`openssl dgst -sha256`) and copy it to disk durably (`dd … conv=fsync`).
 */
export async function measureMachineLimit(file: string, bytes: number, scratch: string, expectedHex: string): Promise<MachineLimit> {
  const hashed = await timeCommand('openssl', ['dgst', '-sha256', file]);
  if (!hashed.stdout.includes(expectedHex)) throw new Error(`openssl printed ${hashed.stdout.trim()}, expected ${expectedHex}`);
  const copied = await timeCommand('dd', [`if=${file}`, `of=${scratch}`, 'bs=1M', 'conv=fsync']);
  await rm(scratch, { force: true });
  const sha256MBps = mbPerSec(bytes, hashed.ms);
  const writeFsyncMBps = mbPerSec(bytes, copied.ms);
  return { sha256MBps, writeFsyncMBps, limitMBps: Math.min(sha256MBps, writeFsyncMBps), bytes };
}
