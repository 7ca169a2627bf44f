import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestRegistry, jsonOf, runCli, startTestRegistry } from './cli-harness.js';

describe('--json output', { timeout: 60_000 }, () => {
  let registry: TestRegistry;
  let schemaFile: string;
  const cli = (...args: string[]) => runCli(['--json', ...args], { env: registry.env });

  beforeAll(async () => {
    registry = await startTestRegistry();
    const scratch = await mkdtemp(join(tmpdir(), 'modelkeep-json-'));
    await mkdir(join(scratch, 'model'));
    await writeFile(join(scratch, 'model', 'model.onnx'), 'weights');
    schemaFile = join(scratch, 'schema.json');
    await writeFile(schemaFile, JSON.stringify({ type: 'object', properties: { team: { type: 'string' } } }));
    await registry.client.namespaces.create({ name: 'risk' });
    await registry.client.models.create({ namespace: 'risk', name: 'pd', tags: ['credit'] });
    const push = await runCli(['--json', 'version', 'push', 'risk/pd', join(scratch, 'model')], { env: registry.env });
    expect(push.code, push.stderr).toBe(0);
  });

  afterAll(async () => {
    await registry?.close();
  });

  it('prints each result as one JSON document on stdout', async () => {
    const cases: [string[], (value: Record<string, unknown>) => void][] = [
      [['whoami'], (v) => expect(v).toMatchObject({ principal: 'user:admin', roles: ['admin'], url: registry.url })],
      [['namespace', 'create', 'payments', '--description', 'Payments'], (v) => expect(v).toMatchObject({ name: 'payments', urn: 'mk:namespace:payments' })],
      [['namespace', 'list'], (v) => expect((v.items as { name: string }[]).map((n) => n.name)).toEqual(['payments', 'risk'])],
      [['namespace', 'show', 'risk'], (v) => expect(v).toMatchObject({ name: 'risk' })],
      [['namespace', 'schema', 'set', 'payments', 'model', schemaFile], (v) => expect(v).toMatchObject({ schemas: { model: { type: 'object' } } })],
      [['namespace', 'schema', 'delete', 'payments', 'model'], (v) => expect((v.schemas as object) ?? {}).not.toHaveProperty('model')],
      [
        ['model', 'create', 'payments/router', '--owner', 'alice@example.com', '--owner', 'group:ml', '--tag', 'routing', '--domain', 'payments', '--risk-exposure', 'high', '--risk-sensitivity', 'low'],
        (v) => expect(v).toMatchObject({ owners: ['alice@example.com', 'group:ml'], tags: ['routing'], domain: 'payments', riskProfile: { customerExposure: 'high', sensitivity: 'low' } }),
      ],
      [['model', 'list', '--tag', 'credit'], (v) => expect((v.items as { name: string }[]).map((m) => m.name)).toEqual(['pd'])],
      [['model', 'list', '--all', '--limit', '1'], (v) => expect((v.items as unknown[]).length).toBe(2)],
      [['model', 'show', 'risk/pd'], (v) => expect(v).toMatchObject({ urn: 'mk:model:risk/pd', latestVersions: [expect.objectContaining({ number: 1 })] })],
      [['version', 'list', 'risk/pd'], (v) => expect(v.items).toEqual([expect.objectContaining({ number: 1, status: 'draft' })])],
      [['version', 'show', 'risk/pd@1'], (v) => expect(v).toMatchObject({ manifest: [expect.objectContaining({ path: 'model.onnx', size: 7 })] })],
      [['version', 'publish', 'risk/pd@1', '--reason', 'ok'], (v) => expect(v).toMatchObject({ status: 'published' })],
      [['ledger', 'tail', '-n', '3'], (v) => expect((v.entries as { seq: number }[]).map((e) => e.action)).toHaveLength(3)],
      [
        ['token', 'create', 'ci', '--role', 'viewer'],
        (v) => expect(v).toMatchObject({ name: 'ci', principal: 'user:admin', roles: ['viewer'], namespaces: null, expiresAt: expect.any(String), token: expect.stringMatching(/^mk_/) }),
      ],
    ];
    for (const [args, check] of cases) {
      const run = await cli(...args);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0);
      check(jsonOf(run));
    }
  });

  it('prints the problem as JSON on stdout when a command fails', async () => {
    const run = await cli('version', 'show', 'risk/pd@9');
    expect(run.code).toBe(3);
    expect(jsonOf(run)).toMatchObject({ code: 'not_found', status: 404, exit: 3, detail: expect.stringContaining('risk/pd@9') });
    expect(run.stderr).toMatch(/^error: /m);
  });

  it('prints usage errors as JSON too', async () => {
    const run = await cli('model', 'show', 'nope');
    expect(run.code).toBe(2);
    expect(jsonOf(run)).toMatchObject({ code: 'usage', exit: 2 });
  });

  it('revokes a token it created, after which the token is refused', async () => {
    const created = jsonOf<{ id: string; token: string }>(await cli('token', 'create', 'short-lived'));
    expect((await runCli(['whoami'], { env: { ...registry.env, MODELKEEP_TOKEN: created.token } })).code).toBe(0);
    const revoked = await cli('token', 'revoke', created.id);
    expect(jsonOf(revoked)).toEqual({ id: created.id, revoked: true });
    expect((await runCli(['whoami'], { env: { ...registry.env, MODELKEEP_TOKEN: created.token } })).code).toBe(5);
  });
});
