import { Presets, SingleBar } from 'cli-progress';
import type { PhaseProgress } from '../verify/verify-problem.js';
import { formatBytes } from './format.js';

/**
 * One bar per phase of a long check, on stderr, only for a person watching
 * (a terminal, no --json). Phases named in `byteTotals` count bytes.
 */
export function phaseProgress(options: { json: boolean; byteTotals?: readonly string[]; stream?: NodeJS.WriteStream }): PhaseProgress {
  const stream = options.stream ?? process.stderr;
  if (options.json || !stream.isTTY) return { start: () => undefined, advance: () => undefined, stop: () => undefined };
  let bar: SingleBar | undefined;
  let done = 0;
  let bytes = false;
  const label = (n: number) => (bytes ? formatBytes(n) : n.toLocaleString('en-US'));
  return {
    start(phase, total) {
      bar?.stop();
      done = 0;
      bytes = options.byteTotals?.includes(phase) === true;
      bar = new SingleBar({ stream, format: `${phase.padEnd(11)} [{bar}] {percentage}% | {done} of {size} | ETA {eta_formatted}`, hideCursor: true, fps: 10 }, Presets.shades_classic);
      bar.start(Math.max(total, 1), 0, { done: label(0), size: label(total) });
    },
    advance(amount) {
      done += amount;
      bar?.update(done, { done: label(done) });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
