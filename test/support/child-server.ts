import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const openRegistryModule = fileURLToPath(new URL('../../dist/server/open-registry.js', import.meta.url));

export interface ChildServer {
  readonly process: ChildProcess;
  readonly url: string;
}

/**
 * Runs the built server in its own process, so a test can kill it with
 * SIGKILL exactly as a crash would. `npm test` builds `dist/` first.
 */
export async function spawnServer(config: Record<string, unknown>): Promise<ChildServer> {
  const script = `
    const { startServer } = await import(${JSON.stringify(openRegistryModule)});
    const server = await startServer(${JSON.stringify({ host: '127.0.0.1', port: 0, ...config })});
    process.stdout.write('LISTENING ' + server.url + '\\n');
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /LISTENING (\S+)/.exec(seen);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited early with ${code}`)));
  });
  return { process: child, url };
}

export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
