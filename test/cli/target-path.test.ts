import { mkdir, mkdtemp, realpath, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareParents, targetPathOf } from '../../src/cli/artifacts/target-path.js';
import { CliError } from '../../src/cli/cli-error.js';

describe('where pull may write', () => {
  let root: string;
  let outside: string;

  beforeAll(async () => {
    const scratch = await realpath(await mkdtemp(join(tmpdir(), 'modelkeep-target-')));
    root = join(scratch, 'target');
    outside = join(scratch, 'elsewhere');
    await mkdir(root);
    await mkdir(outside);
    await symlink(outside, join(root, 'escape'));
  });

  it('places a nested manifest path under the target folder', () => {
    expect(targetPathOf(root, 'a/b/c.bin')).toBe(join(root, 'a', 'b', 'c.bin'));
  });

  it.each(['../evil', 'a/../../evil', '/etc/passwd', 'C:/evil', 'a\\..\\evil', '%2e%2e/evil', 'a/', '', 'a/./b', 'a//b', '\u2025/evil'])(
    'refuses the manifest path %j',
    (path) => {
      expect(() => targetPathOf(root, path)).toThrow(CliError);
      try {
        targetPathOf(root, path);
      } catch (error) {
        expect((error as CliError).code).toBe('unsafe_path');
      }
    },
  );

  it('refuses to write through a directory link that leads out of the folder', async () => {
    await expect(prepareParents(root, targetPathOf(root, 'escape/sub/file.bin'))).rejects.toMatchObject({ code: 'unsafe_path' });
    await expect(stat(join(outside, 'sub'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('creates missing directories inside the folder', async () => {
    await prepareParents(root, targetPathOf(root, 'x/y/z.bin'));
    expect((await stat(join(root, 'x', 'y'))).isDirectory()).toBe(true);
  });
});
