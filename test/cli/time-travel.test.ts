import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestRegistry, jsonOf, runCli, startTestRegistry } from './cli-harness.js';

interface Diff {
  from: number;
  to: number;
  changes: { urn: string; change: string; fields: { field: string; before: unknown; after: unknown }[] }[];
  nextCursor: string | null;
}

describe('time travel from the command line', { timeout: 60_000 }, () => {
  let registry: TestRegistry;
  /** The last ledger entry before the edits, and the last after them. */
  let before: number;
  let after: number;
  const cli = (...args: string[]) => runCli(args, { env: registry.env });
  const head = async () => (await registry.client.ledger.tail(1))[0]!.seq;
  // Only catalog writes count: the server may append entries of its own (access-log anchors) at any time.
  const restoresOf = async (subject: string) =>
    (await registry.client.ledger.tail(100)).filter((e) => e.action === 'model.updated' && e.subject === subject && (e.payload as { restoredFrom?: number }).restoredFrom !== undefined);

  beforeAll(async () => {
    registry = await startTestRegistry();
    await registry.client.namespaces.create({ name: 'risk', description: 'Credit risk' });
    await registry.client.models.create({ namespace: 'risk', name: 'pd', description: 'Probability of default', tags: ['credit'] });
    before = await head();
    await registry.client.models.update({ namespace: 'risk', name: 'pd' }, { description: 'PD with bureau data '.repeat(5).trim(), tags: ['credit', 'gbm'] });
    await registry.client.models.create({ namespace: 'risk', name: 'lgd' });
    after = await head();
  });

  afterAll(async () => {
    await registry?.close();
  });

  it('prints the diff between two points as JSON', async () => {
    const run = await cli('--json', 'diff', '--from', String(before), '--to', String(after));
    expect(run.code, run.stderr).toBe(0);
    const diff = jsonOf<Diff>(run);
    expect(diff).toMatchObject({ from: before, to: after, nextCursor: null });
    expect(diff.changes.map((c) => [c.urn, c.change])).toEqual([
      ['mk:model:risk/pd', 'changed'],
      ['mk:model:risk/lgd', 'added'],
    ]);
    expect(diff.changes[0]!.fields).toContainEqual({ field: 'tags', before: ['credit'], after: ['credit', 'gbm'] });
  });

  it('fetches every page of a diff with --all', async () => {
    const run = await cli('--json', 'diff', '--from', '1970-01-01T00:00:00Z', '--all', '--limit', '1');
    expect(run.code, run.stderr).toBe(0);
    const diff = jsonOf<Diff>(run);
    expect(diff).toMatchObject({ from: -1, nextCursor: null });
    expect(diff.changes.map((c) => c.urn)).toEqual(['mk:namespace:risk', 'mk:model:risk/pd', 'mk:model:risk/lgd']);
  });

  it('prints a readable diff: each record, then each field before → after, long values cut', async () => {
    const run = await cli('diff', '--from', String(before), '--to', String(after));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Between ledger entry ${before} and ledger entry ${after}:`);
    expect(run.stdout).toContain('mk:model:risk/pd  changed\n');
    expect(run.stdout).toContain('  tags: ["credit"] → ["credit","gbm"]\n');
    expect(run.stdout).toMatch(/ {2}description: "Probability of default" → "PD with bureau data PD with bureau data [^\n]*…\n/);
    expect(run.stdout).toContain('mk:model:risk/lgd  added\n');
    expect(run.stdout).toContain('2 records: 1 added, 1 changed.');
    const page = await cli('diff', '--from', String(before), '--limit', '1');
    expect(page.stderr).toContain('raise --limit or pass --all');
  });

  it('shows a model, its versions and its namespace as they stood at a past point', async () => {
    const shown = await cli('--json', 'model', 'show', 'risk/pd', '--as-of', String(before));
    expect(shown.code, shown.stderr).toBe(0);
    expect(jsonOf(shown)).toMatchObject({ description: 'Probability of default', tags: ['credit'] });
    const human = await cli('model', 'show', 'risk/pd', '--as-of', String(before));
    expect(human.stdout).toContain('Probability of default');
    expect(human.stderr).toContain(`As the registry stood at ledger entry ${before}:`);
    const listed = jsonOf<{ items: { name: string }[] }>(await cli('--json', 'model', 'list', '--namespace', 'risk', '--as-of', String(before)));
    expect(listed.items.map((m) => m.name)).toEqual(['pd']);
    expect(jsonOf(await cli('--json', 'version', 'list', 'risk/pd', '--as-of', String(before)))).toEqual({ items: [] });
    const spaces = jsonOf<{ items: unknown[] }>(await cli('--json', 'namespace', 'list', '--as-of', '1970-01-01T00:00:00Z'));
    expect(spaces.items).toEqual([]);
    expect(jsonOf(await cli('--json', 'namespace', 'show', 'risk', '--as-of', String(before)))).toMatchObject({ description: 'Credit risk' });
  });

  it('says to pick a later point when the record did not exist yet', async () => {
    const run = await cli('model', 'show', 'risk/lgd', '--as-of', String(before));
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`did not exist as of ledger entry ${before}`);
    expect(run.stderr).toMatch(/^hint: .*pick a later --as-of/m);
    const json = await cli('--json', 'model', 'show', 'risk/lgd', '--as-of', String(before));
    expect(jsonOf(json)).toMatchObject({ code: 'not_found', status: 404, exit: 3 });
  });

  it("restores a model's metadata to a past point, refusing a stale --if-match and writing nothing the second time", async () => {
    const { revision } = await registry.client.models.get({ namespace: 'risk', name: 'pd' });
    const stale = await cli('model', 'restore', 'risk/pd', '--as-of', String(before), '--if-match', String(revision - 1));
    expect(stale.code).toBe(4);

    const run = await cli('--json', 'model', 'restore', 'risk/pd', '--as-of', String(before), '--reason', 'the bureau feed was withdrawn', '--if-match', String(revision));
    expect(run.code, run.stderr).toBe(0);
    expect(jsonOf(run)).toMatchObject({ description: 'Probability of default', tags: ['credit'], revision: revision + 1 });
    const restores = await restoresOf('mk:model:risk/pd');
    expect(restores.map((e) => e.reason)).toEqual(['the bureau feed was withdrawn']);

    const again = await cli('model', 'restore', 'risk/pd', '--as-of', String(before));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('nothing changed');
    expect(await restoresOf('mk:model:risk/pd')).toEqual(restores);
  });

  it('refuses a point that is neither a sequence number nor an ISO time, as a usage error', async () => {
    for (const args of [
      ['model', 'show', 'risk/pd', '--as-of', 'yesterday'],
      ['version', 'list', 'risk/pd', '--as-of', '-1'],
      ['diff', '--from', '2026-11-22'],
      ['model', 'restore', 'risk/pd', '--as-of', 'last week'],
    ]) {
      const run = await cli(...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain('is not a point in the registry');
      expect(run.stderr).toContain('2026-11-22T10:00:00Z');
    }
    const json = await cli('--json', 'model', 'show', 'risk/pd', '--as-of', 'soon');
    expect(jsonOf(json)).toMatchObject({ code: 'usage', exit: 2 });
    const missing = await cli('model', 'restore', 'risk/pd');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--as-of <point>'");
    expect((await cli('diff')).code).toBe(2);
    expect((await cli('model', 'restore', 'risk/pd', '--as-of', '1', '--if-match', 'latest')).code).toBe(2);
  });
});
