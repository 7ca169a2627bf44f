import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/server/open-registry.js';
import { type CatalogChange, ModelKeepClient } from '../../src/sdk/index.js';
import { failure } from './expect-api-error.js';

const scorer = { namespace: 'fraud', name: 'scorer' };
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ModelKeepClient reading the past, diffing and restoring', { timeout: 30_000 }, () => {
  let scratch: string;
  let server: RunningServer;
  let client: ModelKeepClient;
  let requests = 0;
  /** The last ledger entry before the edits, and a time just after it. */
  let before: { seq: number; time: Date };
  let after: { seq: number };

  const head = async () => (await client.ledger.tail(1))[0]!.seq;
  // Only catalog writes count: the server may append entries of its own (access-log anchors) at any time.
  const updatesOf = async (subject: string) => (await client.ledger.tail(100)).filter((e) => e.action === 'model.updated' && e.subject === subject);

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'modelkeep-sdk-history-'));
    const adminToken = randomBytes(32).toString('base64url');
    server = await startServer({ dataDir: join(scratch, 'data'), host: '127.0.0.1', port: 0, adminToken });
    const counting: typeof fetch = (input, init) => {
      requests++;
      return fetch(input, init);
    };
    client = new ModelKeepClient({ baseUrl: server.url, token: adminToken, fetch: counting });
    await client.namespaces.create({ name: 'fraud', description: 'Fraud team' });
    await client.models.create({ ...scorer, description: 'Rules', owners: ['alice@example.com'], tags: ['rules'] });
    before = { seq: await head(), time: new Date() };
    // Entry times are kept to the millisecond: step past `before.time` so later entries fall after it.
    await pause(5);
    await client.models.update(scorer, { description: 'Gradient boosting', tags: ['gbm'], riskProfile: { customerExposure: 'high' } });
    const bytes = Buffer.from('weights');
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    await client.blobs.put(digest, Readable.from([bytes]), { size: bytes.length });
    await client.versions.register(scorer, { manifest: [{ path: 'model.bin', sha256: digest, size: bytes.length }] });
    await client.models.create({ namespace: 'fraud', name: 'router' });
    after = { seq: await head() };
  });

  afterAll(async () => {
    await server?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('reads a model as it stood at a sequence number, a time string or a Date', async () => {
    for (const asOf of [before.seq, String(before.seq), before.time.toISOString(), before.time]) {
      const past = await client.models.get(scorer, { asOf });
      expect(past, String(asOf)).toMatchObject({ description: 'Rules', tags: ['rules'], latestVersions: [] });
    }
    expect((await client.models.get(scorer)).description).toBe('Gradient boosting');
  });

  it('lists and searches as the registry stood then', async () => {
    const names = async (asOf?: number) => {
      const found: string[] = [];
      for await (const m of client.models.searchAll({ namespace: 'fraud', limit: 1 }, asOf === undefined ? {} : { asOf })) found.push(m.name);
      return found.sort();
    };
    expect(await names(before.seq)).toEqual(['scorer']);
    expect(await names()).toEqual(['router', 'scorer']);
    expect((await client.models.search({ tag: 'rules' }, { asOf: before.seq })).items.map((m) => m.name)).toEqual(['scorer']);
    expect((await client.models.search({ tag: 'rules' })).items).toEqual([]);
    expect((await client.versions.list(scorer, {}, { asOf: before.seq })).items).toEqual([]);
    expect((await client.versions.search({ model: 'fraud/scorer' }, { asOf: after.seq })).items.map((v) => v.number)).toEqual([1]);
    expect((await client.namespaces.get('fraud', { asOf: before.seq })).description).toBe('Fraud team');
    const spaces: string[] = [];
    for await (const n of client.namespaces.listAll({ asOf: new Date(0) })) spaces.push(n.name);
    expect(spaces).toEqual([]);
  });

  it('answers not_found for a record that did not exist yet at that point', async () => {
    const error = await failure(client.versions.get({ namespace: 'fraud', model: 'scorer', number: 1 }, { asOf: before.seq }));
    expect(error).toMatchObject({ code: 'not_found', status: 404, detail: expect.stringContaining(`did not exist as of ledger entry ${before.seq}`) });
  });

  it('refuses a point that is neither a sequence number nor an ISO time without sending anything', async () => {
    const sent = requests;
    for (const asOf of ['yesterday', '2026-11-22', '-1', '12abc', 1.5, -3, new Date(Number.NaN)]) {
      await expect(client.models.get(scorer, { asOf }), String(asOf)).rejects.toThrow(TypeError);
    }
    await expect(client.history.diff({ from: 'last week' })).rejects.toThrow(/ledger sequence number or an ISO time/);
    await expect(client.models.restore(scorer, 'then')).rejects.toThrow(TypeError);
    expect(requests).toBe(sent);
  });

  it('diffs two points field by field', async () => {
    const diff = await client.history.diff({ from: before.seq, to: after.seq });
    expect(diff).toMatchObject({ from: before.seq, to: after.seq, nextCursor: null });
    const byUrn = new Map(diff.changes.map((c) => [c.urn, c]));
    expect([...byUrn.keys()].sort()).toEqual(['mk:model:fraud/router', 'mk:model:fraud/scorer', 'mk:version:fraud/scorer@1']);
    expect(byUrn.get('mk:model:fraud/router')).toMatchObject({ kind: 'model', change: 'added' });
    expect(byUrn.get('mk:model:fraud/scorer')!.fields).toContainEqual({ field: 'description', before: 'Rules', after: 'Gradient boosting' });
  });

  it('pages through a diff, each change once, with the range pinned while paging', async () => {
    const whole = await client.history.diff({ from: new Date(0) });
    expect(whole.from).toBe(-1);
    const paged: CatalogChange[] = [];
    const ranges: [number, number][] = [];
    for await (const page of client.history.diffPages({ from: new Date(0), limit: 1 })) {
      paged.push(...page.changes);
      ranges.push([page.from, page.to]);
      // A write while paging moves "now"; the pages still describe the range of the first.
      if (ranges.length === 1) await client.models.create({ namespace: 'fraud', name: `late-${randomBytes(3).toString('hex')}` });
    }
    expect(paged).toEqual(whole.changes);
    expect(ranges[0]![0]).toBe(-1);
    expect(ranges.every(([from, to]) => from === ranges[0]![0] && to === ranges[0]![1])).toBe(true);
    const all: string[] = [];
    for await (const change of client.history.diffAll({ from: before.seq, to: after.seq, limit: 2, namespace: 'fraud' })) all.push(change.urn);
    expect(all.sort()).toEqual(['mk:model:fraud/router', 'mk:model:fraud/scorer', 'mk:version:fraud/scorer@1']);
  });

  it("restores a model's metadata as a new ledgered change, and writes nothing when there is nothing to restore", async () => {
    const current = await client.models.get(scorer);
    const stale = await failure(client.models.restore(scorer, before.seq, { ifMatch: current.revision - 1 }));
    expect(stale).toMatchObject({ code: 'version_conflict', status: 412 });

    const restored = await client.models.restore(scorer, before.time, { reason: 'the boosted model misfired', ifMatch: current.revision });
    expect(restored).toMatchObject({ description: 'Rules', tags: ['rules'], owners: ['alice@example.com'], revision: current.revision + 1 });
    // Only metadata goes back: the version registered since is still there.
    expect((await client.models.get(scorer)).latestVersions?.map((v) => v.number)).toEqual([1]);
    const updates = await updatesOf('mk:model:fraud/scorer');
    expect(updates.at(-1)).toMatchObject({ reason: 'the boosted model misfired', payload: expect.objectContaining({ restoredFrom: before.seq }) });

    const again = await client.models.restore(scorer, before.seq);
    expect(again.revision).toBe(restored.revision);
    expect(await updatesOf('mk:model:fraud/scorer')).toEqual(updates);
  });

  it('refuses to restore a model to a point before it existed', async () => {
    const error = await failure(client.models.restore({ namespace: 'fraud', name: 'router' }, before.seq));
    expect(error).toMatchObject({ code: 'not_found', detail: expect.stringContaining('did not exist as of ledger entry') });
  });
});
