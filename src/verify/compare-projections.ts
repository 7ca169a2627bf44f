import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../store/database.js';
import { type ProjectionTable, projectionTables } from '../store/projections/projection-tables.js';
import type { PhaseProgress, ProblemLog } from './verify-problem.js';

const PAGE = 2000;
type Row = Record<string, unknown>;

/** How a row is named in a report: its table and key, and the record's URN where the row says it. */
function describeRow(table: ProjectionTable, row: Row): string {
  const key = table.key.map((column) => `${column}=${String(row[column])}`).join(', ');
  const urn =
    row.number !== undefined && row.model !== undefined ? ` (mk:version:${String(row.namespace)}/${String(row.model)}@${String(row.number)})`
    : row.name !== undefined && row.namespace !== undefined ? ` (mk:model:${String(row.namespace)}/${String(row.name)})`
    : '';
  return `${table.name}[${key}]${urn}`;
}

const show = (value: unknown) => {
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
};

// The drivers agree on numbers (PostgreSQL's int8 is parsed to a number); anything else compares as text.
const same = (a: unknown, b: unknown) => a === b || (a !== null && b !== null && String(a) === String(b));

const rowKey = (table: ProjectionTable, row: Row): RawBuilder<unknown> => sql`(${sql.join(table.key.map((c) => sql`${row[c]}`))})`;
const keyColumns = (table: ProjectionTable) => sql`(${sql.join(table.key.map((c) => sql.ref(c)))})`;

/**
 * Compares every projection table with its rebuild from the ledger, row by
 * row and column by column. The rebuilt copy is scratch: each row matched is
 * deleted from it, so what remains at the end is what the database lacks.
 */
export async function compareProjections(live: Db, rebuilt: Db, problems: ProblemLog, progress: PhaseProgress): Promise<{ tables: number; rows: number }> {
  let rows = 0;
  progress.start('projections', projectionTables.length);
  for (const table of projectionTables) {
    rows += await compareTable(live, rebuilt, table, problems);
    progress.advance(1);
  }
  progress.stop();
  return { tables: projectionTables.length, rows };
}

async function compareTable(live: Db, rebuilt: Db, table: ProjectionTable, problems: ProblemLog): Promise<number> {
  let after: Row | undefined;
  let count = 0;
  const order = sql.join(table.key.map((c) => sql`${sql.ref(c)}`));
  for (;;) {
    const where = after === undefined ? sql`1 = 1` : sql`${keyColumns(table)} > ${rowKey(table, after)}`;
    const page = (await sql<Row>`select * from ${sql.table(table.name)} where ${where} order by ${order} limit ${PAGE}`.execute(live)).rows;
    if (page.length === 0) break;
    count += page.length;
    const keys = sql.join(page.map((row) => rowKey(table, row)));
    const matches = (await sql<Row>`select * from ${sql.table(table.name)} where ${keyColumns(table)} in (values ${keys})`.execute(rebuilt)).rows;
    const byKey = new Map(matches.map((row) => [JSON.stringify(table.key.map((c) => String(row[c]))), row]));
    for (const row of page) {
      const expected = byKey.get(JSON.stringify(table.key.map((c) => String(row[c]))));
      if (expected === undefined) {
        problems.error('projection', describeRow(table, row), 'is in the database but no ledger entry made it');
        continue;
      }
      // Only the rebuilt columns: a dialect may keep more (PostgreSQL's search vector).
      for (const column of Object.keys(expected)) {
        if (!same(row[column], expected[column])) {
          problems.error('projection', describeRow(table, row), `column ${column} is ${show(row[column])} but the ledger says ${show(expected[column])}`);
        }
      }
    }
    if (matches.length > 0) await sql`delete from ${sql.table(table.name)} where ${keyColumns(table)} in (values ${sql.join(matches.map((row) => rowKey(table, row)))})`.execute(rebuilt);
    after = page[page.length - 1];
  }
  const missing = (await sql<Row>`select * from ${sql.table(table.name)} order by ${order}`.execute(rebuilt)).rows;
  for (const row of missing) problems.error('projection', describeRow(table, row), 'is missing from the database though the ledger made it');
  return count;
}
