import rateLimit from '@fastify/rate-limit';
import { RegistryError } from '../errors/registry-error.js';
import type { App } from './app-types.js';

/** Generous enough for a busy CI fleet on one service account, low enough that a runaway script is stopped. */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 60_000;

/**
 * Per-principal rate limits: counted by who the request authenticated as,
 * or by address when its credential was refused, so guessing tokens is
 * limited too. Runs as an onRequest hook between authentication and the
 * answer to a refused credential, before any body is read, and before
 * authorization, so refused requests count. Public routes (health,
 * readiness, the key) are not limited.
 */
export async function limitRate(app: App, perMinute: number): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => (request.principal === undefined ? `ip:${request.ip}` : `principal:${request.principal.id}`),
    allowList: (request) => {
      const guard = request.routeOptions.config.guard;
      return guard === undefined || 'public' in guard;
    },
    errorResponseBuilder: (_request, context) =>
      new RegistryError('rate_limited', `More than ${context.max} requests in a minute; retry after ${Math.ceil(context.ttl / 1000)} s`, { extensions: { retryAfterSeconds: Math.ceil(context.ttl / 1000) } }),
  });
  app.addHook('onRequest', app.rateLimit());
}
