import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FolderListing, walkFolder } from '../../src/cli/artifacts/walk-folder.js';

describe('listing a folder to push', () => {
  let listing: FolderListing;

  beforeAll(async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'modelkeep-walk-'));
    const root = join(scratch, 'model');
    await mkdir(join(root, 'weights', 'shards'), { recursive: true });
    await mkdir(join(root, 'logs'));
    await writeFile(join(root, 'weights', 'shards', '0.bin'), 'zero');
    await writeFile(join(root, 'README.md'), '# model');
    await writeFile(join(root, 'back\\slash.txt'), 'odd name');
    await writeFile(join(scratch, 'secret.txt'), 'outside');
    await symlink('weights/shards/0.bin', join(root, 'latest.bin'));
    await symlink(join(scratch, 'secret.txt'), join(root, 'secret.txt'));
    await symlink('..', join(root, 'weights', 'up'));
    await symlink('missing', join(root, 'dangling'));
    listing = await walkFolder(root);
  });

  it('lists files in path order with POSIX paths, following links that stay inside', () => {
    expect(listing.files.map((f) => f.path)).toEqual(['README.md', 'latest.bin', 'weights/shards/0.bin']);
    expect(listing.files.find((f) => f.path === 'latest.bin')?.size).toBe(4);
  });

  it('reports everything it leaves out, with a reason', () => {
    const reasons = Object.fromEntries(listing.skipped.map((s) => [s.path, s.reason]));
    expect(reasons['secret.txt']).toMatch(/outside the folder/);
    expect(reasons['weights/up']).toMatch(/back to a folder that contains it/);
    expect(reasons.dangling).toMatch(/to nothing/);
    expect(reasons['logs/']).toMatch(/empty directory/);
    expect(reasons['back\\slash.txt']).toMatch(/backslash/);
    expect(listing.skipped).toHaveLength(5);
  });

  it('refuses a path that is not a folder', async () => {
    await expect(walkFolder(join(tmpdir(), 'no-such-folder-for-modelkeep'))).rejects.toMatchObject({ code: 'invalid_request' });
  });
});
