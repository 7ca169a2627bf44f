import { randomUUID } from 'node:crypto';
import type {
  Incident,
  IncidentInput,
  LicensePolicyAnswer,
  ModelHealth,
  ModelRisk,
  OpenedIncident,
  PolicyDocumentInput,
  PolicyDocumentSetResult,
  PolicyRevision,
  RescoreSummary,
  RiskSummary,
  RiskSummaryQuery,
  RubricAnswer,
} from './dependency-types.js';
import type { ModelRefLike } from './governance-api.js';
import { formatModelRef, parseModelRef } from './refs.js';
import type { CallOptions, Query, Transport, WriteOptions } from './transport.js';
import type { ModelRef } from './types.js';

const seg = encodeURIComponent;
const modelOf = (ref: ModelRefLike): ModelRef => (typeof ref === 'string' ? parseModelRef(ref) : ref);
const modelPath = (ref: ModelRefLike): string => {
  const { namespace, name } = modelOf(ref);
  return `/api/v1/models/${seg(namespace)}/${seg(name)}`;
};
const RUBRIC = '/api/v1/risk/rubric';
const LICENSE_POLICY = '/api/v1/license-policy';

/**
 * Risk scoring: the rubric and the license policy that feed it, each model's
 * score with the contribution of every signal, record health, the portfolio
 * summary, and incidents (which raise a model's score while open).
 *
 * Models are taken as refs or as `ns/name` strings; a malformed string
 * rejects with a TypeError before anything is sent.
 *
 * @example
 * const risk = await client.risk.modelRisk('fraud/scorer');
 * for (const c of risk.contributions) console.log(`${c.signal} +${c.points}: ${c.reason}`);
 */
export class RiskApi {
  constructor(private readonly http: Transport) {}

  /* Rubric and license policy */

  /** The risk rubric in force (the built-in default until one is set), resolved, with the text it was set from. */
  async rubric(options: CallOptions = {}): Promise<RubricAnswer> {
    return this.http.json({ method: 'GET', path: RUBRIC, ...options });
  }

  /**
   * Sets the risk rubric from YAML or JSON text, or an object; every model is rescored against it at once.
   * @throws ModelKeepApiError `invalid_policy` (with `violations`, every problem listed) when it is malformed, `forbidden` without `risk.manage`
   */
  async setRubric(input: PolicyDocumentInput, reason?: string, options: CallOptions = {}): Promise<PolicyDocumentSetResult> {
    return this.http.json({ method: 'PUT', path: RUBRIC, json: { ...input, ...(reason === undefined ? {} : { reason }) }, ...options });
  }

  /** Every revision of the rubric, newest first, from the ledger. */
  async rubricHistory(options: CallOptions = {}): Promise<PolicyRevision[]> {
    const { items } = await this.http.json<{ items: PolicyRevision[] }>({ method: 'GET', path: `${RUBRIC}/history`, ...options });
    return items;
  }

  /** The license policy in force (allowed and denied SPDX licenses, what an unknown one gets). */
  async licensePolicy(options: CallOptions = {}): Promise<LicensePolicyAnswer> {
    return this.http.json({ method: 'GET', path: LICENSE_POLICY, ...options });
  }

  /**
   * Sets the license policy from YAML or JSON text, or an object; every model is rescored against it at once.
   * @throws ModelKeepApiError `invalid_policy` (with `violations`) for an unknown SPDX id or a license both allowed and denied, `forbidden`
   */
  async setLicensePolicy(input: PolicyDocumentInput, reason?: string, options: CallOptions = {}): Promise<PolicyDocumentSetResult> {
    return this.http.json({ method: 'PUT', path: LICENSE_POLICY, json: { ...input, ...(reason === undefined ? {} : { reason }) }, ...options });
  }

  /** Every revision of the license policy, newest first, from the ledger. */
  async licensePolicyHistory(options: CallOptions = {}): Promise<PolicyRevision[]> {
    const { items } = await this.http.json<{ items: PolicyRevision[] }>({ method: 'GET', path: `${LICENSE_POLICY}/history`, ...options });
    return items;
  }

  /* Scores */

  /**
   * Rescores models now: all of them, or the ones named. A score is written only when it moved.
   * @throws ModelKeepApiError `forbidden` without `risk.manage`
   */
  async rescore(models?: readonly ModelRefLike[], options: CallOptions = {}): Promise<RescoreSummary> {
    const json = models === undefined || models.length === 0 ? {} : { models: models.map((m) => formatModelRef(modelOf(m))) };
    return this.http.json({ method: 'POST', path: '/api/v1/risk/rescore', json, ...options });
  }

  /**
   * A model's score, tier and what the tier makes the registry do, with each signal's contribution (most points
   * first; the points sum to the score) and its last `history` scores (default 50), newest first.
   * @throws ModelKeepApiError `not_found`
   */
  async modelRisk(model: ModelRefLike, query: { history?: number } = {}, options: CallOptions = {}): Promise<ModelRisk> {
    return this.http.json({ method: 'GET', path: `${modelPath(model)}/risk`, query, ...options });
  }

  /**
   * What is missing or broken in a model's record (no owner, no license, a dataset link to nothing, a stale
   * evaluation…), each with how to fix it; `healthy` when there is nothing.
   * @throws ModelKeepApiError `not_found`
   */
  async health(model: ModelRefLike, options: CallOptions = {}): Promise<ModelHealth> {
    return this.http.json({ method: 'GET', path: `${modelPath(model)}/health`, ...options });
  }

  /** The portfolio: models by tier and by namespace, the riskiest with their top reasons, and the dependencies high-risk models share most. Only namespaces the caller may read count. */
  async summary(query: RiskSummaryQuery = {}, options: CallOptions = {}): Promise<RiskSummary> {
    return this.http.json({ method: 'GET', path: '/api/v1/risk/summary', query: query as Query, ...options });
  }

  /** The same models as {@link summary}, one CSV row each (RFC 4180, CRLF line ends), for spreadsheets. */
  async summaryCsv(query: RiskSummaryQuery = {}, options: CallOptions = {}): Promise<string> {
    return this.http.text({ method: 'GET', path: '/api/v1/risk/summary', query: { ...(query as Query), format: 'csv' }, headers: { accept: 'text/csv, application/problem+json' }, ...options });
  }

  /* Incidents */

  /**
   * Opens an incident or a drift alert on a model (or one of its versions); open ones raise its risk score.
   * @throws ModelKeepApiError `not_found` for a model or version that does not exist, `forbidden` without `incident.report`
   */
  async openIncident(model: ModelRefLike, input: IncidentInput, options: WriteOptions = {}): Promise<OpenedIncident> {
    return this.#post(`${modelPath(model)}/incidents`, input, options);
  }

  /** A model's incidents and drift alerts, newest first; `status` keeps only open or resolved ones. @throws ModelKeepApiError `not_found` */
  async incidents(model: ModelRefLike, query: { status?: 'open' | 'resolved' } = {}, options: CallOptions = {}): Promise<Incident[]> {
    const { items } = await this.http.json<{ items: Incident[] }>({ method: 'GET', path: `${modelPath(model)}/incidents`, query, ...options });
    return items;
  }

  /** Resolves an incident, saying how. @throws ModelKeepApiError `invalid_state` when already resolved, `not_found` */
  async resolveIncident(id: string, resolution: string, options: WriteOptions = {}): Promise<{ id: string; status: 'resolved' }> {
    return this.#post(`/api/v1/incidents/${seg(id)}/resolve`, { resolution }, options);
  }

  #post<T>(path: string, json: unknown, options: WriteOptions): Promise<T> {
    const { idempotencyKey = randomUUID(), ...rest } = options;
    return this.http.json({ method: 'POST', path, json, idempotencyKey, ...rest });
  }
}
