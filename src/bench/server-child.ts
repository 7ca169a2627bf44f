import { startServer } from '../server/open-registry.js';
import { requiredEnv } from './child-env.js';

/*
 * The server under test, in its own process so that the load generator does
 * not share its event loop. Prints one JSON line with its URL, then serves
 * until SIGTERM or until its parent closes stdin (so it never outlives a
 * parent that died).
 */
const server = await startServer({
  dataDir: requiredEnv('BENCH_DATA_DIR'),
  host: '127.0.0.1',
  port: 0,
  adminToken: requiredEnv('BENCH_ADMIN_TOKEN'),
  log: false,
  // The limiter runs (its cost is part of every figure) but never refuses the load generator.
  rateLimitPerMinute: 100_000_000,
});
process.stdout.write(`${JSON.stringify({ url: server.url, pid: process.pid })}\n`);

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  try {
    await server.close();
  } finally {
    // process.exit (not a signal death) lets --cpu-prof write its profile.
    process.exit(0);
  }
}
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
process.stdin.on('end', () => void shutdown());
process.stdin.resume();
