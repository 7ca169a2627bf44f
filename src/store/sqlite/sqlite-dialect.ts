import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type SqlBool, SqliteDialect, sql } from 'kysely';
import type { Database, Db } from '../database.js';
import type { ModelSearchText, StoreDialect } from '../dialect.js';

/**
 * Kysely prepares every statement afresh; better-sqlite3 statements are
 * reusable, so a cache keyed by SQL text removes most per-query overhead.
 */
function withStatementCache(database: BetterSqlite3.Database): BetterSqlite3.Database {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = database.prepare.bind(database);
  return new Proxy(database, {
    get(target, property, receiver) {
      if (property !== 'prepare') return Reflect.get(target, property, receiver);
      return (source: string) => {
        let statement = cache.get(source);
        if (statement === undefined) {
          statement = prepare(source);
          if (cache.size > 500) cache.clear();
          cache.set(source, statement);
        }
        return statement;
      };
    },
  });
}

/** `scratch`: a throwaway database (a replay to compare against): no fsync, no foreign keys, a bigger cache. */
export function openSqlite(file: string, options: { scratch?: boolean } = {}): StoreDialect {
  const raw = new BetterSqlite3(file);
  // WAL with synchronous=FULL: COMMIT returns once the WAL is on stable storage, so every
  // acknowledged write survives a crash. The writer runs on its own thread, so this fsync
  // blocks only that thread, and requests arriving meanwhile share the next commit.
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 10000');
  // 8 MiB of page cache per connection (better-sqlite3 defaults to 16): the OS caches the file
  // too, and the server keeps two connections, a reader and the writer thread's.
  raw.pragma('cache_size = -8192');
  if (options.scratch === true) {
    raw.pragma('synchronous = OFF');
    raw.pragma('foreign_keys = OFF');
    raw.pragma('cache_size = -65536');
  }
  const db: Db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) });
  return {
    name: 'sqlite',
    db,
    migrationSchema: undefined,
    failedStatementAbortsTransaction: false,
    async createModelSearchIndex(target) {
      await sql`CREATE VIRTUAL TABLE model_fts USING fts5(name, description, tags, tokenize = 'unicode61')`.execute(target);
    },
    async clearModelSearchIndex(target) {
      await sql`DELETE FROM model_fts`.execute(target);
    },
    async indexModel(target, model: ModelSearchText) {
      await sql`DELETE FROM model_fts WHERE rowid = ${model.id}`.execute(target);
      await sql`INSERT INTO model_fts (rowid, name, description, tags) VALUES (${model.id}, ${model.name}, ${model.description}, ${model.searchTags})`.execute(target);
    },
    jsonArrayContains(column, key, value) {
      const array = key === undefined ? sql.ref(column) : sql`json_extract(${sql.ref(column)}, ${`$.${key}`})`;
      return sql<SqlBool>`exists (select 1 from json_each(${array}) where json_each.value = ${value})`;
    },
    modelTextMatch(terms) {
      const query = terms.map((term) => `"${term}"*`).join(' ');
      return sql`models.id IN (SELECT rowid FROM model_fts WHERE model_fts MATCH ${query})`;
    },
    async close() {
      await db.destroy();
    },
  };
}
