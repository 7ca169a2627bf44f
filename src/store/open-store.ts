import type { Db } from './database.js';
import type { StoreDialect } from './dialect.js';
import { migrate, pendingMigrations } from './migrations.js';
import { RegistryError } from '../errors/registry-error.js';
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
  /**
   * For tools that inspect a registry (verify, backup): the database is used
   * as it is, never migrated or rebuilt, and refused if it is not up to date.
   */
  readonly inspect?: boolean;
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
    if (options.inspect === true) await refuseIfOutdated(dialect, options.location);
    else {
      await migrate(dialect);
      await rebuildProjectionsIfFlagged(dialect);
    }
  } catch (error) {
    await dialect.close();
    throw error;
  }
  return { dialect, db: dialect.db, close: () => dialect.close() };
}

async function refuseIfOutdated(dialect: StoreDialect, location: string): Promise<void> {
  const pending = await pendingMigrations(dialect);
  if (pending.length > 0) {
    const where = isPostgresUrl(location) ? 'the PostgreSQL database' : location;
    throw new RegistryError('invalid_state', `${where} is not up to date (${pending.join(', ')} not applied); start the server or run \`modelkeep init\` on it once, then try again`);
  }
}
