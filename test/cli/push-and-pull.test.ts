import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestRegistry, jsonOf, runCli, startTestRegistry } from './cli-harness.js';

interface PushOutput {
  files: number;
  bytes: number;
  uploaded: { count: number; bytes: number };
  alreadyStored: { count: number; bytes: number };
  skipped: { path: string; reason: string }[];
  version: { number: number; urn: string; status: string; manifest: { path: string; sha256: string; size: number }[] };
}

/** Every regular file under `root`, by relative POSIX path. */
async function readTree(root: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const absolute = join(entry.parentPath, entry.name);
    files.set(relative(root, absolute).split('\\').join('/'), await readFile(absolute));
  }
  return files;
}

describe('version push and pull', { timeout: 60_000 }, () => {
  let registry: TestRegistry;
  let scratch: string;
  let modelDir: string;
  let firstPush: PushOutput;
  const nested = {
    'weights.bin': randomBytes(3 * 1024 * 1024 + 17),
    'config.json': Buffer.from('{"layers": 12}\n'),
    'tokenizer/vocab.txt': Buffer.from('a\nb\nc\n'),
    'tokenizer/merges/rules.txt': Buffer.from('ab c\n'),
    'tokenizer/merges/copy-of-rules.txt': Buffer.from('ab c\n'),
    'empty.txt': Buffer.alloc(0),
  };

  beforeAll(async () => {
    registry = await startTestRegistry();
    scratch = await mkdtemp(join(tmpdir(), 'modelkeep-push-'));
    modelDir = join(scratch, 'model');
    for (const [path, bytes] of Object.entries(nested)) {
      await mkdir(join(modelDir, path, '..'), { recursive: true });
      await writeFile(join(modelDir, path), bytes);
    }
    await writeFile(join(scratch, 'secret.txt'), 'not part of the model');
    await symlink(join(scratch, 'secret.txt'), join(modelDir, 'escapes'));
    await registry.client.namespaces.create({ name: 'fraud' });
    await registry.client.models.create({ namespace: 'fraud', name: 'scorer' });
    const run = await runCli(['--json', 'version', 'push', 'fraud/scorer', modelDir, '--metric', 'auc=0.91', '--tag', 'candidate'], { env: registry.env });
    expect(run.code, run.stderr).toBe(0);
    firstPush = jsonOf<PushOutput>(run);
  });

  afterAll(async () => {
    await registry?.close();
  });

  it('registers a manifest of every nested file with POSIX paths', () => {
    expect(firstPush.version.number).toBe(1);
    expect(firstPush.files).toBe(Object.keys(nested).length);
    expect(firstPush.version.manifest.map((e) => e.path).sort()).toEqual(Object.keys(nested).sort());
    // Two paths share one blob, which is sent once.
    expect(firstPush.uploaded.count).toBe(Object.keys(nested).length - 1);
  });

  it('reports a link that leaves the folder instead of following it', () => {
    expect(firstPush.skipped).toEqual([expect.objectContaining({ path: 'escapes', reason: expect.stringMatching(/outside the folder/) })]);
    expect(firstPush.version.manifest.some((e) => e.path === 'escapes')).toBe(false);
  });

  it('pulls back exactly the bytes it pushed', async () => {
    const target = join(scratch, 'pulled');
    const run = await runCli(['pull', 'fraud/scorer@1', target], { env: registry.env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/all verified/);
    const pulled = await readTree(target);
    expect([...pulled.keys()].sort()).toEqual(Object.keys(nested).sort());
    for (const [path, bytes] of Object.entries(nested)) expect(pulled.get(path)!.equals(bytes), path).toBe(true);
  });

  it('keeps files already in the folder when they match, downloading nothing', async () => {
    const target = join(scratch, 'pulled');
    const run = await runCli(['--json', 'pull', 'fraud/scorer@1', target], { env: registry.env });
    expect(run.code, run.stderr).toBe(0);
    const result = jsonOf<{ downloaded: { count: number }; alreadyPresent: { count: number } }>(run);
    expect(result.downloaded.count).toBe(0);
    expect(result.alreadyPresent.count).toBe(Object.keys(nested).length);
  });

  it('uploads nothing when the same folder is pushed again', async () => {
    const run = await runCli(['--json', 'version', 'push', 'fraud/scorer', modelDir], { env: registry.env });
    expect(run.code, run.stderr).toBe(0);
    const again = jsonOf<PushOutput>(run);
    expect(again.uploaded).toEqual({ count: 0, bytes: 0 });
    expect(again.alreadyStored.count).toBe(firstPush.uploaded.count);
    expect(again.version.number).toBe(2);
  });

  it('publishes on request', async () => {
    const run = await runCli(['--json', 'version', 'push', 'fraud/scorer', modelDir, '--publish', '--reason', 'release'], { env: registry.env });
    expect(run.code, run.stderr).toBe(0);
    expect(jsonOf<PushOutput>(run).version.status).toBe('published');
  });

  it('refuses to keep a file whose blob was corrupted, and exits with the digest_mismatch code', async () => {
    const entry = firstPush.version.manifest.find((e) => e.path === 'tokenizer/vocab.txt')!;
    const hex = entry.sha256.slice('sha256:'.length);
    const blobPath = join(registry.dataDir, 'blobs', 'sha256', hex.slice(0, 2), hex);
    await chmod(blobPath, 0o644);
    await writeFile(blobPath, 'x\ny\nz\n');

    const target = join(scratch, 'corrupt');
    const run = await runCli(['--json', 'pull', 'fraud/scorer@1', target], { env: registry.env });
    expect(run.code).toBe(7);
    expect(run.stderr).toMatch(/error: .*tokenizer\/vocab\.txt/);
    const problem = JSON.parse(run.stdout) as { code: string; failures: { path: string }[] };
    expect(problem.code).toBe('digest_mismatch');
    expect(problem.failures.map((f) => f.path)).toEqual(['tokenizer/vocab.txt']);

    const left = await readTree(target);
    expect(left.has('tokenizer/vocab.txt')).toBe(false);
    expect([...left.keys()].filter((path) => path.includes('.partial'))).toEqual([]);
    expect(left.get('config.json')?.equals(nested['config.json'])).toBe(true);
  });
});
