import type { LicenseConflict } from '../licenses/check-compatibility.js';
import type { LicenseVerdict } from '../licenses/evaluate-license.js';
import type { ImportSummary } from '../vulnerabilities/advisory-commands.js';
import type { Advisory, Severity } from '../vulnerabilities/advisory.js';
import type { Urn } from './lineage-types.js';

/*
 * Advisories, deprecated libraries and a version's findings. Advisories are
 * the normalized form the server keeps; keep the inline shapes in step with
 * src/http/routes/risk/advisory-routes.ts.
 */

export type { Advisory, LicenseConflict, LicenseVerdict, Severity };

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
