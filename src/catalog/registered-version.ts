import type { LedgerEntry } from '../ledger/entry.js';
import type { VersionRegistered } from './entry-payloads.js';
import type { ModelVersion } from './schemas.js';
import { versionUrn } from './urns.js';

/** A version as its registration entry creates it: the projection stores this, and the API answers with it. */
export function registeredVersion(entry: LedgerEntry): ModelVersion {
  const payload = entry.payload as unknown as VersionRegistered;
  return {
    urn: versionUrn(payload.namespace, payload.model, payload.number),
    namespace: payload.namespace,
    model: payload.model,
    number: payload.number,
    status: 'draft',
    stage: 'concept',
    artifactDigest: payload.artifactDigest,
    manifest: [...payload.manifest],
    metadata: payload.metadata,
    createdAt: entry.at,
    createdBy: entry.actor,
    updatedAt: entry.at,
    publishedAt: null,
    publishedBy: null,
    revision: 1,
  };
}
