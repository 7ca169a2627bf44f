import type { FastifyRequest } from 'fastify';
import { SYSTEM_ACTOR } from '../access/principal.js';
import type { AnomalyDetector, ObservedRequest, SecurityEvent } from '../security/anomaly-detector.js';
import type { Writer } from '../store/write-command.js';
import type { WriteCommands } from '../server/write-commands.js';
import type { App } from './app-types.js';
import { wasRefused } from './record-reads.js';

function kindOf(request: FastifyRequest, status: number): ObservedRequest['kind'] {
  if (request.refusal?.revokedToken === true) return 'revoked_token';
  if (wasRefused(request, status)) return 'refused';
  const guard = request.routeOptions.config.guard;
  if (request.method === 'GET' && guard !== undefined && 'action' in guard && guard.action === 'blob.read' && (status === 200 || status === 206)) return 'artifact_download';
  return 'other';
}

/**
 * Feeds every answered, guarded request to the anomaly detector and ledgers
 * what it raises as security events. Recording happens off the answer's path;
 * a failure to record is reported, never a failure of the request.
 */
export function watchAccess(app: App, detector: AnomalyDetector, writer: Writer<WriteCommands>, onError: (error: unknown) => void): void {
  // Written off the answer's path, and waited for when the server closes, so no event raised before shutdown is lost.
  const pending = new Set<Promise<unknown>>();
  const record = (event: SecurityEvent) => {
    const written = writer
      .write({ actor: SYSTEM_ACTOR, reason: event.summary }, 'recordSecurityEvent', { kind: event.kind, principal: event.principal, summary: event.summary, detail: { ...event.detail, at: event.at } })
      .catch(onError)
      .finally(() => pending.delete(written));
    pending.add(written);
  };
  app.addHook('onClose', async () => {
    await Promise.allSettled([...pending]);
  });
  app.addHook('onResponse', async (request, reply) => {
    const guard = request.routeOptions.config.guard;
    if (guard === undefined || 'public' in guard) return;
    const actor = request.principal?.id ?? request.refusal?.holder ?? 'anonymous';
    const events = detector.observe({ at: Date.now(), actor, kind: kindOf(request, reply.statusCode), subject: request.url.split('?')[0]! });
    for (const event of events) record(event);
  });
}
