import type { ExtensionSchemaSet, NamespaceCreated } from '../../catalog/entry-payloads.js';
import type { LedgerEntry } from '../../ledger/entry.js';
import type { Db } from '../database.js';
import { recordSchemaHistory } from '../history/record-history.js';

export async function projectNamespaceCreated(tx: Db, entry: LedgerEntry, payload: NamespaceCreated): Promise<void> {
  await tx
    .insertInto('namespaces')
    .values({ name: payload.name, description: payload.description, created_at: entry.at, created_by: entry.actor, created_seq: entry.seq })
    .execute();
}

export async function projectExtensionSchemaSet(tx: Db, entry: LedgerEntry, payload: ExtensionSchemaSet): Promise<void> {
  await tx.deleteFrom('extension_schemas').where('namespace', '=', payload.namespace).where('kind', '=', payload.kind).execute();
  await recordSchemaHistory(tx, payload.namespace, payload.kind, payload.schema === null ? null : JSON.stringify(payload.schema), entry.seq);
  if (payload.schema === null) return;
  await tx
    .insertInto('extension_schemas')
    .values({ namespace: payload.namespace, kind: payload.kind, schema: JSON.stringify(payload.schema), updated_seq: entry.seq })
    .execute();
}
