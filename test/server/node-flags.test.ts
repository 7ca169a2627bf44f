import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { serverNodeFlags } from '../../src/server/node-flags.js';

describe('the modelkeep command', () => {
  it('starts node with the server flags the benchmark measures', async () => {
    const bin = await readFile(new URL('../../bin/modelkeep.js', import.meta.url), 'utf8');
    expect(bin.split('\n')[0]).toBe(`#!/usr/bin/env -S node ${serverNodeFlags.join(' ')}`);
  });
});
