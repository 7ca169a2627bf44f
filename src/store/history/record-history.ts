import { sql } from 'kysely';
import type { Db, ModelRow, VersionRow } from '../database.js';
import { searchWords } from '../dialect.js';

const modelColumns = [
  'id', 'namespace', 'name', 'description', 'domain', 'owners', 'tags', 'risk_profile', 'risk_tier',
  'stage', 'extra', 'created_at', 'created_by', 'updated_at', 'revision', 'search_tags',
] as const satisfies readonly (keyof ModelRow)[];

const versionColumns = [
  'id', 'model_id', 'namespace', 'model', 'number', 'status', 'stage', 'artifact_digest', 'license', 'metadata',
  'manifest', 'created_at', 'created_by', 'updated_at', 'published_at', 'published_by', 'revision',
] as const satisfies readonly (keyof VersionRow)[];

// A bound parameter in a SELECT list has no type in PostgreSQL; the cast gives it one.
const seqValue = (seq: number) => sql<number>`CAST(${seq} AS bigint)`;

/**
 * Keeps the model's history in step after its row was written by the entry
 * at `seq`: the state that held until now ends there, the new one begins.
 */
export async function recordModelHistory(tx: Db, id: number, seq: number, created: boolean): Promise<void> {
  if (!created) await tx.updateTable('model_history').set({ valid_to: seq }).where('id', '=', id).where('valid_to', 'is', null).execute();
  const row = await tx.selectFrom('models').select(modelColumns).where('id', '=', id).executeTakeFirstOrThrow();
  const words = searchWords(`${row.name} ${row.description} ${row.search_tags}`).join(' ');
  await tx.insertInto('model_history').values({ ...row, search_words: words, valid_from: seq, valid_to: null }).execute();
}

export async function recordVersionHistory(tx: Db, id: number, seq: number, created: boolean): Promise<void> {
  if (!created) await tx.updateTable('version_history').set({ valid_to: seq }).where('id', '=', id).where('valid_to', 'is', null).execute();
  await tx
    .insertInto('version_history')
    .columns([...versionColumns, 'valid_from'])
    .expression(tx.selectFrom('versions').select([...versionColumns, seqValue(seq).as('valid_from')]).where('id', '=', id))
    .execute();
}

/** A namespace's extension schema for a kind changed (or was removed, `schema` null) at `seq`. */
export async function recordSchemaHistory(tx: Db, namespace: string, kind: string, schema: string | null, seq: number): Promise<void> {
  await tx
    .updateTable('extension_schema_history')
    .set({ valid_to: seq })
    .where('namespace', '=', namespace)
    .where('kind', '=', kind)
    .where('valid_to', 'is', null)
    .execute();
  if (schema !== null) await tx.insertInto('extension_schema_history').values({ namespace, kind, schema, valid_from: seq, valid_to: null }).execute();
}
