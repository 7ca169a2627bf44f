import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelKeepClient } from '../../src/sdk/modelkeep-client.js';
import { type CliRun, type TestRegistry, jsonOf, runCli, startTestRegistry } from './cli-harness.js';

const EVALUATION = JSON.stringify({ slices: [{ name: 'all', metrics: { auc: 0.91 } }] });
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** Uploads a small artifact and registers and publishes a version of it (as the admin, who is then its author). */
async function publishVersion(client: ModelKeepClient, namespace: string, name: string, license = 'Apache-2.0'): Promise<number> {
  const bytes = randomBytes(64);
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  await client.blobs.put(digest, Readable.from([bytes]), { size: bytes.length });
  const version = await client.versions.register({ namespace, name }, { manifest: [{ path: 'model.onnx', sha256: digest, size: bytes.length }], license });
  await client.versions.publish({ namespace, model: name, number: version.number });
  return version.number;
}

describe('governance commands against a real server', { timeout: 120_000 }, () => {
  let registry: TestRegistry;
  let scratch: string;
  /** An approver in `credit` who authored nothing there. */
  let carol: string;
  const cli = (args: string[], options: { token?: string; input?: string } = {}): Promise<CliRun> =>
    runCli(args, { env: { ...registry.env, ...(options.token === undefined ? {} : { MODELKEEP_TOKEN: options.token }) }, ...(options.input === undefined ? {} : { input: options.input }) });
  const ok = async (args: string[], options: { token?: string; input?: string } = {}): Promise<CliRun> => {
    const run = await cli(args, options);
    expect(run.code, `${args.join(' ')}:\n${run.stdout}\n${run.stderr}`).toBe(0);
    return run;
  };
  const json = async <T = Record<string, unknown>>(args: string[], options: { token?: string } = {}): Promise<T> => jsonOf<T>(await ok(['--json', ...args], options));

  beforeAll(async () => {
    registry = await startTestRegistry();
    scratch = await mkdtemp(join(tmpdir(), 'modelkeep-governance-cli-'));
    const { client } = registry;
    for (const ns of ['fraud', 'credit']) await client.namespaces.create({ name: ns });
    await client.models.create({ namespace: 'fraud', name: 'scorer' });
    await client.models.create({ namespace: 'credit', name: 'risk' });
    for (let i = 0; i < 3; i++) await publishVersion(client, 'fraud', 'scorer');
    await publishVersion(client, 'credit', 'risk');
    await client.access.grant({ principal: 'user:carol', role: 'approver', namespace: 'credit', reason: 'credit sign-off' });
    carol = (await client.tokens.issue({ name: 'carol', principal: 'user:carol' })).token;
  });

  afterAll(async () => {
    await registry?.close();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  describe('gate check', () => {
    it('exits 0 when every automatic check passes, listing each check', async () => {
      const run = await ok(['gate', 'check', 'fraud/scorer@1', '--to', 'exploration']);
      expect(run.stdout).toContain('Gate for fraud/scorer@1: concept → exploration');
      expect(run.stdout).toMatch(/^ +STAGE +CHECK +WHY$/m);
      expect(run.stdout).toMatch(/^✓ +- +published +/m);
      expect(run.stdout).not.toContain('✗');
      expect(run.stdout).toContain('Approvals still needed: none.');
    });

    it('exits 9 when a check fails, saying which and why, with a hint', async () => {
      const run = await cli(['gate', 'check', 'fraud/scorer@1', '--to', 'validation']);
      expect(run.code).toBe(9);
      expect(run.stdout).toMatch(/^✗ +validation +evaluation +\S/m);
      expect(run.stdout).toMatch(/1 of \d+ checks failed\./);
      expect(run.stderr).toMatch(/^error: fraud\/scorer@1 does not pass the gate to validation: .*\(evaluation\)/m);
      expect(run.stderr).toMatch(/^hint: .*modelkeep attest fraud\/scorer@1/m);
    });

    it('prints the report as one JSON document with --json, passing or failing', async () => {
      const passing = await json<{ passed: boolean; checks: unknown[] }>(['gate', 'check', 'fraud/scorer@1', '--to', 'exploration']);
      expect(passing.passed).toBe(true);
      expect(passing.checks.length).toBeGreaterThan(0);

      const failing = await cli(['--json', 'gate', 'check', 'fraud/scorer@1', '--to', 'validation']);
      expect(failing.code).toBe(9);
      const report = jsonOf<{ passed: boolean; checks: { name: string; passed: boolean }[]; code: string; exit: number }>(failing);
      expect(report).toMatchObject({ passed: false, code: 'gate_failed', exit: 9, to: 'validation' });
      expect(report.checks).toContainEqual(expect.objectContaining({ name: 'evaluation', passed: false }));
    });

    it('exits 3 for a version that does not exist, and 2 for a usage error', async () => {
      const missing = await cli(['gate', 'check', 'fraud/scorer@99', '--to', 'validation']);
      expect(missing.code).toBe(3);
      expect(missing.stderr).toMatch(/^hint: .*modelkeep version list fraud\/scorer/m);
      const noStage = await cli(['gate', 'check', 'fraud/scorer@1']);
      expect(noStage.code).toBe(2);
      expect(noStage.stderr).toMatch(/--to/);
      expect((await cli(['gate', 'check', 'fraud/scorer@1', '--to', 'shipped'])).code).toBe(2);
      expect((await cli(['gate', 'check', 'fraud/scorer', '--to', 'validation'])).code).toBe(2);
    });
  });

  describe('gate policies', () => {
    it('sets a namespace policy from a YAML file, shows it and its history; a malformed one exits 6 with a hint', async () => {
      const file = join(scratch, 'credit-gate.yaml');
      await writeFile(file, 'description: credit signs off every validation\nrules:\n  - to: validation\n    approvals: { count: 1, role: approver }\n');
      const set = await ok(['gate', 'policy', 'set', 'credit', file, '--reason', 'credit signs off validation']);
      expect(set.stdout).toMatch(/^Set the gate policy of namespace credit \(revision 1, ledger entry \d+\)/m);

      const shown = await ok(['gate', 'policy', 'show', 'credit']);
      expect(shown.stdout).toMatch(/^The gate policy of namespace credit: revision 1, set .* by user:admin/m);
      expect(shown.stdout).toContain('  description: credit signs off every validation');
      const asJson = await json<{ own: { format: string }; effective: { from: string; policy: { rules: unknown[] } } }>(['gate', 'policy', 'show', 'credit']);
      expect(asJson.own.format).toBe('yaml');
      expect(asJson.effective).toMatchObject({ from: 'namespace', policy: { rules: [{ to: 'validation', approvals: { count: 1, role: 'approver' } }] } });

      const global = await ok(['gate', 'policy', 'show']);
      expect(global.stdout).toMatch(/^The registry has no gate policy of its own; the built-in default applies:/m);

      const bad = join(scratch, 'bad.yaml');
      await writeFile(bad, 'rules:\n  - to: moon\n');
      const refused = await cli(['gate', 'policy', 'set', 'credit', bad, '--reason', 'typo']);
      expect(refused.code).toBe(6);
      expect(refused.stderr).toMatch(new RegExp(`^hint: Fix ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, then run this again`, 'm'));

      const history = await ok(['gate', 'policy', 'history', 'credit']);
      expect(history.stdout).toMatch(/^\d+ +\S+ \S+ +user:admin +gate_policy\.set +credit signs off validation$/m);
    });

    it('reads a policy from stdin, and removes a namespace policy', async () => {
      await ok(['gate', 'policy', 'set', 'fraud', '-', '--reason', 'piped from the policy repo'], { input: JSON.stringify({ rules: [{ to: 'validation', attestations: [{ type: 'evaluation' }] }] }) });
      expect(await json(['gate', 'policy', 'show', 'fraud'])).toMatchObject({ own: { format: 'json', revision: 1 } });
      const removed = await ok(['gate', 'policy', 'remove', 'fraud', '--reason', 'back to the baseline']);
      expect(removed.stdout).toContain('Removed the gate policy of namespace fraud');
      expect((await cli(['gate', 'policy', 'remove', 'fraud'])).code).toBe(3);
      expect((await cli(['gate', 'policy', 'set', '--reason', 'no file'])).code).toBe(2);
    });

    it('passes a gate that still needs approvals, unless --require-approvals asks for a fully automatic pass', async () => {
      const run = await ok(['gate', 'check', 'credit/risk@1', '--to', 'validation']);
      expect(run.stdout).toContain('Approvals still needed: 1 from approver.');
      expect(run.stdout).toContain('under the namespace policy');

      const strict = await cli(['gate', 'check', 'credit/risk@1', '--to', 'validation', '--require-approvals']);
      expect(strict.code).toBe(9);
      expect(strict.stderr).toMatch(/^error: credit\/risk@1 passes every automatic check to validation but still needs approvals: 1 from approver/m);
      const strictJson = await cli(['--json', 'gate', 'check', 'credit/risk@1', '--to', 'validation', '--require-approvals']);
      expect(strictJson.code).toBe(9);
      expect(jsonOf(strictJson)).toMatchObject({ passed: true, approvals: [{ role: 'approver', count: 1 }], code: 'gate_failed' });
    });
  });

  describe('attestations and promotions', () => {
    it('refuses a promotion whose gate fails with exit 9, printing the failing checks', async () => {
      const run = await cli(['promote', 'fraud/scorer@1', '--to', 'validation', '--rationale', 'looks fine']);
      expect(run.code).toBe(9);
      expect(run.stdout).toMatch(/^Refused: fraud\/scorer@1 cannot move to validation \(request [0-9a-f-]{36}, recorded with its report\)\.$/m);
      expect(run.stdout).toMatch(/^✗ +validation +evaluation +/m);
      expect(run.stdout).not.toContain('✓');
      expect(run.stderr).toMatch(/^hint: .*modelkeep gate check/m);

      const asJson = await cli(['--json', 'promote', 'fraud/scorer@1', '--to', 'validation', '--rationale', 'looks fine']);
      expect(asJson.code).toBe(9);
      const problem = jsonOf<{ code: string; request: string; report: { checks: { passed: boolean }[] } }>(asJson);
      expect(problem.code).toBe('gate_failed');
      expect(problem.request).toMatch(UUID);
      expect(problem.report.checks.some((c) => !c.passed)).toBe(true);
    });

    it('records an evaluation, after which the gate to validation passes', async () => {
      const bad = await cli(['attest', 'fraud/scorer@1', '--type', 'evaluation', '--verdict', 'pass', '--summary', 'AUC 0.91', '--details', '{"metrics": {}}']);
      expect(bad.code).toBe(6);
      expect(bad.stderr).toMatch(/^hint: Give --details the shape --type evaluation expects/m);
      expect((await cli(['attest', 'fraud/scorer@1', '--type', 'evaluation', '--verdict', 'maybe', '--summary', 'x', '--details', EVALUATION])).code).toBe(2);

      const detailsFile = join(scratch, 'evaluation.json');
      await writeFile(detailsFile, EVALUATION);
      const recorded = await ok(['attest', 'fraud/scorer@1', '--type', 'evaluation', '--verdict', 'pass', '--summary', 'holdout AUC 0.91', '--details', detailsFile, '--link', 'https://ci.example.com/runs/42']);
      expect(recorded.stdout).toMatch(/^Recorded evaluation \(pass\) for fraud\/scorer@1: attestation [0-9a-f-]{36}, by user:admin\.$/m);

      const listed = await ok(['attestations', 'fraud/scorer@1']);
      expect(listed.stdout).toMatch(/^evaluation +pass +user:admin +\S+ \S+ +- +holdout AUC 0\.91$/m);
      const items = (await json<{ items: { evidence: unknown }[] }>(['attestations', 'fraud/scorer@1', '--all'])).items;
      expect(items).toEqual([expect.objectContaining({ type: 'evaluation', evidence: { links: ['https://ci.example.com/runs/42'] } })]);

      await ok(['gate', 'check', 'fraud/scorer@1', '--to', 'validation']);
    });

    it('leaves a promotion pending until an approver other than the requester approves it', async () => {
      const pending = await ok(['promote', 'credit/risk@1', '--to', 'validation', '--rationale', 'ready for validation']);
      expect(pending.stdout).toMatch(/^Promotion [0-9a-f-]{36} of credit\/risk@1 to validation is pending: it needs 1 from approver\.$/m);
      const id = UUID.exec(pending.stdout)![0];

      const inbox = await ok(['promotions', '--status', 'pending']);
      expect(inbox.stdout).toMatch(new RegExp(`^${id} +credit/risk@1 +concept → validation +pending +user:admin `, 'm'));
      expect((await cli(['promote', 'credit/risk@1', '--to', 'validation', '--rationale', 'again'])).code).toBe(4);

      const self = await cli(['approve', id, '--rationale', 'my own work is great']);
      expect(self.code).toBe(5);
      expect(self.stderr).toMatch(/^hint: Someone other than the requester and the version's authors must approve it/m);

      const approved = await ok(['approve', id, '--rationale', 'evidence reviewed'], { token: carol });
      expect(approved.stdout).toBe('Approved: credit/risk@1 is promoted to validation.\n');
      expect(await json(['governance', 'credit/risk@1'])).toMatchObject({ stage: 'validation', promotions: [{ id, status: 'promoted', approvals: [{ by: 'user:carol', rationale: 'evidence reviewed' }] }] });
      expect((await cli(['approve', id, '--rationale', 'again'], { token: carol })).code).toBe(4);
      expect((await cli(['approve', 'not-an-id', '--rationale', 'x y z'])).code).toBe(2);
    });
  });

  describe('deployments and quarantine', () => {
    it('deploys, lists deployments, and rolls back to the last healthy version', async () => {
      const created = await ok(['env', 'create', 'staging', '--requires', 'exploration', '--description', 'shadow traffic']);
      expect(created.stdout).toBe('Created environment staging: it takes versions that reached exploration.\n');
      expect((await ok(['env', 'list'])).stdout).toMatch(/^staging +exploration +\S+ \S+ +shadow traffic$/m);

      const early = await cli(['deploy', 'fraud/scorer@2', '--env', 'staging']);
      expect(early.code).toBe(4);
      expect(early.stderr).toMatch(/modelkeep promote fraud\/scorer@2 --to exploration/);

      for (const n of [1, 2]) expect((await ok(['promote', `fraud/scorer@${n}`, '--to', 'exploration', '--rationale', 'try it'])).stdout).toMatch(/^Promoted fraud\/scorer@\d from concept to exploration/m);
      const first = await ok(['deploy', 'fraud/scorer@1', '--env', 'staging', '--reason', 'first shadow run']);
      expect(first.stdout).toMatch(/^Deployed fraud\/scorer@1 to staging\.\ndeployment id: [0-9a-f-]{36}$/m);
      const second = await json<{ id: string; previous: string }>(['deploy', 'fraud/scorer@2', '--env', 'staging']);
      expect(second.previous).toBe('fraud/scorer@1');

      const history = await ok(['deployments', 'staging', '--model', 'fraud/scorer']);
      expect(history.stdout).toMatch(new RegExp(`^${second.id} +fraud/scorer@2 +deploy +fraud/scorer@1 +`, 'm'));

      const reported = await ok(['deployment', 'report', 'staging', 'fraud/scorer@2', '--status', 'deployed', '--external-id', 'argo-1']);
      expect(reported.stdout).toMatch(/^Recorded: fraud\/scorer@2 deployed in staging/m);
      expect(reported.stderr).toBe('');

      const rolled = await ok(['rollback', 'staging', '--model', 'fraud/scorer', '--reason', 'latency regression']);
      expect(rolled.stdout).toMatch(/^Rolled back staging: fraud\/scorer@2 → fraud\/scorer@1 \(deployment [0-9a-f-]{36}\)\.$/m);
      expect(await json(['env', 'show', 'staging'])).toMatchObject({ aliases: [{ model: 'fraud/scorer', version: 'fraud/scorer@1' }] });
      expect((await cli(['rollback', 'staging', '--model', 'fraud/scorer'])).code).toBe(2);
      expect((await cli(['deployments', 'nowhere'])).code).toBe(3);
    });

    it('quarantines a running version, printing the rollbacks it caused; release lifts it', async () => {
      await ok(['deploy', 'fraud/scorer@2', '--env', 'staging', '--reason', 'fixed the latency']);
      const run = await ok(['quarantine', 'fraud/scorer@2', '--reason', 'training data leak']);
      expect(run.stdout).toContain('Quarantined fraud/scorer@2.');
      expect(run.stdout).toMatch(/^Rolled back 1 environment:\n {2}staging: fraud\/scorer@2 → fraud\/scorer@1 \(deployment [0-9a-f-]+\)$/m);
      expect((await cli(['quarantine', 'fraud/scorer@2', '--reason', 'again'])).code).toBe(4);

      expect((await ok(['release', 'fraud/scorer@2', '--reason', 'leak was elsewhere'])).stdout).toMatch(/^Released fraud\/scorer@2: it is published again/m);
      const record = await ok(['governance', 'fraud/scorer@2']);
      expect(record.stdout).toMatch(/^fraud\/scorer@2: published, stage exploration\.$/m);
      expect(record.stdout).toMatch(/^quarantined +user:admin +\S+ \S+ +training data leak$/m);
      expect(record.stdout).toMatch(/^released +user:admin +/m);

      expect((await ok(['retire', 'fraud/scorer@3', '--reason', 'never used'])).stdout).toBe('Retired fraud/scorer@3.\n');
    });
  });

  describe('change requests', () => {
    it('applies a correction approved by someone other than its requester', async () => {
      expect((await cli(['change', 'request', 'credit/risk@1', '--template', 'correction', '--set', 'license=MIT', '--rationale', 'typo', '--impact', 'none'])).code).toBe(2);
      expect((await cli(['change', 'request', 'credit/risk@1', '--template', 'correction', '--rationale', 'typo', '--impact', 'none'])).code).toBe(2);

      const requested = await json<{ id: string; status: string }>(['change', 'request', 'credit/risk@1', '--template', 'correction', '--set', 'license="MIT"', '--rationale', 'the license was mistyped', '--impact', 'metadata only']);
      expect(requested.status).toBe('pending');
      expect((await ok(['change', 'list', '--status', 'pending'])).stdout).toMatch(new RegExp(`^${requested.id} +credit/risk@1 +correction +pending +user:admin `, 'm'));
      expect((await ok(['change', 'show', requested.id])).stdout).toContain('  license → "MIT"');

      expect((await cli(['change', 'approve', requested.id, '--rationale', 'fine by me'])).code).toBe(5);
      const approved = await ok(['change', 'approve', requested.id, '--rationale', 'matches the repository'], { token: carol });
      expect(approved.stdout).toBe(`Approved correction ${requested.id} of credit/risk@1; it is applied.\n`);
      expect(await json(['governance', 'credit/risk@1'])).toMatchObject({ amendments: [{ requestId: requested.id, changes: { license: { from: 'Apache-2.0', to: 'MIT' } } }] });
      expect((await ok(['governance', 'credit/risk@1'])).stdout).toContain('    license: "Apache-2.0" → "MIT"');
    });
  });
});
