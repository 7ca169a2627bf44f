import type { AlertEvent, KnownAlertEventType } from '../alerts/alert-event.js';
import type { LicenseConflict } from '../licenses/check-compatibility.js';
import type { LicenseVerdict } from '../licenses/evaluate-license.js';
import type { LicensePolicy } from '../licenses/license-policy-schema.js';
import type { AffectedVersion, BlastRadiusResult, EdgeType, LineagePath, NodeKind, TraverseResult, TraversedNode } from '../lineage/graph-types.js';
import type { HealthIssue } from '../risk/record-health.js';
import type { RiskTier } from '../risk/risk-tiers.js';
import type { Rubric, TierActions } from '../risk/rubric-types.js';
import type { SignalContribution } from '../risk/score-model.js';
import type { ImportSummary } from '../vulnerabilities/advisory-commands.js';
import type { Advisory, Severity } from '../vulnerabilities/advisory.js';

/*
 * Dependencies and risk: the lineage graph, advisories and findings, risk
 * scores, rubric and license policy, incidents, webhooks and alert events.
 * Where the server answers with a domain type, that type is re-used; the
 * shapes routes assemble inline are restated here: keep them in step with
 * src/http/routes/risk.
 */

export type { AffectedVersion, AlertEvent, Advisory, EdgeType, HealthIssue, KnownAlertEventType, LicenseConflict, LicensePolicy, LicenseVerdict, LineagePath, NodeKind, Rubric, Severity, SignalContribution, TierActions, TraversedNode };

/* Lineage */

/** A lineage URN, `mk:<kind>:<path>`: `mk:version:fraud/scorer@3`, `mk:library:pkg:pypi/numpy@1.26.4`, `mk:dataset:fraud/transactions@2024-06`. */
export type Urn = string;

export interface LineageQuery {
  /** `upstream`: what the node depends on; `downstream`: what depends on it; default both. */
  readonly direction?: 'upstream' | 'downstream' | 'both';
  /** Hops from the start, 1..50; default 3. */
  readonly depth?: number;
  /** Only nodes of these kinds are returned (the walk still passes through the others). */
  readonly kinds?: readonly NodeKind[];
  /** Only these edges are walked. */
  readonly edgeTypes?: readonly EdgeType[];
  /** Only versions at this stage (e.g. `production`) are returned. */
  readonly stage?: string;
  /** Only versions running in this environment are returned. */
  readonly environment?: string;
  /** At most this many nodes, 1..10 000; default 500. `total` counts every match. */
  readonly limit?: number;
}

/** The graph around a node; each node's `via` names its parent on a shortest path, so the answer draws as a tree. */
export type LineageGraph = TraverseResult;

/** `GET /api/v1/lineage-paths`: the shortest dependency paths from one node to another. */
export interface LineagePaths {
  readonly from: Urn;
  readonly to: Urn;
  readonly connected: boolean;
  readonly paths: LineagePath[];
}

export interface ImpactQuery {
  readonly stage?: string;
  readonly environment?: string;
  readonly limit?: number;
}

/** The blast radius of a node: the model versions downstream of it, each with the path it is reached through. */
export type Impact = BlastRadiusResult & {
  readonly urn: Urn;
  readonly filters: { readonly stage: string | null; readonly environment: string | null };
  /** How many distinct models the affected versions belong to. */
  readonly models: number;
};

/** What a dataset, feature set, pipeline, run, library, image or service is; recording a node again replaces its description. */
export interface NodeDescription {
  readonly name?: string;
  readonly description?: string;
  readonly owner?: string;
  readonly sensitivity?: 'low' | 'medium' | 'high';
  readonly pii?: boolean;
  /** An SPDX expression. */
  readonly license?: string;
  /** Labels from the data-usage agreement: non-commercial, research-only, no-derivatives, share-alike, internal-only, no-redistribution… */
  readonly usageTerms?: readonly string[];
  readonly agreement?: string;
  readonly digest?: string;
  readonly endpoint?: string;
  readonly extra?: Readonly<Record<string, unknown>>;
}

export type EdgeOrigin = 'declared' | { readonly derivedFrom: Urn };

/** `GET /api/v1/lineage-nodes`: a node's description and the edges the tables hold for it. */
export interface LineageNodeDetail {
  readonly urn: Urn;
  readonly kind: NodeKind;
  readonly described: boolean;
  readonly attributes: NodeDescription;
  readonly updatedAt: string | null;
  readonly updatedBy: string | null;
  readonly outgoing: { readonly type: EdgeType; readonly to: Urn; readonly origin: EdgeOrigin }[];
  readonly incoming: { readonly type: EdgeType; readonly from: Urn; readonly origin: EdgeOrigin }[];
}

/** An edge as a sentence: `from` `type` `to` ("a version uses a feature set"). */
export interface EdgeInput {
  readonly from: Urn;
  readonly type: EdgeType;
  readonly to: Urn;
}

/* Advisories and findings */

/** One batch's answer (`POST /api/v1/advisories`). */
export type AdvisoryBatchResult = ImportSummary;

/** What `advisories.import` reports after each batch, and returns at the end. */
export interface AdvisoryImportProgress {
  /** Records sent so far. */
  readonly sent: number;
  readonly batches: number;
  readonly imported: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Findings (advisory × library) the imported advisories give. */
  readonly findings: number;
}

export interface AdvisoryImportOptions {
  /** Records per request, 1..1000 (the server's limit); default 1000. Batches are also kept under a few MiB of JSON. */
  readonly batchSize?: number;
  /** Called after each batch the server accepted, with the running totals. */
  readonly onProgress?: (progress: AdvisoryImportProgress, batch: AdvisoryBatchResult) => void;
}

/** `GET /api/v1/advisories/{id}`: the advisory as the registry keeps it, and the libraries it affects. */
export interface AdvisoryDetail {
  readonly advisory: Advisory;
  readonly importedAt: string;
  readonly seq: number;
  readonly affectedLibraries: { readonly library: Urn; readonly reason: string }[];
}

export interface LibraryDeprecation {
  /** A package (`pkg:pypi/nose`) or one version of it (`pkg:pypi/nose@1.3.7`). */
  readonly purl: string;
  readonly reason: string;
  readonly replacement: string | null;
  readonly deprecatedAt: string;
  readonly deprecatedBy: string;
}

/** The answer to a deprecation: what was marked and how many known library versions it covers. */
export interface DeprecationResult {
  readonly target: string;
  readonly reason: string;
  readonly replacement: string | null;
  readonly libraries: number;
}

export interface VulnerabilityFinding {
  readonly advisory: string;
  readonly aliases: readonly string[];
  readonly library: Urn;
  readonly severity: Severity;
  readonly summary: string | null;
  readonly reason: string;
}

/** `GET …/versions/{n}/findings`: vulnerabilities (most severe first), deprecated libraries, and the license against the policy and the training datasets. */
export interface VersionFindings {
  readonly version: string;
  /** How many libraries the version depends on. */
  readonly libraries: number;
  readonly vulnerabilities: VulnerabilityFinding[];
  readonly deprecated: { readonly library: Urn; readonly reason: string; readonly replacement: string | null }[];
  readonly license: { readonly expression: string | null; readonly verdict: LicenseVerdict; readonly conflicts: LicenseConflict[] };
}

/* Risk */

/** A policy document (the rubric or the license policy) as text: YAML or JSON, told apart by the server unless `format` says. */
export interface PolicyTextInput {
  readonly source: string;
  readonly format?: 'yaml' | 'json';
}

/** …or as an object. */
export interface PolicyObjectInput {
  readonly document: Readonly<Record<string, unknown>>;
}

export type PolicyDocumentInput = PolicyTextInput | PolicyObjectInput;

/** The rubric or license policy in force: the built-in default until one is set. */
export interface PolicyDocumentAnswer<T> {
  readonly from: 'builtin' | 'set';
  readonly revision: number;
  /** The document as the server resolved it, every default filled in. */
  readonly document: T;
  /** The text it was set from (for the built-in rubric, its text); null for the built-in license policy. */
  readonly source: string | null;
  readonly updatedAt: string | null;
  readonly updatedBy: string | null;
}

export type RubricAnswer = PolicyDocumentAnswer<Rubric>;
export type LicensePolicyAnswer = PolicyDocumentAnswer<LicensePolicy>;

/** What a rescore did: models scored, and how many of their scores moved (only those are written). */
export interface RescoreSummary {
  readonly scored: number;
  readonly changed: number;
}

/** Setting a document rescores every model at once. */
export interface PolicyDocumentSetResult {
  readonly revision: number;
  readonly rescored: RescoreSummary;
}

export interface PolicyRevision {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly reason: string | null;
  readonly source: string | null;
}

export type TierName = RiskTier | 'unassessed';

/** `GET /api/v1/models/{ns}/{name}/risk`. */
export interface ModelRisk {
  readonly model: string;
  readonly scored: boolean;
  /** 0–100, one decimal; null until scored. */
  readonly score: number | null;
  readonly tier: TierName;
  /** Every scored signal, most points first; the points sum to the score. */
  readonly contributions: SignalContribution[];
  /** What the tier makes the registry do. */
  readonly actions: TierActions | null;
  readonly rubricRevision: number | null;
  readonly computedAt: string | null;
  /** Scores over time, newest first. */
  readonly history: { readonly seq: number; readonly score: number; readonly tier: string; readonly previousTier: string | null; readonly at: string }[];
}

/** `GET /api/v1/models/{ns}/{name}/health`: what is missing or broken in a model's record, each with how to fix it. */
export interface ModelHealth {
  readonly model: string;
  readonly healthy: boolean;
  readonly errors: number;
  readonly warnings: number;
  readonly issues: HealthIssue[];
}

export interface RiskSummaryQuery {
  readonly namespace?: string;
  /** Only models of exactly this tier. */
  readonly tier?: TierName;
  /** Only models of this tier or above. */
  readonly minTier?: RiskTier;
  /** How many riskiest models and shared dependencies; default 20. */
  readonly top?: number;
}

export interface RiskiestModel {
  readonly namespace: string;
  readonly model: string;
  readonly tier: string;
  readonly score: number | null;
  /** The top contributions, as `reason (+points)`. */
  readonly reasons: readonly string[];
  readonly retrainingRequired: boolean;
  readonly computedAt: string | null;
}

export interface SharedDependency {
  readonly urn: Urn;
  readonly type: string;
  /** How many high-risk models share it. */
  readonly models: number;
  readonly sample: readonly string[];
}

/** `GET /api/v1/risk/summary`: the portfolio. */
export interface RiskSummary {
  readonly models: number;
  readonly byTier: Readonly<Record<TierName, number>>;
  readonly byNamespace: Readonly<Record<string, Readonly<Record<TierName, number>>>>;
  readonly riskiest: RiskiestModel[];
  /** Dependencies the live versions of high and critical models share, most shared first. */
  readonly sharedDependencies: SharedDependency[];
  readonly retrainingRequired: string[];
}

export type IncidentKind = 'incident' | 'drift';
export type IncidentSeverity = 'low' | 'medium' | 'high' | 'critical';

export interface IncidentInput {
  readonly kind: IncidentKind;
  readonly severity: IncidentSeverity;
  readonly summary: string;
  /** The version it concerns, when it is one. */
  readonly version?: number;
}

/** The answer to opening an incident. */
export interface OpenedIncident {
  readonly id: string;
  readonly namespace: string;
  readonly model: string;
  readonly number: number | null;
  readonly kind: IncidentKind;
  readonly severity: IncidentSeverity;
  readonly summary: string;
  readonly status: 'open';
}

export interface Incident {
  readonly id: string;
  /** `mk:model:ns/name`. */
  readonly model: Urn;
  readonly version: number | null;
  readonly kind: IncidentKind;
  readonly severity: IncidentSeverity;
  readonly summary: string;
  readonly status: 'open' | 'resolved';
  readonly openedAt: string;
  readonly openedBy: string;
  readonly resolvedAt: string | null;
  readonly resolvedBy: string | null;
  readonly resolution: string | null;
}

/* Alerts */

export interface WebhookInput {
  /** http(s), without credentials: verify the signature instead. */
  readonly url: string;
  /** Event types to receive; empty or absent for every type. */
  readonly events?: readonly KnownAlertEventType[];
  readonly description?: string;
}

/** The answer to registering a webhook; `secret` is shown this once (it is derived, never stored). */
export interface RegisteredWebhook {
  readonly id: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly description: string | null;
  /** `whsec_…`: verify deliveries with {@link verifyWebhook}. */
  readonly secret: string;
}

export interface Webhook {
  readonly id: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly description: string | null;
  readonly active: boolean;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly deliveries: { readonly pending: number; readonly delivered: number; readonly dead: number };
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface WebhookDelivery {
  readonly id: string;
  /** The event's id (the `webhook-id` header). */
  readonly event: string;
  readonly type: string;
  readonly subject: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly deliveredAt: string | null;
}

export interface EventsQuery {
  /** Only events after this position (`seq`); default -1, from the start. */
  readonly after?: number;
  readonly type?: KnownAlertEventType;
  /** 1..1000; default 100. */
  readonly limit?: number;
}

/** A page of alert events, oldest first; `next` is the `after` of the following page. */
export interface EventsPage {
  readonly items: AlertEvent[];
  readonly next: number;
}
