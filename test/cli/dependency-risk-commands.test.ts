import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelKeepClient } from '../../src/sdk/modelkeep-client.js';
import { BIN, type CliRun, type TestRegistry, jsonOf, runCli, startTestRegistry } from './cli-harness.js';
import { buildZip } from '../vulnerabilities/zip-writer.js';

/** Shaped after GHSA-j8r2-6x86-q33q (requests leaks Proxy-Authorization), its range widened to start at 0. */
const requestsLeak = () => ({
  id: 'GHSA-j8r2-6x86-q33q',
  modified: '2023-11-08T04:12:13Z',
  published: '2023-05-22T20:36:32Z',
  aliases: ['CVE-2023-32681'],
  summary: 'Unintended leak of Proxy-Authorization header in requests',
  details: 'not kept',
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N' }],
  affected: [{ package: { ecosystem: 'PyPI', name: 'requests' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.31.0' }] }] }],
  database_specific: { severity: 'MODERATE' },
});

/** Made up: numpy below 2 with a database severity only. */
const numpyFlaw = () => ({
  id: 'GHSA-test-nump-0001',
  modified: '2024-03-01T00:00:00Z',
  summary: 'Made-up numpy flaw',
  affected: [{ package: { ecosystem: 'PyPI', name: 'numpy' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }], versions: ['1.26.4'] }],
  database_specific: { severity: 'HIGH' },
});

/** Made up: torch, no severity at all, only listed versions. */
const torchFlaw = () => ({
  id: 'PYSEC-test-0002',
  modified: '2024-04-01T12:00:00.5Z',
  withdrawn: '2024-05-01T00:00:00Z',
  aliases: ['CVE-2024-0002', 'CVE-2024-0002'],
  affected: [{ package: { ecosystem: 'PyPI', name: 'torch' }, versions: ['2.3.1', '2.3.0'] }],
});

async function publish(client: ModelKeepClient, name: string, metadata: Record<string, unknown>): Promise<void> {
  const bytes = randomBytes(32);
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  await client.blobs.put(digest, Readable.from([bytes]), { size: bytes.length });
  const version = await client.versions.register({ namespace: 'fraud', name }, { manifest: [{ path: 'model.onnx', sha256: digest, size: bytes.length }], license: 'Apache-2.0', ...metadata });
  await client.versions.publish({ namespace: 'fraud', model: name, number: version.number });
}

describe('dependency and risk commands against a real server', { timeout: 120_000 }, () => {
  let registry: TestRegistry;
  let scratch: string;
  const cli = (args: string[], input?: string): Promise<CliRun> => runCli(args, { env: registry.env, ...(input === undefined ? {} : { input }) });
  const ok = async (args: string[]): Promise<CliRun> => {
    const run = await cli(args);
    expect(run.code, `${args.join(' ')}:\n${run.stdout}\n${run.stderr}`).toBe(0);
    return run;
  };
  const json = async <T = Record<string, unknown>>(args: string[]): Promise<T> => jsonOf<T>(await ok(['--json', ...args]));

  beforeAll(async () => {
    registry = await startTestRegistry();
    scratch = await mkdtemp(join(tmpdir(), 'modelkeep-risk-cli-'));
    const { client } = registry;
    await client.namespaces.create({ name: 'fraud' });
    for (const name of ['scorer', 'distilled']) await client.models.create({ namespace: 'fraud', name });
    await publish(client, 'scorer', {
      datasets: [{ urn: 'mk:dataset:fraud/transactions@2024-06', role: 'train' }],
      environment: { libraries: ['pkg:pypi/requests@2.30.0', 'pkg:pypi/numpy@1.26.4'] },
    });
    await publish(client, 'distilled', { baseModel: 'mk:version:fraud/scorer@1', environment: { libraries: ['pkg:pypi/torch@2.3.1'] } });
  });

  afterAll(async () => {
    await registry?.close();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  describe('lineage, why and impact', () => {
    it('draws the upstream lineage as a tree, each node under the one it was reached from', async () => {
      const run = await ok(['lineage', 'fraud/distilled@1', '--up']);
      const lines = run.stdout.split('\n');
      expect(lines[0]).toBe('mk:version:fraud/distilled@1');
      const scorer = lines.findIndex((l) => /^[├└]─ --derivedFrom--> mk:version:fraud\/scorer@1/.test(l));
      expect(scorer, run.stdout).toBeGreaterThan(0);
      // scorer's own dependencies are drawn one level deeper, under it.
      expect(lines.slice(scorer + 1)).toEqual(expect.arrayContaining([expect.stringMatching(/^[│ ] {2}[├└]─ --dependsOn--> mk:library:pkg:pypi\/requests@2\.30\.0$/)]));
      expect(lines.slice(scorer + 1)).toEqual(expect.arrayContaining([expect.stringMatching(/^[│ ] {2}[├└]─ --trainedOn--> mk:dataset:fraud\/transactions@2024-06$/)]));
      expect(run.stdout).toMatch(/^\d+ nodes upstream, within 3 hops\.$/m);
    });

    it('draws downstream edges pointing back, hangs nodes whose parent is filtered out under the root, and says when --limit cuts', async () => {
      const down = await ok(['lineage', 'pkg:pypi/requests', '--down', '--depth', '5']);
      expect(down.stdout).toMatch(/^[├└]─ mk:library:pkg:pypi\/requests@2\.30\.0$/m);
      expect(down.stdout).toMatch(/<--dependsOn-- mk:version:fraud\/scorer@1/);
      expect(down.stdout).toMatch(/ {3}[├└]─ <--derivedFrom-- mk:version:fraud\/distilled@1/);

      const filtered = await ok(['lineage', 'fraud/distilled@1', '--up', '--kind', 'dataset']);
      expect(filtered.stdout).toContain('└─ … mk:version:fraud/scorer@1 --trainedOn--> mk:dataset:fraud/transactions@2024-06');

      const cut = await json<{ nodes: unknown[]; total: number; truncated: boolean }>(['lineage', 'fraud/distilled@1', '--up', '--limit', '1']);
      expect(cut).toMatchObject({ truncated: true, nodes: [expect.anything()] });
      expect((await ok(['lineage', 'fraud/distilled@1', '--up', '--limit', '1'])).stdout).toMatch(new RegExp(`^1 of ${cut.total} nodes shown \\(raise --limit to see more\\) upstream`, 'm'));
    });

    it('explains why a model depends on a library, path by path', async () => {
      const run = await ok(['why', 'fraud/distilled', 'pkg:pypi/requests']);
      expect(run.stdout).toContain('mk:model:fraud/distilled depends on mk:library:pkg:pypi/requests through 1 path:');
      expect(run.stdout).toContain('  mk:version:fraud/distilled@1 --derivedFrom--> mk:version:fraud/scorer@1 --dependsOn--> mk:library:pkg:pypi/requests@2.30.0\n');
      const none = await ok(['why', 'fraud/scorer', 'pkg:pypi/torch']);
      expect(none.stdout).toBe('mk:model:fraud/scorer does not depend on mk:library:pkg:pypi/torch within 10 hops.\n');
    });

    it('lists the blast radius with the path through which each version is reached, and exits 0 when nothing is affected', async () => {
      const run = await ok(['impact', 'pkg:pypi/requests']);
      expect(run.stdout).toContain('2 versions of 2 models depend on mk:library:pkg:pypi/requests:');
      expect(run.stdout).toMatch(/^fraud\/distilled@1 +exploration|concept/m);
      expect(run.stdout).toMatch(/^fraud\/distilled@1 .* mk:version:fraud\/distilled@1 --derivedFrom--> mk:version:fraud\/scorer@1 --dependsOn--> mk:library:pkg:pypi\/requests@2\.30\.0$/m);
      const production = await ok(['impact', 'pkg:pypi/requests', '--stage', 'production']);
      expect(production.stdout).toBe('No model version at stage production depends on mk:library:pkg:pypi/requests.\n');
      expect(await json(['impact', 'mk:dataset:fraud/transactions@2024-06'])).toMatchObject({ models: 2, total: 2, affected: expect.any(Array) });
    });

    it('refuses what is not a node with exit 2, and a node nothing knows with exit 3', async () => {
      const bad = await cli(['lineage', 'not a node']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('is not a lineage node');
      expect((await cli(['lineage', '--up', '--down', 'fraud/scorer'])).code).toBe(2);
      expect((await cli(['lineage', 'fraud/scorer', '--kind', 'spaceship'])).code).toBe(2);
      const unknown = await cli(['impact', 'mk:dataset:fraud/nothing']);
      expect(unknown.code).toBe(3);
      expect(unknown.stderr).toMatch(/^hint: Nothing records or links to that node/m);
    });
  });

  describe('advisories, libraries and findings', () => {
    it('imports a folder, listing the bad files and exiting 6, having imported the good records', async () => {
      const folder = join(scratch, 'osv');
      await mkdir(join(folder, 'nested'), { recursive: true });
      await writeFile(join(folder, 'a-requests.json'), JSON.stringify(requestsLeak()));
      await writeFile(join(folder, 'nested', 'b-array.json'), JSON.stringify([numpyFlaw(), { id: 'BROKEN-1', modified: 'yesterday' }]));
      await writeFile(join(folder, 'c-broken.json'), '{"id": "GHSA-');
      await writeFile(join(folder, 'notes.txt'), 'not an advisory');

      const run = await cli(['advisories', 'import', folder, '--batch', '1']);
      expect(run.code, run.stderr).toBe(6);
      expect(run.stdout).toContain(`Read 4 records from ${folder}, sent 2 in 2 batches.`);
      expect(run.stdout).toMatch(/^ {2}imported +2$/m);
      expect(run.stdout).toMatch(/^ {2}bad +2$/m);
      expect(run.stdout).toMatch(new RegExp(`^${join(folder, 'c-broken.json').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} +The record is not valid JSON`, 'm'));
      expect(run.stdout).toMatch(/b-array\.json\[1\] +The OSV record BROKEN-1 is not valid/);
      expect(run.stderr).toMatch(/^error: 2 records in .* could not be imported/m);
      expect(run.stderr).toMatch(/^hint: Fix or remove the listed files/m);

      const again = await cli(['--json', 'advisories', 'import', folder]);
      expect(again.code).toBe(6);
      // Folders are read in name order: c-broken.json before nested/.
      expect(jsonOf(again)).toMatchObject({ code: 'invalid_request', exit: 6, imported: 0, unchanged: 2, sent: 2, bad: [expect.objectContaining({ source: join(folder, 'c-broken.json') }), expect.objectContaining({ source: join(folder, 'nested', 'b-array.json[1]') })] });

      const shown = await json<{ advisory: { score: number; severity: string } }>(['advisories', 'show', 'GHSA-j8r2-6x86-q33q']);
      // The score of the record's own vector, carried through the import.
      expect(shown.advisory).toMatchObject({ score: 6.1, severity: 'medium' });
    });

    it('imports a zip dump, then finds nothing new in it', async () => {
      const zip = join(scratch, 'PyPI-all.zip');
      await writeFile(zip, buildZip([{ name: 'PYSEC-test-0002.json', content: JSON.stringify(torchFlaw()), method: 0 }, { name: 'README', content: 'skipped', method: 0 }]));
      const run = await ok(['advisories', 'import', zip]);
      expect(run.stdout).toContain(`Read 1 record from ${zip}, sent 1 in 1 batch.`);
      expect(run.stdout).toMatch(/^ {2}imported +1$/m);
      expect(await json(['advisories', 'import', zip])).toMatchObject({ imported: 0, unchanged: 1, bad: [] });
      expect((await cli(['advisories', 'import', join(scratch, 'missing.zip')])).code).toBe(3);
      expect((await cli(['advisories', 'import', zip, '--batch', '1001'])).code).toBe(2);
    });

    it("shows a version's findings most severe first, then its deprecated libraries and license", async () => {
      await ok(['library', 'deprecate', 'pkg:pypi/numpy', '--reason', 'use the 2.x line', '--replacement', 'pkg:pypi/numpy@2.0.0']);
      const listed = await ok(['library', 'deprecations']);
      expect(listed.stdout).toMatch(/^pkg:pypi\/numpy +pkg:pypi\/numpy@2\.0\.0 +\S+ \S+ +user:admin +use the 2\.x line$/m);
      expect((await cli(['library', 'deprecate', 'numpy', '--reason', 'no purl'])).code).toBe(2);

      const run = await ok(['findings', 'fraud/scorer@1']);
      expect(run.stdout).toContain('fraud/scorer@1 depends on 2 libraries.');
      const high = run.stdout.search(/^high +GHSA-test-nump-0001/m);
      const medium = run.stdout.search(/^medium +GHSA-j8r2-6x86-q33q +CVE-2023-32681 +pkg:pypi\/requests@2\.30\.0 +Unintended leak/m);
      expect(high).toBeGreaterThan(0);
      expect(medium).toBeGreaterThan(high);
      expect(run.stdout).toMatch(/^pkg:pypi\/numpy@1\.26\.4 +pkg:pypi\/numpy@2\.0\.0 +use the 2\.x line$/m);
      expect(run.stdout).toMatch(/^License: Apache-2\.0: allowed/m);
      expect((await cli(['findings', 'fraud/scorer@9'])).code).toBe(3);
    });
  });

  describe('risk', () => {
    it('prints the portfolio, and the same models as CSV on stdout or to a file', async () => {
      await ok(['risk', 'rescore']);
      const summary = await ok(['risk']);
      expect(summary.stdout).toMatch(/^2 models: /m);
      expect(summary.stdout).toMatch(/^NAMESPACE +CRITICAL +HIGH +MEDIUM +LOW +UNASSESSED$/m);
      expect(summary.stdout).toMatch(/^fraud\/(scorer|distilled) +\w+ +\d+\.\d /m);

      const csv = await ok(['risk', '--csv']);
      const rows = csv.stdout.split('\r\n');
      expect(rows[0]).toBe('namespace,model,tier,score,retraining_required,computed_at,top_reasons');
      expect(rows.slice(1).filter((r) => r !== '').map((r) => r.split(',').slice(0, 2).join('/')).sort()).toEqual(['fraud/distilled', 'fraud/scorer']);
      const file = join(scratch, 'portfolio.csv');
      expect((await ok(['risk', '--csv', file, '--namespace', 'fraud'])).stdout).toBe(`Wrote 2 model rows to ${file}.\n`);
      expect(await readFile(file, 'utf8')).toBe(csv.stdout);
      expect((await cli(['--json', 'risk', '--csv'])).code).toBe(2);
    });

    it("shows a model's score with each signal's contribution and its history", async () => {
      const run = await ok(['risk', 'show', 'fraud/scorer']);
      expect(run.stdout).toMatch(/^fraud\/scorer: score \d+\.\d of 100, tier \w+ \(rubric revision 0, computed /m);
      expect(run.stdout).toMatch(/^SIGNAL +WEIGHT +VALUE +POINTS +WHY$/m);
      expect(run.stdout).toMatch(/^vulnerabilities +15 /m);
      const answer = await json<{ contributions: { points: number }[]; score: number }>(['risk', 'show', 'fraud/scorer']);
      expect(answer.contributions.reduce((sum, c) => sum + c.points, 0)).toBeCloseTo(answer.score, 0);
      expect((await cli(['risk', 'show', 'fraud/nothing'])).code).toBe(3);
    });

    it('shows the built-in rubric, refuses a malformed one with exit 6, and sets a good one', async () => {
      expect((await ok(['risk', 'rubric'])).stdout).toMatch(/^The risk rubric is the built-in default \(nothing was set\):\n {2}# ModelKeep risk rubric\./);
      const bad = join(scratch, 'bad-rubric.yaml');
      await writeFile(bad, 'signals:\n  vulnerabilities: { weight: -3 }\n  luck: { weight: 1 }\n');
      const refused = await cli(['risk', 'rubric', 'set', bad]);
      expect(refused.code).toBe(6);
      expect(refused.stderr).toMatch(new RegExp(`^hint: Fix ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}, then run this again`, 'm'));
      const asJson = await cli(['--json', 'risk', 'rubric', 'set', bad]);
      expect(jsonOf(asJson)).toMatchObject({ code: 'invalid_policy', exit: 6, violations: expect.any(Array) });

      const good = join(scratch, 'rubric.yaml');
      await writeFile(good, 'description: vulnerabilities only\nsignals:\n  vulnerabilities: { weight: 1 }\ntiers: { medium: 25, high: 50, critical: 75 }\n');
      expect((await ok(['risk', 'rubric', 'set', good, '--reason', 'focus on dependencies'])).stdout).toMatch(/^Set the risk rubric \(revision 1\)\. Rescored 2 models: \d+ scores? moved\.$/m);
      expect((await ok(['risk', 'rubric', 'show'])).stdout).toContain('  description: vulnerabilities only');
      expect((await ok(['risk', 'rubric', 'history'])).stdout).toMatch(/^\d+ +\S+ \S+ +user:admin +focus on dependencies$/m);
    });

    it('shows the license policy as YAML until one is set', async () => {
      const run = await ok(['license-policy']);
      expect(run.stdout).toMatch(/^The license policy is the built-in default \(nothing was set\):$/m);
      expect(run.stdout).toMatch(/^ {2}unknown: \w+$/m);
      expect((await cli(['license-policy', 'set', '-'], 'denied: [NOT-A-LICENSE]\n')).code).toBe(6);
    });

    it('reports record health with exit 0 either way, and opens, lists and resolves incidents', async () => {
      const health = await ok(['health', 'fraud/scorer']);
      expect(health.stdout).toMatch(/^fraud\/scorer: (healthy|\d+ errors?, \d+ warnings?)/m);
      expect(await json(['health', 'fraud/scorer'])).toMatchObject({ model: 'fraud/scorer', healthy: expect.any(Boolean), issues: expect.any(Array) });

      const opened = await json<{ id: string; status: string; number: number }>(['incident', 'open', 'fraud/scorer@1', '--kind', 'drift', '--severity', 'high', '--summary', 'PSI 0.31 on amount']);
      expect(opened).toMatchObject({ status: 'open', number: 1 });
      const listed = await ok(['incidents', 'fraud/scorer', '--status', 'open']);
      expect(listed.stdout).toMatch(new RegExp(`^${opened.id} +drift +high +open +1 +`, 'm'));
      const resolved = await ok(['incident', 'resolve', opened.id, '--resolution', 'retrained on May data']);
      expect(resolved.stdout).toBe(`Resolved incident ${opened.id}.\n`);
      expect((await cli(['incident', 'resolve', opened.id, '--resolution', 'again'])).code).toBe(4);
      expect((await ok(['incidents', 'fraud/scorer', '--status', 'open'])).stdout).toBe('fraud/scorer has no open incidents.\n');
      expect((await cli(['incident', 'open', 'fraud/scorer', '--kind', 'outage', '--severity', 'high', '--summary', 'x'])).code).toBe(2);
    });
  });

  describe('webhooks and events', () => {
    it('prints the secret once with a warning to store it, lists and removes the webhook', async () => {
      const run = await ok(['webhook', 'add', 'https://hooks.example.com/modelkeep', '--event', 'risk.tier_raised', '--description', 'risk channel']);
      expect(run.stdout).toMatch(/^Secret: whsec_[A-Za-z0-9+/]+=*$/m);
      expect(run.stderr).toMatch(/^warning: the secret below is shown this once/m);
      const id = /Registered webhook (wh_[0-9a-f-]+) for risk\.tier_raised at https:\/\/hooks\.example\.com\/modelkeep\./.exec(run.stdout)?.[1];
      expect(id, run.stdout).toBeDefined();

      expect((await ok(['webhook', 'list'])).stdout).toMatch(new RegExp(`^${id} +https://hooks\\.example\\.com/modelkeep +risk\\.tier_raised +yes +0 +0 +0 +risk channel$`, 'm'));
      expect((await ok(['webhook', 'deliveries', id!])).stdout).toBe('No delivery yet.\n');
      expect((await ok(['webhook', 'remove', id!])).stdout).toBe(`Removed webhook ${id}; nothing more is sent to it.\n`);
      expect((await cli(['webhook', 'remove', id!])).code).toBe(3);
      expect((await cli(['webhook', 'add', 'ftp://example.com/x'])).code).toBe(6);
      expect((await cli(['webhook', 'add', 'https://example.com/x', '--event', 'everything'])).code).toBe(2);
    });

    it('lists the alert events the imports raised, and follows the stream until interrupted', async () => {
      const page = await json<{ items: { seq: number; type: string; subject: string }[]; next: number }>(['events']);
      expect(page.items).toContainEqual(expect.objectContaining({ type: 'dependency.vulnerable', subject: 'mk:advisory:GHSA-j8r2-6x86-q33q' }));
      const human = await ok(['events', '--type', 'dependency.vulnerable']);
      expect(human.stdout).toMatch(/^\d+ +\S+ \S+ +dependency\.vulnerable +mk:advisory:GHSA-j8r2-6x86-q33q +medium: Unintended leak .* \(1 version\)$/m);
      expect((await json<{ items: unknown[] }>(['events', '--after', String(page.next)])).items).toEqual([]);

      // --follow replays from --after, then waits for new events; Ctrl-C ends it normally.
      const child = spawn(process.execPath, [BIN, '--json', 'events', '--follow', '--after', '-1'], { env: { PATH: process.env.PATH ?? '', ...registry.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      try {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no event within 20 s; stderr: ${stderr}`)), 20_000);
          child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
            stdout += chunk;
            if (stdout.includes('\n')) {
              clearTimeout(timer);
              resolve();
            }
          });
        });
        child.kill('SIGINT');
        expect(await exited, stderr).toBe(0);
      } finally {
        child.kill('SIGKILL');
      }
      expect(JSON.parse(stdout.split('\n')[0]!)).toMatchObject({ seq: page.items[0]!.seq, type: page.items[0]!.type });
    });
  });
});
