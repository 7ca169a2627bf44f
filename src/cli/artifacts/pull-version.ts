import { mkdir, realpath } from 'node:fs/promises';
import type { ModelKeepClient } from '../../sdk/modelkeep-client.js';
import { mapWithConcurrency } from '../../sdk/concurrency.js';
import { formatVersionRef } from '../../sdk/refs.js';
import type { VersionRef } from '../../sdk/types.js';
import { CliError } from '../cli-error.js';
import type { ByteProgress } from '../progress.js';
import { type FileOutcome, downloadFile } from './download-file.js';
import { prepareParents, targetPathOf } from './target-path.js';

const DOWNLOADS_IN_FLIGHT = 4;

export interface PullResult {
  readonly version: string;
  readonly dir: string;
  readonly files: number;
  readonly bytes: number;
  readonly downloaded: { readonly count: number; readonly bytes: number };
  /** Files already in the folder with the right digest, left as they were. */
  readonly alreadyPresent: { readonly count: number; readonly bytes: number };
}

/**
 * Downloads every file of a version into `dir`, verifying each. Every path is
 * checked before anything is written; a file that fails verification is not
 * left in the folder, and the pull fails with `digest_mismatch` after the
 * other files are done.
 */
export async function pullVersion(client: ModelKeepClient, ref: VersionRef, dir: string, progress: (label: string, total: number) => ByteProgress): Promise<PullResult> {
  const version = await client.versions.get(ref);
  await mkdir(dir, { recursive: true });
  const root = await realpath(dir);
  const planned = version.manifest.map((entry) => ({ entry, target: targetPathOf(root, entry.path) }));
  const bytes = version.manifest.reduce((total, entry) => total + entry.size, 0);

  const bar = progress('downloading', bytes);
  let outcomes: FileOutcome[];
  try {
    outcomes = await mapWithConcurrency(planned, DOWNLOADS_IN_FLIGHT, async ({ entry, target }) => {
      await prepareParents(root, target);
      return downloadFile(client, entry, target, bar);
    });
  } finally {
    bar.stop();
  }

  const failures = outcomes.filter((o) => o.status === 'failed');
  if (failures.length > 0) {
    const named = failures.map((f) => `${f.path} (expected ${f.expected.sha256}, ${f.expected.size} bytes; got ${f.actual.sha256}, ${f.actual.size} bytes)`);
    throw new CliError('digest_mismatch', `${failures.length} of ${outcomes.length} files of ${formatVersionRef(ref)} failed verification and were not written: ${named.join('; ')}`, {
      extensions: { version: version.urn, failures },
      hint: "The registry's copy of these blobs is damaged or the download was altered; retry, and if it persists ask an admin to check the server.",
    });
  }
  const tally = (status: 'downloaded' | 'present') => {
    const matching = outcomes.filter((o) => o.status === status);
    return { count: matching.length, bytes: matching.reduce((total, o) => total + (o.status === 'failed' ? 0 : o.size), 0) };
  };
  return { version: version.urn, dir: root, files: outcomes.length, bytes, downloaded: tally('downloaded'), alreadyPresent: tally('present') };
}
