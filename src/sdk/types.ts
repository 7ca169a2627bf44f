import type { Static } from '@sinclair/typebox';
import type { Role } from '../access/roles.js';
import type {
  CreateModelSchema,
  CreateNamespaceSchema,
  ExtensionKindSchema,
  ManifestEntrySchema,
  ModelSchema,
  ModelVersionSchema,
  NamespaceSchema,
  RegisterVersionSchema,
  UpdateModelSchema,
  UpdateVersionSchema,
  VersionMetadataSchema,
  RiskTier,
  Stage,
  VersionStatus,
} from '../catalog/schemas.js';
import type { ProblemSchema } from '../http/routes/common-schemas.js';
import type { CatalogDiffSchema } from '../http/routes/diff-routes.js';
import type { CallOptions } from './transport.js';

/*
 * Request and response shapes come from the server's own TypeBox schemas, so
 * the SDK cannot drift from what the routes validate.
 */

export type Namespace = Static<typeof NamespaceSchema>;
export type CreateNamespace = Static<typeof CreateNamespaceSchema>;
export type ExtensionKind = Static<typeof ExtensionKindSchema>;
export type Model = Static<typeof ModelSchema>;
export type CreateModel = Static<typeof CreateModelSchema>;
export type UpdateModel = Static<typeof UpdateModelSchema>;
export type ModelVersion = Static<typeof ModelVersionSchema>;
export type ManifestEntry = Static<typeof ManifestEntrySchema>;
export type VersionMetadata = Static<typeof VersionMetadataSchema>;
export type RegisterVersion = Static<typeof RegisterVersionSchema>;
export type UpdateVersion = Static<typeof UpdateVersionSchema>;
export type { Role, RiskTier, Stage, VersionStatus };

/** An RFC 9457 problem as the server sends it; `code` is the stable member to branch on. */
export type ApiProblem = Static<typeof ProblemSchema> & { readonly [extension: string]: unknown };

/** One page of a cursor-paginated list; pass `nextCursor` back as `cursor` until it is null. */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/** `ns/name`. */
export interface ModelRef {
  readonly namespace: string;
  readonly name: string;
}

/** `ns/name@number`. */
export interface VersionRef {
  readonly namespace: string;
  readonly model: string;
  readonly number: number;
}

/** Query of `GET /api/v1/models`. */
export interface ModelSearch {
  /** Full text over name, description and tags; every word must match as a prefix. */
  readonly q?: string;
  readonly namespace?: string;
  readonly tag?: string;
  readonly stage?: Stage;
  readonly riskTier?: RiskTier;
  readonly owner?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

/** Query of `GET /api/v1/versions` (across models). */
export interface VersionSearch {
  readonly namespace?: string;
  /** `name`, or `namespace/name`. */
  readonly model?: string;
  readonly tag?: string;
  readonly status?: VersionStatus;
  readonly stage?: Stage;
  readonly license?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

/**
 * A point in the registry's history: a ledger sequence number (the registry
 * once that entry was applied), an ISO-8601 time (once the last entry recorded
 * at or before it was applied), or a Date, sent as that time.
 */
export type AsOf = string | number | Date;

/** Options of reads that can answer as the registry stood at a past point. */
export interface ReadOptions extends CallOptions {
  /** Read the past: the answer is the record as it stood then (`not_found` if it did not exist yet). Omit for now. */
  readonly asOf?: AsOf | undefined;
}

/** `GET /api/v1/diff`: what changed between ledger points `from` and `to`. */
export type CatalogDiff = Static<typeof CatalogDiffSchema>;
/** One namespace, model or version that differs between the two points. */
export type CatalogChange = CatalogDiff['changes'][number];
/** One top-level field of a changed record; `before` is null for a record added in the range. */
export type FieldChange = CatalogChange['fields'][number];

/** Query of `GET /api/v1/diff`. */
export interface DiffQuery {
  readonly from: AsOf;
  /** Default: now (the latest entry). */
  readonly to?: AsOf | undefined;
  /** Only records of this namespace. */
  readonly namespace?: string | undefined;
  /** Changes per page, 1–500; the server's default is 50. */
  readonly limit?: number | undefined;
  readonly cursor?: string | undefined;
}

/*
 * The shapes below are declared inside route modules and not exported, so
 * they are restated here; keep them in step with src/http/routes.
 */

/** A ledger entry (`GET /api/v1/ledger/entries`, `GET /api/v1/audit`). */
export interface LedgerEntry {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly reason: string | null;
  readonly payload: unknown;
  /** The RFC 8785 JSON that was hashed. */
  readonly canonical: string;
  /** Hex SHA-256(0x00 || canonical), RFC 9162 §2.1.1. */
  readonly leafHash: string;
}

export interface LedgerSlice {
  /** How many entries the ledger holds. */
  readonly size: number;
  readonly entries: LedgerEntry[];
}

/** RFC 9162 proof that the tree of `from` entries is a prefix of the tree of `to`; hashes in base64. */
export interface ConsistencyProof {
  readonly from: number;
  readonly to: number;
  /** The server's own claims; a verifier takes the roots from signed checkpoints instead. */
  readonly fromRoot: string;
  readonly toRoot: string;
  readonly proof: string[];
}

/** RFC 9162 audit path of entry `seq` in the tree of `treeSize` entries; hashes in base64. */
export interface InclusionProof {
  readonly seq: number;
  readonly treeSize: number;
  readonly leafHash: string;
  readonly rootHash: string;
  readonly proof: string[];
}

export interface AuditQuery {
  readonly actor?: string;
  readonly subject?: string;
  readonly action?: string;
  /** ISO 8601 date-time, inclusive. */
  readonly from?: string;
  /** ISO 8601 date-time, exclusive. */
  readonly to?: string;
  /** Only change records (ledger entries) or only access records (reads); default both. */
  readonly kind?: 'change' | 'access';
  readonly limit?: number;
  readonly cursor?: string;
}

/** A change record of `GET /api/v1/audit`: a ledger entry. */
export interface ChangeRecord extends LedgerEntry {
  readonly kind: 'change';
}

/** An access record of `GET /api/v1/audit`: one authenticated read. */
export interface AccessRecord {
  readonly kind: 'access';
  readonly id: number;
  readonly at: string;
  readonly actor: string;
  /** `model.read`, `version.read`, `models.search`, `blob.read`, `ledger.read`, `audit.read`, … */
  readonly action: string;
  /** The URN or `sha256:` digest read, or the path and query of a search. */
  readonly subject: string;
  readonly status: number;
  /** Ledger seq of the `access.batch_anchored` entry whose Merkle root covers this record. */
  readonly batchSeq: number;
  /** Base64 SHA-256(0x00 || RFC 8785 JSON of id, at, actor, action, subject, status). */
  readonly leafHash: string;
}

export type AuditRecord = ChangeRecord | AccessRecord;

export interface StoredBlob {
  readonly digest: string;
  readonly size: number;
  /** False when the registry already held these bytes. */
  readonly created: boolean;
}
