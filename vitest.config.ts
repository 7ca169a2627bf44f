import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The same V8 workaround the server runs with (src/server/node-flags.ts).
    poolOptions: { forks: { execArgv: ['--no-turbo-inline-js-wasm-calls'] } },
    globalSetup: ['./test/support/postgres-global-setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
