import type { JsonObject } from '../ledger/entry.js';
import type { ManifestEntryInput, RiskProfile, VersionMetadata } from './schemas.js';

/*
 * What each catalog entry carries: enough for the projections to be rebuilt
 * from the ledger alone, with no other input.
 */

export interface NamespaceCreated {
  readonly name: string;
  readonly description: string;
}

export interface ExtensionSchemaSet {
  readonly namespace: string;
  readonly kind: 'model' | 'version';
  /** null removes the schema. */
  readonly schema: JsonObject | null;
}

export interface ModelFields {
  readonly description: string;
  readonly owners: readonly string[];
  readonly domain: string | null;
  readonly tags: readonly string[];
  readonly riskProfile: RiskProfile | null;
  readonly extra: Readonly<Record<string, unknown>>;
}

export interface ModelCreated extends ModelFields {
  readonly namespace: string;
  readonly name: string;
}

export interface ModelUpdated {
  readonly namespace: string;
  readonly name: string;
  readonly changes: Partial<ModelFields>;
  /** Set when the change puts back the metadata the model had as of this ledger entry. */
  readonly restoredFrom?: number;
}

export interface VersionRegistered {
  readonly namespace: string;
  readonly model: string;
  readonly number: number;
  readonly manifest: readonly ManifestEntryInput[];
  readonly artifactDigest: string;
  readonly metadata: VersionMetadata;
}

/** The draft's whole new state, so replay needs no merge logic; `changed` names what moved. */
export interface VersionUpdated extends VersionRegistered {
  readonly changed: readonly string[];
}

export interface VersionPublished {
  readonly namespace: string;
  readonly model: string;
  readonly number: number;
  readonly artifactDigest: string;
}

/**
 * Payloads are plain JSON by construction (validated input, no class
 * instances); this is the one place that says so to the compiler.
 * Undefined members are left out by the canonical serialisation.
 */
export function asPayload(value: object): JsonObject {
  return value as JsonObject;
}
