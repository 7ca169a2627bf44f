import { Presets, SingleBar } from 'cli-progress';
import { formatBytes } from './format.js';

/** A running byte count for one phase (hashing, uploading, downloading). */
export interface ByteProgress {
  advance(bytes: number): void;
  stop(): void;
}

const silent: ByteProgress = { advance: () => undefined, stop: () => undefined };

/**
 * A progress bar on stderr, drawn only for a person watching: when stderr is
 * a terminal and the output is not JSON. Otherwise it does nothing.
 */
export function byteProgress(label: string, total: number, options: { json: boolean; stream?: NodeJS.WriteStream }): ByteProgress {
  const stream = options.stream ?? process.stderr;
  if (options.json || !stream.isTTY || total === 0) return silent;
  const bar = new SingleBar(
    { stream, format: `${label.padEnd(11)} [{bar}] {percentage}% | {done} of {size} | ETA {eta_formatted}`, hideCursor: true, etaBuffer: 50, fps: 10 },
    Presets.shades_classic,
  );
  let done = 0;
  bar.start(total, 0, { done: formatBytes(0), size: formatBytes(total) });
  return {
    advance(bytes) {
      done += bytes;
      bar.update(done, { done: formatBytes(done) });
    },
    stop() {
      bar.stop();
    },
  };
}

/** A running count of items (ledger entries, say) for one phase; drawn under the same conditions as `byteProgress`. */
export function countProgress(label: string, total: number, unit: string, options: { json: boolean; stream?: NodeJS.WriteStream }): ByteProgress {
  const stream = options.stream ?? process.stderr;
  if (options.json || !stream.isTTY || total === 0) return silent;
  const bar = new SingleBar(
    { stream, format: `${label.padEnd(11)} [{bar}] {percentage}% | {value} of {total} ${unit} | ETA {eta_formatted}`, hideCursor: true, etaBuffer: 50, fps: 10 },
    Presets.shades_classic,
  );
  let done = 0;
  bar.start(total, 0);
  return {
    advance(count) {
      done += count;
      bar.update(done);
    },
    stop() {
      bar.stop();
    },
  };
}
