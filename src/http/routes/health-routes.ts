import { sql } from 'kysely';
import { RegistryError } from '../../errors/registry-error.js';
import type { App, RouteDeps } from '../app-types.js';

export function healthRoutes(app: App, deps: RouteDeps): void {
  app.get('/healthz', { config: { guard: { public: true } }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { guard: { public: true } }, schema: { hide: true } }, async () => {
    try {
      await sql`SELECT 1`.execute(deps.store.db);
    } catch (cause) {
      throw new RegistryError('unavailable', 'The database does not answer', { cause });
    }
    return { status: 'ready', database: deps.store.dialect.name };
  });
}
