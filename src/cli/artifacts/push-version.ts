import type { ModelKeepClient } from '../../sdk/modelkeep-client.js';
import { mapWithConcurrency } from '../../sdk/concurrency.js';
import type { ModelRef, ModelVersion } from '../../sdk/types.js';
import { CliError } from '../cli-error.js';
import type { ByteProgress } from '../progress.js';
import { hashFile } from './hash-file.js';
import { type HashedFile, type MetadataFlags, manifestOf, planUploads, versionBody } from './plan-push.js';
import { type SkippedEntry, walkFolder } from './walk-folder.js';

const UPLOADS_IN_FLIGHT = 4;

export interface PushRequest {
  readonly model: ModelRef;
  readonly dir: string;
  readonly metadataFile: Readonly<Record<string, unknown>> | undefined;
  readonly flags: MetadataFlags;
  readonly publish: boolean;
  readonly publishReason?: string | undefined;
}

export interface PushResult {
  readonly version: ModelVersion;
  readonly files: number;
  readonly bytes: number;
  /** Blobs sent in this push. */
  readonly uploaded: { readonly count: number; readonly bytes: number };
  /** Blobs the registry already held, or that repeat within the folder. */
  readonly alreadyStored: { readonly count: number; readonly bytes: number };
  readonly skipped: SkippedEntry[];
  readonly published: boolean;
}

export interface PushEffects {
  readonly progress: (label: string, total: number) => ByteProgress;
  readonly onSkipped: (entry: SkippedEntry) => void;
}

/**
 * Lists and hashes the folder, uploads only the blobs the registry lacks,
 * then registers the version (with an Idempotency-Key, so a retried request
 * cannot make two) and optionally publishes it.
 */
export async function pushVersion(client: ModelKeepClient, request: PushRequest, effects: PushEffects): Promise<PushResult> {
  const { files, skipped } = await walkFolder(request.dir);
  skipped.forEach(effects.onSkipped);
  if (files.length === 0) throw new CliError('invalid_request', `${request.dir} holds no files to push`);
  const bytes = files.reduce((total, file) => total + file.size, 0);

  const hashing = effects.progress('hashing', bytes);
  const hashed: HashedFile[] = [];
  try {
    for (const file of files) {
      const { sha256, size } = await hashFile(file.absolute, (n) => hashing.advance(n));
      hashed.push({ ...file, sha256, size });
    }
  } finally {
    hashing.stop();
  }

  const missing = new Set(await client.blobs.missing(hashed.map((file) => file.sha256)));
  const plan = planUploads(hashed, missing);
  const uploading = effects.progress('uploading', plan.uploadBytes);
  try {
    await mapWithConcurrency(plan.uploads, UPLOADS_IN_FLIGHT, (file) =>
      client.blobs.put(file.sha256, file.absolute, { onProgress: (n) => uploading.advance(n) }),
    );
  } finally {
    uploading.stop();
  }

  const body = versionBody(manifestOf(hashed), request.metadataFile, request.flags);
  let version = await client.versions.register(request.model, body);
  if (request.publish) {
    version = await client.versions.publish(
      { namespace: version.namespace, model: version.model, number: version.number },
      request.publishReason === undefined ? {} : { reason: request.publishReason },
    );
  }
  return {
    version,
    files: hashed.length,
    bytes: hashed.reduce((total, file) => total + file.size, 0),
    uploaded: { count: plan.uploads.length, bytes: plan.uploadBytes },
    alreadyStored: { count: plan.reusedBlobs, bytes: plan.reusedBytes },
    skipped,
    published: request.publish,
  };
}
