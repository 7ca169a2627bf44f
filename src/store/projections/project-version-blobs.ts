import type { ManifestEntryInput } from '../../artifacts/manifest.js';
import type { Db } from '../database.js';

/** Which blobs a version names, so a download is decided by the namespaces that hold the blob. */
export async function replaceVersionBlobs(tx: Db, versionId: number, namespace: string, manifest: readonly ManifestEntryInput[]): Promise<void> {
  await tx.deleteFrom('version_blobs').where('version_id', '=', versionId).execute();
  const digests = [...new Set(manifest.map((entry) => entry.sha256))];
  if (digests.length > 0) {
    await tx.insertInto('version_blobs').values(digests.map((digest) => ({ digest, version_id: versionId, namespace }))).execute();
  }
}
