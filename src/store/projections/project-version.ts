import type { VersionPublished, VersionRegistered, VersionUpdated } from '../../catalog/entry-payloads.js';
import type { LedgerEntry } from '../../ledger/entry.js';
import type { Db } from '../database.js';

async function replaceTags(tx: Db, versionId: number, tags: readonly string[] | undefined): Promise<void> {
  await tx.deleteFrom('version_tags').where('version_id', '=', versionId).execute();
  if (tags !== undefined && tags.length > 0) {
    await tx.insertInto('version_tags').values(tags.map((tag) => ({ version_id: versionId, tag }))).execute();
  }
}

async function versionKey(tx: Db, payload: { namespace: string; model: string; number: number }): Promise<number> {
  const row = await tx
    .selectFrom('versions')
    .select('id')
    .where('namespace', '=', payload.namespace)
    .where('model', '=', payload.model)
    .where('number', '=', payload.number)
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function projectVersionRegistered(tx: Db, entry: LedgerEntry, payload: VersionRegistered): Promise<void> {
  const model = await tx
    .selectFrom('models')
    .select('id')
    .where('namespace', '=', payload.namespace)
    .where('name', '=', payload.model)
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('versions')
    .values({
      id: entry.seq,
      model_id: model.id,
      namespace: payload.namespace,
      model: payload.model,
      number: payload.number,
      status: 'draft',
      stage: 'concept',
      artifact_digest: payload.artifactDigest,
      license: payload.metadata.license ?? null,
      metadata: JSON.stringify(payload.metadata),
      manifest: JSON.stringify(payload.manifest),
      created_at: entry.at,
      created_by: entry.actor,
      updated_at: entry.at,
      published_at: null,
      published_by: null,
      revision: 1,
    })
    .execute();
  await replaceTags(tx, entry.seq, payload.metadata.tags);
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
}

export async function projectVersionPublished(tx: Db, entry: LedgerEntry, payload: VersionPublished): Promise<void> {
  const id = await versionKey(tx, payload);
  await tx
    .updateTable('versions')
    .set((eb) => ({ status: 'published', published_at: entry.at, published_by: entry.actor, updated_at: entry.at, revision: eb('revision', '+', 1) }))
    .where('id', '=', id)
    .execute();
}
