import { lstat, mkdir, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { normaliseArtifactPath } from '../../artifacts/artifact-path.js';
import { RegistryError } from '../../errors/registry-error.js';
import { CliError } from '../cli-error.js';

/**
 * Where a manifest path lands under `root` (a real path). The registry
 * already refuses unsafe paths, but a client must not trust that: a path is
 * checked again here, and must already be in its normal form.
 */
export function targetPathOf(root: string, manifestPath: string): string {
  let safe: string;
  try {
    safe = normaliseArtifactPath(manifestPath);
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    throw refusal(`The manifest lists an unsafe path: ${error.message}`, manifestPath);
  }
  if (safe !== manifestPath) throw refusal(`The manifest path ${JSON.stringify(manifestPath)} is not in normal form (${JSON.stringify(safe)})`, manifestPath);
  const target = join(root, ...safe.split('/'));
  if (!isStrictlyInside(root, target)) throw refusal(`The manifest path ${JSON.stringify(manifestPath)} leads outside ${root}`, manifestPath);
  return target;
}

/**
 * Creates the directories between `root` and `target` one at a time, refusing
 * to pass through a symbolic link that leads out of `root` (which `mkdir -p`
 * would follow without a word).
 */
export async function prepareParents(root: string, target: string): Promise<void> {
  const segments = relative(root, target).split(sep).slice(0, -1);
  let dir = root;
  for (const segment of segments) {
    dir = join(dir, segment);
    let info;
    try {
      info = await lstat(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(dir).catch((cause: NodeJS.ErrnoException) => {
        if (cause.code !== 'EEXIST') throw cause;
      });
      continue;
    }
    if (info.isSymbolicLink() && !isStrictlyInside(root, await realpath(dir))) {
      throw refusal(`${dir} is a symbolic link that leads outside ${root}; refusing to write through it`, relative(root, target));
    }
  }
}

function isStrictlyInside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

function refusal(detail: string, path: string): CliError {
  return new CliError('unsafe_path', detail, { extensions: { path }, hint: 'Nothing outside the target folder was written; report the version to the registry admins.' });
}
