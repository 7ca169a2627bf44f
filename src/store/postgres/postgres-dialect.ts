import { Kysely, PostgresDialect, type SqlBool, sql } from 'kysely';
import pg from 'pg';
import type { Database, Db } from '../database.js';
import type { StoreDialect } from '../dialect.js';

const INT8_OID = 20;

export interface PostgresOptions {
  readonly url: string;
  /** A schema to work in instead of `public`; created when missing. */
  readonly schema?: string | undefined;
  readonly maxConnections?: number | undefined;
}

export async function openPostgres(options: PostgresOptions): Promise<StoreDialect> {
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`invalid PostgreSQL schema name ${JSON.stringify(schema)}`);
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
    // Sequence numbers are bigint; they stay well inside a JavaScript number.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  const db: Db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  if (schema !== undefined) await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(db);
  return {
    name: 'postgres',
    db,
    // Without it Kysely's migrator takes another schema's bookkeeping tables for ours.
    migrationSchema: schema ?? 'public',
    failedStatementAbortsTransaction: true,
    async createModelSearchIndex(target) {
      await sql`ALTER TABLE models ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', name || ' ' || description || ' ' || search_tags)) STORED`.execute(target);
      await sql`CREATE INDEX models_search_idx ON models USING gin (search_vector)`.execute(target);
    },
    async clearModelSearchIndex() {
      // The generated column empties with its rows.
    },
    async indexModel() {
      // The generated column keeps itself in step.
    },
    jsonArrayContains(column, key, value) {
      const array = key === undefined ? sql`${sql.ref(column)}::jsonb` : sql`(${sql.ref(column)}::jsonb -> ${key})`;
      return sql<SqlBool>`${array} @> jsonb_build_array(${value}::text)`;
    },
    modelTextMatch(terms) {
      const query = terms.map((term) => `${term}:*`).join(' & ');
      return sql`models.search_vector @@ to_tsquery('simple', ${query})`;
    },
    async close() {
      await db.destroy();
    },
  };
}
