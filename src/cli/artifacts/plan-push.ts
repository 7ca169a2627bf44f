import type { ManifestEntry, RegisterVersion, VersionMetadata } from '../../sdk/types.js';
import { CliError } from '../cli-error.js';
import type { LocalFile } from './walk-folder.js';

export interface HashedFile extends LocalFile {
  readonly sha256: string;
}

export interface UploadPlan {
  /** One file per blob the registry lacks. */
  readonly uploads: HashedFile[];
  readonly uploadBytes: number;
  /** Blobs the registry already holds (or that repeat within the folder), which are not sent. */
  readonly reusedBlobs: number;
  readonly reusedBytes: number;
}

/** What to send, given which digests the registry lacks. Each blob is sent once however many paths share it. */
export function planUploads(files: readonly HashedFile[], missing: ReadonlySet<string>): UploadPlan {
  const byDigest = new Map<string, HashedFile>();
  for (const file of files) if (!byDigest.has(file.sha256)) byDigest.set(file.sha256, file);
  const unique = [...byDigest.values()];
  const uploads = unique.filter((file) => missing.has(file.sha256));
  const reused = unique.filter((file) => !missing.has(file.sha256));
  return { uploads, uploadBytes: sum(uploads), reusedBlobs: reused.length, reusedBytes: sum(reused) };
}

export function manifestOf(files: readonly HashedFile[]): ManifestEntry[] {
  return files.map(({ path, sha256, size }) => ({ path, sha256, size }));
}

export interface MetadataFlags {
  readonly license?: string | undefined;
  readonly tag: readonly string[];
  readonly metric: Readonly<Record<string, number>>;
}

/** The metadata file, with flags layered on top: flags win for license and metrics, tags are merged. */
export function versionBody(manifest: ManifestEntry[], fromFile: Readonly<Record<string, unknown>> | undefined, flags: MetadataFlags): RegisterVersion {
  if (fromFile !== undefined && 'manifest' in fromFile) {
    throw new CliError('invalid_request', 'The metadata file must not contain "manifest": push builds the manifest from the folder');
  }
  const metadata = { ...(fromFile ?? {}) } as VersionMetadata;
  const tags = [...new Set([...(metadata.tags ?? []), ...flags.tag])];
  const metrics = { ...(metadata.metrics ?? {}), ...flags.metric };
  return {
    ...metadata,
    ...(flags.license === undefined ? {} : { license: flags.license }),
    ...(tags.length === 0 ? {} : { tags }),
    ...(Object.keys(metrics).length === 0 ? {} : { metrics }),
    manifest,
  };
}

const sum = (files: readonly { size: number }[]): number => files.reduce((total, file) => total + file.size, 0);
