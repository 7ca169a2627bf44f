import { type Expression, type SqlBool, sql } from 'kysely';
import { RegistryError } from '../../errors/registry-error.js';
import type { Db } from '../database.js';

/**
 * A point in the ledger: the registry as it stood once the entry with this
 * sequence number had been applied (-1: before the first entry). Reads given
 * one answer from the history tables; reads without one from the live tables.
 */
export type AsOf = number | undefined;

/**
 * The live table, or its history under the live table's name: a history row
 * has every column of the live one, so the same query serves both.
 */
export function catalogSource<T extends 'models' | 'versions'>(table: T, asOf: AsOf): T {
  if (asOf === undefined) return table;
  return `${table === 'models' ? 'model_history' : 'version_history'} as ${table}` as T;
}

/** Rows of `alias` (a history table) valid at the point. */
export function validAt(alias: string, asOf: number): Expression<SqlBool> {
  const from = sql.ref(`${alias}.valid_from`);
  const to = sql.ref(`${alias}.valid_to`);
  return sql<SqlBool>`(${from} <= ${asOf} and (${to} is null or ${to} > ${asOf}))`;
}

/**
 * Turns a client's `asOf` (a ledger sequence number, or an ISO-8601 time:
 * the last entry recorded at or before it) into a ledger point.
 */
export async function resolveAsOf(db: Db, asOf: string | undefined): Promise<AsOf> {
  if (asOf === undefined) return undefined;
  if (/^\d+$/.test(asOf)) {
    const seq = Number(asOf);
    if (!Number.isSafeInteger(seq)) throw new RegistryError('invalid_request', `asOf ${asOf} is not a ledger sequence number`);
    return seq;
  }
  const time = Date.parse(asOf);
  if (Number.isNaN(time)) throw new RegistryError('invalid_request', `asOf must be a ledger sequence number or an ISO-8601 time, not ${JSON.stringify(asOf)}`);
  const row = await db
    .selectFrom('ledger_entries')
    .select('seq')
    .where('at', '<=', new Date(time).toISOString())
    .orderBy('at', 'desc')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? -1 : Number(row.seq);
}
