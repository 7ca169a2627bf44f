import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type RunningServer, startServer } from '../../src/server/open-registry.js';
import { ModelKeepClient } from '../../src/sdk/modelkeep-client.js';

export const BIN = resolve(import.meta.dirname, '../../bin/modelkeep.js');

export interface TestRegistry {
  readonly url: string;
  readonly adminToken: string;
  readonly dataDir: string;
  readonly server: RunningServer;
  readonly client: ModelKeepClient;
  /** Environment for the CLI: this server, the admin token, and a private config path and home. */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

/** A real registry on SQLite in a fresh temporary directory, on a free port. */
export async function startTestRegistry(): Promise<TestRegistry> {
  const scratch = await mkdtemp(join(tmpdir(), 'modelkeep-cli-'));
  const dataDir = join(scratch, 'data');
  const adminToken = `mk_test_${randomBytes(32).toString('base64url')}`;
  const server = await startServer({ dataDir, host: '127.0.0.1', port: 0, adminToken });
  return {
    url: server.url,
    adminToken,
    dataDir,
    server,
    client: new ModelKeepClient({ baseUrl: server.url, token: adminToken }),
    env: { MODELKEEP_URL: server.url, MODELKEEP_TOKEN: adminToken, MODELKEEP_CONFIG: join(scratch, 'config', 'config.json'), HOME: scratch },
    async close() {
      await server.close();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the built CLI (`node bin/modelkeep.js`) with only the environment
 * given, so nothing from the developer's shell or home leaks in.
 */
export function runCli(args: readonly string[], options: { env?: Record<string, string | undefined>; input?: string; cwd?: string } = {}): Promise<CliRun> {
  const env = { PATH: process.env.PATH ?? '', ...options.env } as NodeJS.ProcessEnv;
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Parses stdout as one JSON document, failing with the output in view if it is not. */
export function jsonOf<T = Record<string, unknown>>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${run.code}):\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}
