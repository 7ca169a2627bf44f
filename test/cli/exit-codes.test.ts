import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestRegistry, runCli, startTestRegistry } from './cli-harness.js';

/** A port that was free a moment ago and has nobody listening. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('exit codes CI can gate on', { timeout: 30_000 }, () => {
  let registry: TestRegistry;

  beforeAll(async () => {
    registry = await startTestRegistry();
    await registry.client.namespaces.create({ name: 'team' });
  });

  afterAll(async () => {
    await registry?.close();
  });

  it('exits 5 when the server refuses the token, with a hint to log in', async () => {
    const run = await runCli(['model', 'list'], { env: { ...registry.env, MODELKEEP_TOKEN: 'mk_not_a_real_token' } });
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/^error: .*token/m);
    expect(run.stderr).toMatch(/^hint: .*modelkeep login/m);
    expect(run.stdout).toBe('');
  });

  it('exits 5 with a login hint when no server is configured at all', async () => {
    const run = await runCli(['whoami'], { env: { MODELKEEP_CONFIG: registry.env.MODELKEEP_CONFIG, HOME: registry.env.HOME } });
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/not logged in/);
    expect(run.stderr).toMatch(/modelkeep login --url URL --token TOKEN/);
  });

  it('exits 3 for a model that does not exist', async () => {
    const run = await runCli(['model', 'show', 'team/missing'], { env: registry.env });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/error: Model team\/missing does not exist/);
  });

  it('exits 4 when creating something that already exists', async () => {
    const run = await runCli(['namespace', 'create', 'team'], { env: registry.env });
    expect(run.code).toBe(4);
  });

  it.each([
    ['a malformed model reference', ['model', 'show', 'no-slash']],
    ['a malformed version reference', ['version', 'show', 'team/model@zero']],
    ['an unknown option', ['model', 'list', '--colour']],
    ['a missing argument', ['pull', 'team/model@1']],
    ['an unknown command', ['modle', 'list']],
    ['a value outside the choices', ['model', 'list', '--stage', 'shipped']],
    ['a metric that is not name=number', ['version', 'push', 'team/model', '.', '--metric', 'auc']],
  ])('exits 2 for %s', async (_name, args) => {
    const run = await runCli(args, { env: registry.env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/error:/);
  });

  it('exits 10 and names the URL when the server cannot be reached', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await runCli(['whoami'], { env: { ...registry.env, MODELKEEP_URL: url } });
    expect(run.code).toBe(10);
    expect(run.stderr).toContain(`The ModelKeep server at ${url} could not be reached`);
  });

  it('exits 0 for --help and --version', async () => {
    expect((await runCli(['--help'])).code).toBe(0);
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});
