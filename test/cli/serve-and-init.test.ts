import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelKeepClient } from '../../src/sdk/modelkeep-client.js';
import { BIN, runCli } from './cli-harness.js';

interface Served {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  readonly output: () => string;
  readonly exit: Promise<number | null>;
}

/** Starts `modelkeep serve` and waits until it says where it listens. */
async function serve(dataDir: string, env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--data', dataDir, '--port', '0'], { env: { PATH: process.env.PATH ?? '', HOME: dataDir, ...env } });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 15_000);
    child.stdout.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exit.then(() => reject(new Error(`serve exited:\n${output}`)));
  });
  return { child, url, output: () => output, exit };
}

describe('serve and init', { timeout: 60_000 }, () => {
  it('prints a generated admin token and the login line once, then stops cleanly on SIGINT', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'modelkeep-serve-')), 'data');
    const first = await serve(dataDir);
    const token = /--token (mk_\S+)/.exec(first.output())?.[1];
    expect(first.output()).toContain(`modelkeep login --url ${first.url} --token ${token}`);
    expect(await new ModelKeepClient({ baseUrl: first.url, token: token! }).whoami()).toMatchObject({ principal: 'user:admin' });
    first.child.kill('SIGINT');
    expect(await first.exit, first.output()).toBe(0);
    expect(first.output()).toMatch(/Stopped/);

    const second = await serve(dataDir);
    expect(second.output()).not.toMatch(/mk_/);
    second.child.kill('SIGTERM');
    expect(await second.exit, second.output()).toBe(0);
  });

  it('never echoes a token taken from MODELKEEP_ADMIN_TOKEN', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'modelkeep-serve-')), 'data');
    const secret = randomBytes(32).toString('base64url');
    const served = await serve(dataDir, { MODELKEEP_ADMIN_TOKEN: secret });
    expect(served.output()).toContain('MODELKEEP_ADMIN_TOKEN');
    expect(served.output()).not.toContain(secret);
    expect(await new ModelKeepClient({ baseUrl: served.url, token: secret }).whoami()).toMatchObject({ roles: ['admin'] });
    served.child.kill('SIGINT');
    expect(await served.exit).toBe(0);
  });

  it('init creates the data directory and shows the admin token only the first time', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'modelkeep-init-')), 'data');
    const env = { HOME: dataDir };
    const first = await runCli(['--json', 'init', '--data', dataDir], { env });
    expect(first.code, first.stderr).toBe(0);
    const created = JSON.parse(first.stdout) as { initialised: boolean; adminToken: string; login: string };
    expect(created).toMatchObject({ initialised: true, adminToken: expect.stringMatching(/^mk_/) });
    expect(created.login).toBe(`modelkeep login --url http://127.0.0.1:8080 --token ${created.adminToken}`);
    expect((await stat(join(dataDir, 'modelkeep.db'))).isFile()).toBe(true);

    const again = await runCli(['init', '--data', dataDir], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already initialised/);
    expect(again.stdout).not.toMatch(/mk_/);
  });

  it('refuses a port that is not a number as a usage error', async () => {
    const run = await runCli(['serve', '--port', 'eighty']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--port must be a TCP port number/);
  });
});
