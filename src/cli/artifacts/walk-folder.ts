import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { normaliseArtifactPath } from '../../artifacts/artifact-path.js';
import { RegistryError } from '../../errors/registry-error.js';
import { CliError } from '../cli-error.js';

/** A file to push: its manifest path (relative, POSIX, NFC) and where to read it. */
export interface LocalFile {
  readonly path: string;
  readonly absolute: string;
  readonly size: number;
}

/** Something in the folder that will not be in the manifest, and why. */
export interface SkippedEntry {
  readonly path: string;
  readonly reason: string;
}

export interface FolderListing {
  readonly files: LocalFile[];
  readonly skipped: SkippedEntry[];
}

/**
 * Lists the files under `root` for a manifest. Symbolic links are followed
 * only while they stay inside the folder; anything left out (links that leave
 * it, special files, empty directories, names the registry would refuse) is
 * returned in `skipped` so the caller can say so.
 */
export async function walkFolder(root: string): Promise<FolderListing> {
  let top: string;
  try {
    top = await realpath(root);
  } catch (error) {
    throw new CliError('invalid_request', `Cannot read ${root}: ${(error as Error).message}`, { cause: error });
  }
  if (!(await stat(top)).isDirectory()) throw new CliError('invalid_request', `${root} is not a directory`, { hint: 'Give the folder that holds the model files.' });
  const listing: FolderListing = { files: [], skipped: [] };
  await walk(top, top, [], new Set([top]), listing);
  listing.files.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  return listing;
}

async function walk(top: string, dir: string, segments: readonly string[], ancestors: ReadonlySet<string>, listing: FolderListing): Promise<void> {
  const names = (await readdir(dir)).sort();
  if (names.length === 0 && segments.length > 0) listing.skipped.push({ path: `${segments.join('/')}/`, reason: 'empty directory (a manifest lists files only)' });
  for (const name of names) {
    const here = [...segments, name];
    const shown = here.join('/');
    const absolute = join(dir, name);
    let real = absolute;
    const entry = await lstat(absolute);
    if (entry.isSymbolicLink()) {
      try {
        real = await realpath(absolute);
      } catch {
        listing.skipped.push({ path: shown, reason: 'symbolic link to nothing' });
        continue;
      }
      if (!isInside(top, real)) {
        listing.skipped.push({ path: shown, reason: `symbolic link to ${real}, outside the folder` });
        continue;
      }
    }
    const target = entry.isSymbolicLink() ? await stat(real) : entry;
    if (target.isDirectory()) {
      if (ancestors.has(real)) {
        listing.skipped.push({ path: shown, reason: 'symbolic link back to a folder that contains it' });
        continue;
      }
      await walk(top, real, here, new Set([...ancestors, real]), listing);
    } else if (target.isFile()) {
      const path = manifestPath(shown, listing);
      if (path !== undefined) listing.files.push({ path, absolute: real, size: target.size });
    } else {
      listing.skipped.push({ path: shown, reason: 'not a regular file (socket, FIFO or device)' });
    }
  }
}

function manifestPath(shown: string, listing: FolderListing): string | undefined {
  try {
    return normaliseArtifactPath(shown);
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    listing.skipped.push({ path: shown, reason: error.message });
    return undefined;
  }
}

/** The folder itself counts as inside: a link to it is a loop, reported as such. */
function isInside(top: string, candidate: string): boolean {
  const rel = relative(top, candidate);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
