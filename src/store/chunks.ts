/**
 * Splits rows for multi-row inserts and `in (…)` lists: SQLite refuses a
 * statement with more than 32,766 parameters and PostgreSQL more than 65,535,
 * and a version may list thousands of libraries, a package thousands of versions.
 */
export function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
