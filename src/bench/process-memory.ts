import { readFile } from 'node:fs/promises';
import { round } from './percentiles.js';

export interface ProcessMemory {
  /** Resident set now. */
  readonly rssMiB: number;
  /** Peak resident set since the process started. */
  readonly hwmMiB: number;
}

/** Reads VmRSS and VmHWM (reported in kB, i.e. KiB) from /proc/<pid>/status. */
export async function processMemory(pid: number): Promise<ProcessMemory> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
    if (match === null) throw new Error(`/proc/${pid}/status has no ${field}`);
    return Number(match[1]);
  };
  return { rssMiB: round(kib('VmRSS') / 1024, 1), hwmMiB: round(kib('VmHWM') / 1024, 1) };
}
