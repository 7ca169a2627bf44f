import { randomBytes } from 'node:crypto';
import { RUN_PREFIX_VARIABLE, dropSchemasStartingWith, postgresUnavailable } from './postgres.js';

/** Gives this run's PostgreSQL schemas a common prefix, and drops them once every file is done. */
export default function setup(): () => Promise<void> {
  const prefix = `mk_test_${randomBytes(3).toString('hex')}_`;
  process.env[RUN_PREFIX_VARIABLE] = prefix;
  return async () => {
    if ((await postgresUnavailable().catch(() => 'unavailable')) === undefined) await dropSchemasStartingWith(prefix);
  };
}
