import { type FileHandle, open } from 'node:fs/promises';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
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

/** An fdatasync of the WAL file, opened once on first use. */
class WalSync {
  private handle: Promise<FileHandle | undefined> | undefined;

  constructor(private readonly path: string) {}

  async sync(): Promise<void> {
    this.handle ??= open(this.path, 'r').catch((error: NodeJS.ErrnoException) => {
      this.handle = undefined;
      // No WAL file means everything was checkpointed into the database, which a checkpoint syncs.
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    const handle = await this.handle;
    await handle?.datasync();
  }

  async close(): Promise<void> {
    const handle = await this.handle?.catch(() => undefined);
    this.handle = undefined;
    await handle?.close();
  }
}

export function openSqlite(file: string): StoreDialect {
  const raw = new BetterSqlite3(file);
  /*
   * Group commit: with synchronous=NORMAL a COMMIT only writes the WAL; the
   * writer then fdatasyncs the WAL file through libuv's thread pool before it
   * answers anyone in the batch. That is synchronous=FULL's guarantee for every
   * acknowledged write, but the fsync no longer blocks the event loop, and all
   * requests that arrive meanwhile share the next one. Checkpoints still sync.
   */
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  const wal = new WalSync(`${file}-wal`);
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 10000');
  const db: Db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) });
  return {
    name: 'sqlite',
    db,
    async createModelSearchIndex(target) {
      await sql`CREATE VIRTUAL TABLE model_fts USING fts5(name, description, tags, tokenize = 'unicode61')`.execute(target);
    },
    async indexModel(target, model: ModelSearchText) {
      await sql`DELETE FROM model_fts WHERE rowid = ${model.id}`.execute(target);
      await sql`INSERT INTO model_fts (rowid, name, description, tags) VALUES (${model.id}, ${model.name}, ${model.description}, ${model.searchTags})`.execute(target);
    },
    modelTextMatch(terms) {
      const query = terms.map((term) => `"${term}"*`).join(' ');
      return sql`models.id IN (SELECT rowid FROM model_fts WHERE model_fts MATCH ${query})`;
    },
    syncCommitted: () => wal.sync(),
    async close() {
      await wal.close();
      await db.destroy();
    },
  };
}
