import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const testPostgresUrl = process.env.MODELKEEP_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

let availability: Promise<string | undefined> | undefined;

/**
 * Undefined when PostgreSQL answers, else why not. Under CI the PostgreSQL
 * half of the suite must run, so there an unreachable server is a failure.
 */
export function postgresUnavailable(): Promise<string | undefined> {
  availability ??= (async () => {
    const client = new pg.Client({ connectionString: testPostgresUrl, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return undefined;
    } catch (error) {
      const reason = `PostgreSQL at ${testPostgresUrl} does not answer (${(error as Error).message})`;
      if (process.env.CI === 'true') throw new Error(`${reason}; CI requires it`);
      process.stderr.write(`\nSKIPPING the PostgreSQL half of the suite: ${reason}. Set MODELKEEP_TEST_PG to run it.\n`);
      return reason;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return availability;
}

/** Set by the global setup: every schema of this run starts with it, so the run can drop its own and no other's. */
export const RUN_PREFIX_VARIABLE = 'MODELKEEP_TEST_SCHEMA_PREFIX';

/** A fresh schema per test registry, so runs and files cannot collide. */
export function uniqueSchemaName(): string {
  return `${process.env[RUN_PREFIX_VARIABLE] ?? 'mk_test_'}${randomBytes(6).toString('hex')}`;
}

// Schemas are dropped when the whole run ends (postgres-global-setup.ts), never while files run in
// parallel: Kysely's migrator lists the tables of every schema, and a schema dropped under that listing fails it.

/** Drops every schema whose name starts with `prefix`. */
export async function dropSchemasStartingWith(prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: testPostgresUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)', [prefix]);
    for (const { nspname } of rows) await client.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
  } finally {
    await client.end();
  }
}
