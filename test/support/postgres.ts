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

/** A fresh schema per test registry, so runs and files cannot collide. */
export function uniqueSchemaName(): string {
  return `mk_test_${randomBytes(6).toString('hex')}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: testPostgresUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
