import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { canonicalJson } from '../ledger/canonical-json.js';
import type { WriteContext, WriteOutcome } from '../store/write-command.js';
import { etagOf } from '../catalog/etag.js';
import { RegistryError } from '../errors/registry-error.js';

const KEY = /^[\x21-\x7e]{1,255}$/;

/** The actor and, for a POST with an Idempotency-Key, what identifies the request for safe retries. */
export function writeContext(request: FastifyRequest, status: number): WriteContext {
  const header = request.headers['idempotency-key'];
  if (header === undefined || request.method !== 'POST') return { actor: request.principal.id };
  const key = Array.isArray(header) ? header[0] : header;
  if (key === undefined || !KEY.test(key)) {
    throw new RegistryError('invalid_request', 'Idempotency-Key must be 1 to 255 printable ASCII characters (a UUID is a good choice)');
  }
  const requestHash = createHash('sha256')
    .update(canonicalJson({ method: request.method, url: request.url, body: (request.body ?? null) as unknown }))
    .digest('hex');
  return { actor: request.principal.id, idempotency: { key, requestHash, status } };
}

/** Sends what a write returned; a replay answers exactly as the first time did, marked as such. */
export function sendWrite<R>(reply: FastifyReply, outcome: WriteOutcome<R>, status: number, location?: string): FastifyReply {
  if (outcome.replayed) reply.header('idempotent-replayed', 'true');
  const result = outcome.result as { revision?: unknown };
  if (typeof result === 'object' && result !== null && typeof result.revision === 'number') reply.header('etag', etagOf(result.revision));
  if (location !== undefined && status === 201) reply.header('location', location);
  return reply.code(outcome.status ?? status).send(outcome.result);
}
