#!/usr/bin/env -S node --max-semi-space-size=2 --no-turbo-inline-js-wasm-calls
// The flag matches src/server/node-flags.ts; the test suite checks that they agree.
import '../dist/cli/main.js';
