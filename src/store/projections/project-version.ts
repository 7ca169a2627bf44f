import { registeredVersion } from '../../catalog/registered-version.js';
import type { VersionPublished, VersionUpdated } from '../../catalog/entry-payloads.js';
import type { LedgerEntry } from '../../ledger/entry.js';
import type { Db } from '../database.js';
import { recordVersionHistory } from '../history/record-history.js';
import { replaceVersionBlobs } from './project-version-blobs.js';

async function replaceTags(tx: Db, versionId: number, tags: readonly string[] | undefined): Promise<void> {
  await tx.deleteFrom('version_tags').where('version_id', '=', versionId).execute();
  if (tags !== undefined && tags.length > 0) {
    await tx.insertInto('version_tags').values(tags.map((tag) => ({ version_id: versionId, tag }))).execute();
  }
}

/** The id of a version's row, by its namespace, model and number. */
export async function versionKey(tx: Db, payload: { namespace: string; model: string; number: number }): Promise<number> {
  const row = await tx
    .selectFrom('versions')
    .select('id')
    .where('namespace', '=', payload.namespace)
    .where('model', '=', payload.model)
    .where('number', '=', payload.number)
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function projectVersionRegistered(tx: Db, entry: LedgerEntry): Promise<void> {
  const version = registeredVersion(entry);
  await tx
    .insertInto('versions')
    .values((eb) => ({
      id: entry.seq,
      model_id: eb.selectFrom('models').select('id').where('namespace', '=', version.namespace).where('name', '=', version.model),
      namespace: version.namespace,
      model: version.model,
      number: version.number,
      status: version.status,
      stage: version.stage,
      artifact_digest: version.artifactDigest,
      license: version.metadata.license ?? null,
      metadata: JSON.stringify(version.metadata),
      manifest: JSON.stringify(version.manifest),
      created_at: version.createdAt,
      created_by: version.createdBy,
      updated_at: version.updatedAt,
      published_at: null,
      published_by: null,
      revision: version.revision,
    }))
    .execute();
  const tags = version.metadata.tags ?? [];
  if (tags.length > 0) await tx.insertInto('version_tags').values(tags.map((tag) => ({ version_id: entry.seq, tag }))).execute();
  await replaceVersionBlobs(tx, entry.seq, version.namespace, version.manifest, true);
  await recordVersionHistory(tx, entry.seq, entry.seq, true);
}

export async function projectVersionUpdated(tx: Db, entry: LedgerEntry, payload: VersionUpdated): Promise<void> {
  const id = await versionKey(tx, payload);
  await tx
    .updateTable('versions')
    .set((eb) => ({
      artifact_digest: payload.artifactDigest,
      license: payload.metadata.license ?? null,
      metadata: JSON.stringify(payload.metadata),
      manifest: JSON.stringify(payload.manifest),
      updated_at: entry.at,
      revision: eb('revision', '+', 1),
    }))
    .where('id', '=', id)
    .execute();
  await replaceTags(tx, id, payload.metadata.tags);
  await replaceVersionBlobs(tx, id, payload.namespace, payload.manifest);
  await recordVersionHistory(tx, id, entry.seq, false);
}

export async function projectVersionPublished(tx: Db, entry: LedgerEntry, payload: VersionPublished): Promise<void> {
  const id = await versionKey(tx, payload);
  await tx
    .updateTable('versions')
    .set((eb) => ({ status: 'published', published_at: entry.at, published_by: entry.actor, updated_at: entry.at, revision: eb('revision', '+', 1) }))
    .where('id', '=', id)
    .execute();
  await recordVersionHistory(tx, id, entry.seq, false);
}
