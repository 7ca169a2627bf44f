import { modelUrn, namespaceUrn, versionUrn } from '../../catalog/urns.js';
import type { Model, ModelVersion, Namespace } from '../../catalog/schemas.js';
import type { LedgerEntry, LedgerAction } from '../../ledger/entry.js';
import type { ExtensionSchemaRow, LedgerEntryRow, ModelRow, NamespaceRow, VersionRow } from '../database.js';

/* Rows to domain objects: JSON text parsed, snake_case gone, numbers as numbers. */

export function toNamespace(row: NamespaceRow, schemas: readonly ExtensionSchemaRow[]): Namespace {
  const byKind = Object.fromEntries(schemas.map((s) => [s.kind, JSON.parse(s.schema) as unknown]));
  return {
    urn: namespaceUrn(row.name),
    name: row.name,
    description: row.description,
    createdAt: row.created_at,
    createdBy: row.created_by,
    schemas: byKind,
  };
}

export function toModel(row: ModelRow): Model & { id: number } {
  return {
    id: Number(row.id),
    urn: modelUrn(row.namespace, row.name),
    namespace: row.namespace,
    name: row.name,
    description: row.description,
    owners: JSON.parse(row.owners) as string[],
    domain: row.domain,
    tags: JSON.parse(row.tags) as string[],
    riskProfile: row.risk_profile === null ? null : (JSON.parse(row.risk_profile) as Model['riskProfile']),
    riskTier: row.risk_tier,
    stage: row.stage,
    extra: JSON.parse(row.extra) as Record<string, unknown>,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    revision: row.revision,
  };
}

export function toVersion(row: VersionRow): ModelVersion & { id: number } {
  return {
    id: Number(row.id),
    urn: versionUrn(row.namespace, row.model, row.number),
    namespace: row.namespace,
    model: row.model,
    number: row.number,
    status: row.status,
    stage: row.stage,
    artifactDigest: row.artifact_digest,
    manifest: JSON.parse(row.manifest) as ModelVersion['manifest'],
    metadata: JSON.parse(row.metadata) as ModelVersion['metadata'],
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    publishedAt: row.published_at,
    publishedBy: row.published_by,
    revision: row.revision,
  };
}

export function toLedgerEntry(row: LedgerEntryRow): LedgerEntry {
  return {
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    action: row.action as LedgerAction,
    subject: row.subject,
    reason: row.reason ?? undefined,
    payload: (JSON.parse(row.canonical) as { payload: LedgerEntry['payload'] }).payload,
    canonical: row.canonical,
    leafHash: row.leaf_hash,
  };
}
