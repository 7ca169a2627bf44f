import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serverNodeFlags } from '../server/node-flags.js';
import type { VerifyReport } from '../verify/verify-registry.js';
import { round } from './percentiles.js';
import { processMemory } from './process-memory.js';

export interface VerifyRun {
  readonly report: VerifyReport;
  readonly exitCode: number | null;
  /** The whole command, process start to exit, as a user waits for it. */
  readonly wallSeconds: number;
  /** The child's VmHWM at the last sample before it exited (sampled every 100 ms). */
  readonly peakRssMiB: number;
}

const BIN = fileURLToPath(new URL('../../bin/modelkeep.js', import.meta.url));
const SAMPLE_MS = 100;

/**
 * Runs `modelkeep verify --data <dir> --json <flags>` as users run it (the
 * binary, with the flags its shebang passes) and reads its JSON report.
 * A report of problems (exit 8) is returned, not thrown: the bench says so.
 */
export function runVerify(dataDir: string, flags: readonly string[]): Promise<VerifyRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [...serverNodeFlags, BIN, 'verify', '--data', dataDir, '--json', ...flags], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let peakRssMiB = 0;
    const sampler = setInterval(() => {
      if (child.pid === undefined) return;
      // The process may exit between the check and the read; the last good sample stands.
      processMemory(child.pid).then((m) => (peakRssMiB = Math.max(peakRssMiB, m.hwmMiB)), () => undefined);
    }, SAMPLE_MS);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', (error) => {
      clearInterval(sampler);
      reject(error);
    });
    child.once('close', (code) => {
      clearInterval(sampler);
      const wallSeconds = round(Number(process.hrtime.bigint() - started) / 1e9, 2);
      const text = Buffer.concat(out).toString('utf8');
      try {
        resolve({ report: JSON.parse(text) as VerifyReport, exitCode: code, wallSeconds, peakRssMiB });
      } catch (error) {
        reject(new Error(`modelkeep verify exited ${code} without a JSON report: ${Buffer.concat(err).toString('utf8').slice(0, 1000)}${text.slice(0, 500)}`, { cause: error }));
      }
    });
  });
}
