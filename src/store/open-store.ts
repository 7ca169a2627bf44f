import type { Db } from './database.js';
import type { StoreDialect } from './dialect.js';
import { migrate } from './migrations.js';
import { rebuildProjectionsIfFlagged } from './projections/rebuild-projections.js';
import { openPostgres } from './postgres/postgres-dialect.js';
import { openSqlite } from './sqlite/sqlite-dialect.js';

export interface StoreOptions {
  /** A SQLite file path, or a `postgres://` / `postgresql://` URL. */
  readonly location: string;
  /** PostgreSQL only: the schema to keep the tables in. */
  readonly schema?: string | undefined;
  /** SQLite only: a throwaway database, written without fsync. */
  readonly scratch?: boolean;
}

export interface Store {
  readonly dialect: StoreDialect;
  /** For reads; every write goes through a Writer. */
  readonly db: Db;
  close(): Promise<void>;
}

export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location);

/** Opens the database and brings its tables up to date. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const dialect = isPostgresUrl(options.location)
    ? await openPostgres({ url: options.location, schema: options.schema })
    : openSqlite(options.location, { scratch: options.scratch });
  try {
    await migrate(dialect);
    await rebuildProjectionsIfFlagged(dialect);
  } catch (error) {
    await dialect.close();
    throw error;
  }
  return { dialect, db: dialect.db, close: () => dialect.close() };
}
