import type { FastifyRequest } from 'fastify';
import type { Authorizer } from '../access/authorizer.js';
import { findExtensionSchema } from '../store/queries/find-catalog.js';
import type { Store } from '../store/open-store.js';
import type { App } from './app-types.js';

export const REDACTED = '[redacted]';

type Kind = 'model' | 'version';
type Record_ = { urn?: unknown; namespace?: unknown; extra?: unknown; metadata?: { extra?: unknown } };

/** The `extra` fields a namespace's extension schema marks `"x-sensitive": true`. */
export function sensitiveFields(schema: object | undefined): string[] {
  const properties = (schema as { properties?: Record<string, { 'x-sensitive'?: unknown }> } | undefined)?.properties ?? {};
  return Object.entries(properties)
    .filter(([, property]) => property?.['x-sensitive'] === true)
    .map(([name]) => name);
}

const kindOf = (record: Record_): Kind | undefined =>
  typeof record.urn !== 'string' ? undefined : record.urn.startsWith('mk:model:') ? 'model' : record.urn.startsWith('mk:version:') ? 'version' : undefined;

function extraOf(record: Record_, kind: Kind): Record<string, unknown> | undefined {
  const extra = kind === 'model' ? record.extra : record.metadata?.extra;
  return typeof extra === 'object' && extra !== null ? (extra as Record<string, unknown>) : undefined;
}

/**
 * Catalog answers leave out what the caller may not see: fields of `extra`
 * that the namespace's schema marks sensitive read `[redacted]` unless the
 * caller holds catalog.read_sensitive there. Decided once per namespace in
 * the answer, not once per record.
 */
export function redactSensitive(app: App, store: Store, authorizer: Authorizer): void {
  app.addHook('preSerialization', async (request: FastifyRequest, _reply, payload: unknown) => {
    const guard = request.routeOptions.config.guard;
    if (guard === undefined || !('action' in guard) || guard.action !== 'catalog.read' || request.principal === undefined) return payload;
    const records = (Array.isArray((payload as { items?: unknown })?.items) ? (payload as { items: Record_[] }).items : [payload as Record_]).filter(
      (r) => typeof r === 'object' && r !== null && kindOf(r) !== undefined,
    );
    const hidden = new Map<string, string[]>();
    for (const record of records) {
      const kind = kindOf(record)!;
      const extra = extraOf(record, kind);
      if (extra === undefined || Object.keys(extra).length === 0 || typeof record.namespace !== 'string') continue;
      const key = `${kind}:${record.namespace}`;
      let fields = hidden.get(key);
      if (fields === undefined) {
        const allowed = authorizer.decide(request.principal, 'catalog.read_sensitive', { kind: 'Namespace', id: record.namespace, namespace: record.namespace }).allowed;
        fields = allowed ? [] : sensitiveFields(await findExtensionSchema(store.db, record.namespace, kind));
        hidden.set(key, fields);
      }
      for (const field of fields) if (field in extra) extra[field] = REDACTED;
    }
    return payload;
  });
}
