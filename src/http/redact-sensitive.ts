import type { FastifyRequest } from 'fastify';
import type { Authorizer } from '../access/authorizer.js';
import { REDACTED } from '../catalog/keep-redacted.js';
import { findExtensionSchema } from '../store/queries/find-catalog.js';
import type { Store } from '../store/open-store.js';
import type { App } from './app-types.js';


type Kind = 'model' | 'version';
type Record_ = { urn?: unknown; namespace?: unknown; extra?: unknown; metadata?: { extra?: unknown } };
type Change = { urn?: unknown; kind?: unknown; fields?: { field: string; before: unknown; after: unknown }[] };

/** `mk:model:ns/name` or `mk:version:ns/name@n` → ns */
const namespaceOfUrn = (urn: string): string => urn.slice(urn.indexOf(':', 3) + 1).split('/')[0]!;

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

function redactIn(extra: unknown, fields: readonly string[]): void {
  if (typeof extra !== 'object' || extra === null) return;
  for (const field of fields) if (field in extra) (extra as Record<string, unknown>)[field] = REDACTED;
}

/**
 * Answers leave out what the caller may not see: fields of `extra` that the
 * namespace's schema marks sensitive read `[redacted]` unless the caller
 * holds catalog.read_sensitive there, in records (read or just written) and
 * in diffs. Decided once per namespace in the answer, not once per record.
 */
/** How stale another server's schema change may look here; changes made through this server clear it at once. */
const SCHEMA_TTL_MS = 1000;

/** The sensitive fields of each namespace's extension schemas, read at most once a second instead of once per answer. */
export class SensitiveFieldCache {
  private readonly entries = new Map<string, { fields: string[]; until: number }>();

  constructor(private readonly store: Store) {}

  async fieldsOf(kind: Kind, namespace: string): Promise<string[]> {
    const key = `${kind}:${namespace}`;
    const now = Date.now();
    const cached = this.entries.get(key);
    if (cached !== undefined && now < cached.until) return cached.fields;
    const fields = sensitiveFields(await findExtensionSchema(this.store.db, namespace, kind));
    if (this.entries.size >= 10_000) this.entries.clear();
    this.entries.set(key, { fields, until: now + SCHEMA_TTL_MS });
    return fields;
  }

  clear(): void {
    this.entries.clear();
  }
}

export function redactSensitive(app: App, schemas: SensitiveFieldCache, authorizer: Authorizer): void {
  app.addHook('preSerialization', async (request: FastifyRequest, _reply, payload: unknown) => {
    if (request.principal === undefined || typeof payload !== 'object' || payload === null) return payload;
    const hidden = new Map<string, string[]>();
    const hiddenFields = async (kind: Kind, namespace: string): Promise<string[]> => {
      const key = `${kind}:${namespace}`;
      let fields = hidden.get(key);
      if (fields === undefined) {
        // Most namespaces mark nothing sensitive: then there is nothing to decide.
        fields = await schemas.fieldsOf(kind, namespace);
        if (fields.length > 0 && authorizer.decide(request.principal, 'catalog.read_sensitive', { kind: 'Namespace', id: namespace, namespace }).allowed) fields = [];
        hidden.set(key, fields);
      }
      return fields;
    };
    const items = (payload as { items?: unknown }).items;
    const records = (Array.isArray(items) ? (items as Record_[]) : [payload as Record_]).filter((r) => typeof r === 'object' && r !== null && kindOf(r) !== undefined);
    for (const record of records) {
      const kind = kindOf(record)!;
      const extra = extraOf(record, kind);
      if (extra === undefined || Object.keys(extra).length === 0 || typeof record.namespace !== 'string') continue;
      redactIn(extra, await hiddenFields(kind, record.namespace));
    }
    // A diff: a model's `extra`, or a version's `metadata.extra`, on either side of each change.
    const changes = (payload as { changes?: unknown }).changes;
    if (Array.isArray(changes)) {
      for (const change of changes as Change[]) {
        if ((change.kind !== 'model' && change.kind !== 'version') || typeof change.urn !== 'string') continue;
        const fields = await hiddenFields(change.kind, namespaceOfUrn(change.urn));
        const holder = change.kind === 'model' ? 'extra' : 'metadata';
        for (const { field, before, after } of fields.length === 0 ? [] : (change.fields ?? [])) {
          if (field !== holder) continue;
          for (const side of [before, after]) redactIn(change.kind === 'model' ? side : (side as { extra?: unknown } | null)?.extra, fields);
        }
      }
    }
    return payload;
  });
}
