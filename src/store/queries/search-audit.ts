import { isAccessAction } from '../../audit/access-actions.js';
import type { SealedAccessRecord } from '../../audit/access-record.js';
import { type LedgerEntry, ledgerActions } from '../../ledger/entry.js';
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { AccessLogRow, Database, Db } from '../database.js';
import { type AuditKind, type AuditPosition, auditKinds, compareAudit, keysetAfter } from './audit-cursor.js';
import { toLedgerEntry } from './row-mappers.js';

export interface AuditSearch {
  readonly actor?: string | undefined;
  readonly subject?: string | undefined;
  readonly action?: string | undefined;
  /** ISO 8601, inclusive. */
  readonly from?: string | undefined;
  /** ISO 8601, exclusive. */
  readonly to?: string | undefined;
  /** Default: both. */
  readonly kind?: AuditKind | undefined;
  readonly limit: number;
  readonly after?: AuditPosition | undefined;
}

export type ChangeRecord = LedgerEntry & { readonly kind: 'change' };
export type AccessRecordItem = SealedAccessRecord & { readonly kind: 'access'; readonly batchSeq: number };
export type AuditRecord = ChangeRecord | AccessRecordItem;

export interface AuditPage {
  readonly items: AuditRecord[];
  /** Where the next page starts; undefined on the last page. */
  readonly next: AuditPosition | undefined;
}

const positionOf = (record: AuditRecord): AuditPosition => ({
  at: record.at,
  kind: record.kind,
  id: record.kind === 'change' ? record.seq : record.id,
});

/** The kinds a search must look at: an action names one kind only. */
function kindsFor(search: AuditSearch): readonly AuditKind[] {
  if (search.kind !== undefined) return [search.kind];
  if (search.action !== undefined && isAccessAction(search.action)) return ['access'];
  if (search.action !== undefined && (ledgerActions as readonly string[]).includes(search.action)) return ['change'];
  return auditKinds;
}

/**
 * Change records (ledger entries) and access records by who, what and when,
 * in one order: time, then changes before reads, then seq or id. Each table
 * is read by keyset for one page plus one, walking an index that leads with
 * the filtered column and continues with (at, id); the two are merged here.
 */
export async function searchAudit(db: Db, search: AuditSearch): Promise<AuditPage> {
  const kinds = kindsFor(search);
  const [changes, reads] = await Promise.all([
    kinds.includes('change') ? searchChanges(db, search) : [],
    kinds.includes('access') ? searchReads(db, search) : [],
  ]);
  const merged: AuditRecord[] = [...changes, ...reads].sort((a, b) => compareAudit(positionOf(a), positionOf(b)));
  const items = merged.slice(0, search.limit);
  const last = items[items.length - 1];
  return { items, next: merged.length > search.limit && last !== undefined ? positionOf(last) : undefined };
}

/**
 * The filters and keyset both tables share: they name their rows' order
 * column differently (`seq`, `id`) but filter on the same columns.
 */
function auditFilters<T extends 'ledger_entries' | 'access_log'>(search: AuditSearch, kind: AuditKind, order: 'seq' | 'id') {
  return (eb: ExpressionBuilder<Database, T>) => {
    const ref = (column: 'actor' | 'subject' | 'action' | 'at') => sql.ref<string>(column);
    const conditions: Expression<SqlBool>[] = [];
    if (search.actor !== undefined) conditions.push(eb(ref('actor'), '=', search.actor));
    if (search.subject !== undefined) conditions.push(eb(ref('subject'), '=', search.subject));
    if (search.action !== undefined) conditions.push(eb(ref('action'), '=', search.action));
    if (search.from !== undefined) conditions.push(eb(ref('at'), '>=', search.from));
    if (search.to !== undefined) conditions.push(eb(ref('at'), '<', search.to));
    if (search.after !== undefined) {
      const { at, sameTime } = keysetAfter(kind, search.after);
      if (sameTime === 'all') conditions.push(eb(ref('at'), '>=', at));
      else if (sameTime === 'none') conditions.push(eb(ref('at'), '>', at));
      else conditions.push(sql<SqlBool>`(${ref('at')}, ${sql.ref(order)}) > (${at}, ${sameTime.idAfter})`);
    }
    return eb.and(conditions);
  };
}

async function searchChanges(db: Db, search: AuditSearch): Promise<ChangeRecord[]> {
  const rows = await db
    .selectFrom('ledger_entries')
    .selectAll()
    .where(auditFilters<'ledger_entries'>(search, 'change', 'seq'))
    .orderBy('at')
    .orderBy('seq')
    .limit(search.limit + 1)
    .execute();
  return rows.map((row) => ({ ...toLedgerEntry(row), kind: 'change' as const }));
}

async function searchReads(db: Db, search: AuditSearch): Promise<AccessRecordItem[]> {
  const rows = await db
    .selectFrom('access_log')
    .selectAll()
    .where(auditFilters<'access_log'>(search, 'access', 'id'))
    .orderBy('at')
    .orderBy('id')
    .limit(search.limit + 1)
    .execute();
  return rows.map(toAccessRecordItem);
}

function toAccessRecordItem(row: AccessLogRow): AccessRecordItem {
  return {
    kind: 'access',
    id: Number(row.id),
    at: row.at,
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    status: Number(row.status),
    batchSeq: Number(row.batch_seq),
    leafHash: row.leaf_hash,
  };
}
