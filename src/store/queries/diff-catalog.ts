import { sql } from 'kysely';
import { RegistryError } from '../../errors/registry-error.js';
import type { Db } from '../database.js';
import { findNamespace } from './find-catalog.js';
import { validAt } from './as-of.js';
import { toModel, toVersion } from './row-mappers.js';

export type RecordKind = 'namespace' | 'model' | 'version';

export interface FieldChange {
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface CatalogChange {
  readonly urn: string;
  readonly kind: RecordKind;
  /** `added`: did not exist at `from`. */
  readonly change: 'added' | 'changed';
  readonly fields: FieldChange[];
}

export interface CatalogDiff {
  readonly changes: CatalogChange[];
  readonly nextCursor: string | null;
}

export interface DiffRange {
  readonly from: number;
  readonly to: number;
  readonly namespace?: string | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

// Bookkeeping that changes with every write says nothing a reader needs.
const unreported = new Set(['id', 'updatedAt', 'revision']);

/** Top-level fields whose values differ; `before` undefined when the record is new. */
function fieldChanges(before: Record<string, unknown> | undefined, after: Record<string, unknown>): FieldChange[] {
  const fields = new Set([...Object.keys(before ?? {}), ...Object.keys(after)]);
  return [...fields]
    .filter((field) => !unreported.has(field) && JSON.stringify(before?.[field]) !== JSON.stringify(after[field]))
    .map((field) => ({ field, before: before?.[field] ?? null, after: after[field] ?? null }));
}

const kinds: readonly RecordKind[] = ['namespace', 'model', 'version'];

interface Position {
  readonly kind: number;
  readonly after: string | number | undefined;
}

function decodePosition(cursor: string | undefined): Position {
  if (cursor === undefined) return { kind: 0, after: undefined };
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { k?: unknown; a?: unknown };
    if (typeof parsed.k === 'number' && kinds[parsed.k] !== undefined && (typeof parsed.a === 'string' || typeof parsed.a === 'number')) {
      return { kind: parsed.k, after: parsed.a };
    }
  } catch {
    // refused below
  }
  throw new RegistryError('invalid_request', 'The cursor is not one this registry issued; start again without it.');
}

const encodePosition = (kind: number, after: string | number) => Buffer.from(JSON.stringify({ k: kind, a: after })).toString('base64url');

/**
 * What changed in the catalog between two ledger points: every namespace,
 * model and version whose state at `to` differs from its state at `from`,
 * field by field. Read from the history tables, so the cost follows the
 * number of changes in the range, not the size of the registry.
 */
export async function diffCatalog(db: Db, range: DiffRange): Promise<CatalogDiff> {
  const { from, to, limit } = range;
  if (from > to) throw new RegistryError('invalid_request', `from (${from}) is after to (${to}); swap them`);
  const position = decodePosition(range.cursor);
  const changes: CatalogChange[] = [];
  let last: { kind: number; key: string | number } | undefined;
  for (let kind = position.kind; kind < kinds.length && changes.length <= limit; kind++) {
    let after = kind === position.kind ? position.after : undefined;
    // A record changed and changed back is no difference; keep scanning until the page is full or the kind is done.
    for (;;) {
      const want = limit + 1 - changes.length;
      const scan = await changedRecords(db, kinds[kind]!, range, after, want);
      for (const change of scan.found) {
        changes.push(change.change);
        if (changes.length <= limit) last = { kind, key: change.key };
      }
      if (scan.scanned < want || changes.length > limit) break;
      after = scan.lastKey;
    }
  }
  const more = changes.length > limit;
  return { changes: changes.slice(0, limit), nextCursor: more && last !== undefined ? encodePosition(last.kind, last.key) : null };
}

async function changedRecords(db: Db, kind: RecordKind, range: DiffRange, after: string | number | undefined, limit: number) {
  if (kind === 'namespace') return changedNamespaces(db, range, after as string | undefined, limit);
  const table = kind === 'model' ? 'model_history' : 'version_history';
  let ids = db
    .selectFrom(table)
    .select('id')
    .distinct()
    .where('valid_from', '>', range.from)
    .where('valid_from', '<=', range.to)
    .orderBy('id')
    .limit(limit);
  if (after !== undefined) ids = ids.where('id', '>', after as number);
  if (range.namespace !== undefined) ids = ids.where('namespace', '=', range.namespace);
  const keys = (await ids.execute()).map((row) => Number(row.id));
  if (keys.length === 0) return { found: [], scanned: 0, lastKey: undefined };
  const stateAt = async (point: number) => {
    const rows = kind === 'model'
      ? (await db.selectFrom('model_history as h').selectAll().where('id', 'in', keys).where(validAt('h', point)).execute()).map(toModel)
      : (await db.selectFrom('version_history as h').selectAll().where('id', 'in', keys).where(validAt('h', point)).execute()).map(toVersion);
    return new Map<number, Record<string, unknown>>(rows.map((record) => [record.id, record]));
  };
  const [before, now] = [await stateAt(range.from), await stateAt(range.to)];
  const found = keys.flatMap((key) => {
    const current = now.get(key);
    if (current === undefined) return [];
    const previous = before.get(key);
    const fields = fieldChanges(previous, current);
    // Changed and changed back: not a difference between the two points.
    if (fields.length === 0) return [];
    return [{ key, change: { urn: String(current.urn), kind, change: previous === undefined ? 'added' : 'changed', fields } as CatalogChange }];
  });
  return { found, scanned: keys.length, lastKey: keys[keys.length - 1] };
}

async function changedNamespaces(db: Db, range: DiffRange, after: string | undefined, limit: number) {
  let names = db
    .selectFrom('namespaces')
    .select('name')
    .where((eb) =>
      eb.or([
        eb.and([eb('created_seq', '>', range.from), eb('created_seq', '<=', range.to)]),
        eb.exists(
          eb
            .selectFrom('extension_schema_history as h')
            .select(sql`1`.as('one'))
            .whereRef('h.namespace', '=', 'namespaces.name')
            .where((inner) =>
              inner.or([
                inner.and([inner('h.valid_from', '>', range.from), inner('h.valid_from', '<=', range.to)]),
                inner.and([inner('h.valid_to', '>', range.from), inner('h.valid_to', '<=', range.to)]),
              ]),
            ),
        ),
      ]),
    )
    .orderBy('name')
    .limit(limit);
  if (after !== undefined) names = names.where('name', '>', after);
  if (range.namespace !== undefined) names = names.where('name', '=', range.namespace);
  const rows = await names.execute();
  const found: { key: string; change: CatalogChange }[] = [];
  for (const { name } of rows) {
    const previous = await findNamespace(db, name, range.from);
    const current = (await findNamespace(db, name, range.to))!;
    const fields = fieldChanges(previous, current);
    if (fields.length > 0) found.push({ key: name, change: { urn: current.urn, kind: 'namespace', change: previous === undefined ? 'added' : 'changed', fields } });
  }
  return { found, scanned: rows.length, lastKey: rows[rows.length - 1]?.name };
}
