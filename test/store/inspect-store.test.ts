import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';

describe('opening a store to inspect it (verify, backup)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mk-inspect-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a database that is not up to date instead of migrating it', async () => {
    const location = join(dir, 'old.db');
    await expect(openStore({ location, inspect: true })).rejects.toMatchObject({ code: 'invalid_state', message: expect.stringContaining('not up to date') });
    // The server (a normal open) migrates it; from then on it can be inspected.
    const store = await openStore({ location });
    const tables = await store.db.introspection.getTables();
    expect(tables.map((t) => t.name)).toContain('ledger_entries');
    await store.close();
    const inspected = await openStore({ location, inspect: true });
    await inspected.close();
  });
});
