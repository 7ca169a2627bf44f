import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestRegistry, jsonOf, runCli, startTestRegistry } from './cli-harness.js';

describe('login and logout', { timeout: 30_000 }, () => {
  let registry: TestRegistry;
  let home: string;
  /** No MODELKEEP_URL / MODELKEEP_TOKEN: commands must rely on what login stored. */
  let env: Record<string, string>;

  beforeAll(async () => {
    registry = await startTestRegistry();
    home = await mkdtemp(join(tmpdir(), 'modelkeep-login-'));
    env = { MODELKEEP_CONFIG: join(home, 'modelkeep', 'config.json'), HOME: home };
  });

  afterAll(async () => {
    await registry?.close();
  });

  it('stores the url and token in a file only its owner can read', async () => {
    const run = await runCli(['login', '--url', `${registry.url}/`, '--token', registry.adminToken], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('as user:admin');
    const file = await stat(env.MODELKEEP_CONFIG!);
    expect(file.mode & 0o777).toBe(0o600);
    expect((await stat(dirname(env.MODELKEEP_CONFIG!))).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(env.MODELKEEP_CONFIG!, 'utf8'))).toEqual({ url: registry.url, token: registry.adminToken });
  });

  it('lets later commands use the stored login', async () => {
    const run = await runCli(['--json', 'whoami'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(jsonOf(run)).toMatchObject({ url: registry.url, principal: 'user:admin' });
  });

  it('prefers MODELKEEP_URL and MODELKEEP_TOKEN over the stored login', async () => {
    await registry.client.access.grant({ principal: 'service:reader', role: 'viewer', reason: 'reads dashboards' });
    const issued = await registry.client.tokens.issue({ name: 'reader', principal: 'service:reader' });
    const run = await runCli(['--json', 'whoami'], { env: { ...env, MODELKEEP_URL: registry.url, MODELKEEP_TOKEN: issued.token } });
    expect(jsonOf(run)).toMatchObject({ principal: 'service:reader', roles: ['viewer'] });
  });

  it('never sends the stored token to a different server named in MODELKEEP_URL', async () => {
    const run = await runCli(['whoami'], { env: { ...env, MODELKEEP_URL: 'http://127.0.0.2:9' } });
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/No token is configured/);
  });

  it('reads the token from stdin with --token -', async () => {
    const other = { ...env, MODELKEEP_CONFIG: join(home, 'stdin', 'config.json') };
    const run = await runCli(['login', '--url', registry.url, '--token', '-'], { env: other, input: `${registry.adminToken}\n` });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(await readFile(other.MODELKEEP_CONFIG, 'utf8'))).toEqual({ url: registry.url, token: registry.adminToken });
  });

  it('stores nothing when the server refuses the token', async () => {
    const other = { ...env, MODELKEEP_CONFIG: join(home, 'refused', 'config.json') };
    const run = await runCli(['login', '--url', registry.url, '--token', 'mk_wrong'], { env: other });
    expect(run.code).toBe(5);
    await expect(stat(other.MODELKEEP_CONFIG)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('forgets the login on logout', async () => {
    const out = await runCli(['logout'], { env });
    expect(out.code).toBe(0);
    await expect(stat(env.MODELKEEP_CONFIG!)).rejects.toMatchObject({ code: 'ENOENT' });
    const after = await runCli(['whoami'], { env });
    expect(after.code).toBe(5);
    expect(after.stderr).toMatch(/modelkeep login/);
  });

  it('uses ~/.config/modelkeep/config.json when MODELKEEP_CONFIG is not set', async () => {
    const run = await runCli(['login', '--url', registry.url, '--token', registry.adminToken], { env: { HOME: home } });
    expect(run.code, run.stderr).toBe(0);
    expect((await stat(join(home, '.config', 'modelkeep', 'config.json'))).mode & 0o777).toBe(0o600);
  });
});
