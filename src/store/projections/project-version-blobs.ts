import type { ManifestEntryInput } from '../../artifacts/manifest.js';
import type { Db } from '../database.js';

async function countHolder(tx: Db, digest: string, namespace: string, by: 1 | -1): Promise<void> {
  if (by === 1) {
    await tx
      .insertInto('blob_holders')
      .values({ digest, namespace, versions: 1, quarantined: 0 })
      .onConflict((oc) => oc.columns(['digest', 'namespace']).doUpdateSet((eb) => ({ versions: eb('blob_holders.versions', '+', 1) })))
      .execute();
    return;
  }
  await tx.updateTable('blob_holders').set((eb) => ({ versions: eb('versions', '-', 1) })).where('digest', '=', digest).where('namespace', '=', namespace).execute();
  await tx.deleteFrom('blob_holders').where('digest', '=', digest).where('namespace', '=', namespace).where('versions', '<=', 0).execute();
}

/**
 * Which blobs a version names, and per blob which namespaces hold it (with a
 * count of versions), so a download is decided by the namespaces that hold
 * the blob with one small read, however many versions share it.
 */
export async function replaceVersionBlobs(tx: Db, versionId: number, namespace: string, manifest: readonly ManifestEntryInput[], isNew = false): Promise<void> {
  if (!isNew) {
    const old = await tx.selectFrom('version_blobs').select('digest').where('version_id', '=', versionId).execute();
    await tx.deleteFrom('version_blobs').where('version_id', '=', versionId).execute();
    for (const { digest } of old) await countHolder(tx, digest, namespace, -1);
  }
  const digests = [...new Set(manifest.map((entry) => entry.sha256))];
  if (digests.length === 0) return;
  await tx.insertInto('version_blobs').values(digests.map((digest) => ({ digest, version_id: versionId, namespace }))).execute();
  for (const digest of digests) await countHolder(tx, digest, namespace, 1);
}

/** A version was quarantined (+1) or released (-1): its blobs' holders count it. */
export async function countQuarantined(tx: Db, versionId: number, namespace: string, by: 1 | -1): Promise<void> {
  const rows = await tx.selectFrom('version_blobs').select('digest').where('version_id', '=', versionId).execute();
  for (const { digest } of rows) {
    await tx.updateTable('blob_holders').set((eb) => ({ quarantined: eb('quarantined', '+', by) })).where('digest', '=', digest).where('namespace', '=', namespace).execute();
  }
}
