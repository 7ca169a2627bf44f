import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealEntry } from '../../src/ledger/seal-entry.js';
import { LedgerSigner } from '../../src/ledger/ledger-signer.js';
import { parseVerifierKey } from '../../src/ledger/verifier/index.js';
import { importEntries } from '../../src/store/ledger/import-entries.js';
import { storedRoot } from '../../src/store/merkle/prove-from-store.js';
import { type Store, openStore } from '../../src/store/open-store.js';
import { type VerifyReport, verifyRegistry } from '../../src/verify/verify-registry.js';

/** A bare ledger of 9,000 entries, read on threads in whole subtrees of 4,096, with checkpoints inside and at the end of a subtree. */
describe('verify reads a large ledger on threads', () => {
  let dir: string;
  let location: string;
  let store: Store;
  const signer = LedgerSigner.fromPem(LedgerSigner.generatePem());
  const key = parseVerifierKey(signer.verifierKey);
  const SIZE = 9000;

  const verify = (): Promise<VerifyReport> =>
    verifyRegistry({ store, key, blobRoot: undefined, projections: false, database: { location, schema: undefined } });
  const errors = (report: VerifyReport) => report.problems.filter((p) => p.severity === 'error');
  const run = (query: ReturnType<typeof sql>) => query.execute(store.db);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mk-verify-threads-'));
    location = join(dir, 'ledger.db');
    store = await openStore({ location });
    const at = new Date('2026-01-01T00:00:00Z');
    const entries = Array.from({ length: SIZE }, (_, seq) =>
      sealEntry({ action: 'namespace.created', subject: `mk:namespace:team-${seq}`, payload: { name: `team-${seq}`, description: `Team ${seq}` } }, seq, at, 'user:loader'),
    );
    for (let i = 0; i < SIZE; i += 1000) await importEntries(store.dialect, entries.slice(i, i + 1000), { project: false });
    for (const size of [5000, 8192, SIZE]) {
      const root = await storedRoot(store.db, size);
      await store.db.insertInto('ledger_checkpoints').values({ size, root: root.toString('hex'), note: signer.signCheckpoint(size, root), created_at: at.toISOString() }).execute();
    }
  });

  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('passes an untouched ledger, every checkpoint matching', async () => {
    const report = await verify();
    expect(errors(report)).toEqual([]);
    expect(report.ledger).toMatchObject({ entries: SIZE, checkpoints: 3, latestCheckpoint: { size: SIZE, matches: true } });
  });

  it('names an entry whose text changed inside a subtree read whole on a thread', async () => {
    const row = (await run(sql`select canonical from ledger_entries where seq = 100`)).rows[0] as { canonical: string };
    await run(sql`update ledger_entries set canonical = ${row.canonical.replace('Team 100', 'Team 999')} where seq = 100`);
    try {
      const found = errors(await verify());
      expect(found).toContainEqual(expect.objectContaining({ resource: 'ledger entry 100', problem: 'its stored leaf hash is not the hash of its canonical text' }));
      expect(found).toContainEqual(expect.objectContaining({ resource: 'checkpoint at size 5000', problem: expect.stringContaining('history was rewritten') }));
    } finally {
      await run(sql`update ledger_entries set canonical = ${row.canonical} where seq = 100`);
    }
  });

  it('names a changed column and a changed stored subtree', async () => {
    await run(sql`update ledger_entries set actor = 'user:mallory' where seq = 4200`);
    const node = (await run(sql`select level, idx, hash from ledger_nodes where level = 6 and idx = 3`)).rows[0] as { level: number; idx: number; hash: string };
    await run(sql`update ledger_nodes set hash = ${'11'.repeat(32)} where level = 6 and idx = 3`);
    try {
      const found = errors(await verify());
      expect(found).toContainEqual(expect.objectContaining({ resource: 'ledger entry 4200', problem: 'column actor is "user:mallory" but the hashed entry says "user:loader"' }));
      expect(found).toContainEqual(expect.objectContaining({ resource: 'tree node level 6 index 3', problem: 'differs from the hash of the entries beneath it' }));
    } finally {
      await run(sql`update ledger_entries set actor = 'user:loader' where seq = 4200`);
      await run(sql`update ledger_nodes set hash = ${node.hash} where level = 6 and idx = 3`);
    }
    expect(errors(await verify())).toEqual([]);
  });

  it('names a missing entry', async () => {
    const row = (await run(sql`select * from ledger_entries where seq = 6000`)).rows[0] as Record<string, unknown>;
    await run(sql`delete from ledger_entries where seq = 6000`);
    try {
      expect(errors(await verify())).toContainEqual(expect.objectContaining({ resource: 'ledger entry 6000', problem: 'is missing (the next stored entry is 6001)' }));
    } finally {
      await run(sql`insert into ledger_entries (seq, at, actor, action, subject, reason, canonical, leaf_hash) values (${row.seq}, ${row.at}, ${row.actor}, ${row.action}, ${row.subject}, ${row.reason}, ${row.canonical}, ${row.leaf_hash})`);
    }
  });
});
