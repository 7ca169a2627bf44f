import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface NodeChild<T> {
  readonly process: ChildProcess;
  readonly pid: number;
  /** The first line the child prints on stdout, parsed as JSON; rejects if it exits first. */
  readonly report: Promise<T>;
  /** Resolves with the exit code once the child has exited. */
  readonly exited: Promise<number | null>;
}

/**
 * Starts `node <script>` with its stderr passed through. stdin stays a pipe
 * the child may watch: it closes when this process dies, however it dies.
 */
export function startNodeChild<T>(script: URL, env: Record<string, string>, nodeFlags: readonly string[] = []): NodeChild<T> {
  const path = fileURLToPath(script);
  const child = spawn(process.execPath, [...nodeFlags, path], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${path}`);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const report = new Promise<T>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      try {
        resolve(JSON.parse(line) as T);
      } catch (error) {
        reject(new Error(`${path} printed ${JSON.stringify(line.slice(0, 200))}, not JSON`, { cause: error }));
      }
    });
    void exited.then((code) => reject(new Error(`${path} exited with code ${code} before reporting`)));
    child.once('error', reject);
  });
  return { process: child, pid: child.pid, report, exited };
}

/** Asks the child to stop, and kills it if it has not after `graceMs`. Only ever signals this child's own pid. */
export async function stopNodeChild(child: NodeChild<unknown>, graceMs = 10_000): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}
