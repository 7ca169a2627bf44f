import { randomUUID } from 'node:crypto';
import { ModelKeepApiError } from './api-error.js';
import type {
  Attestation,
  AttestationStatement,
  ChangeQuery,
  ChangeRequest,
  ChangeRequestInput,
  ChangeTemplate,
  CreateEnvironment,
  Deployment,
  DeploymentReport,
  DeploymentReportRequest,
  DeploymentReportResult,
  Environment,
  EnvironmentDetail,
  GatePolicyAnswer,
  GatePolicyInput,
  GatePolicyRevision,
  GateReport,
  GovernanceRecord,
  ModelAlias,
  Promotion,
  PromotionDetail,
  PromotionQuery,
  PromotionTarget,
  Quarantine,
  Rollback,
} from './governance-types.js';
import { formatModelRef, formatVersionRef, parseModelRef, parseVersionRef } from './refs.js';
import type { CallOptions, Query, Transport, WriteOptions } from './transport.js';
import type { ModelRef, Page, VersionRef } from './types.js';

const seg = encodeURIComponent;

/** A version as the SDK models it, or written `namespace/name@number`. */
export type VersionRefLike = VersionRef | string;
/** A model as the SDK models it, or written `namespace/name`. */
export type ModelRefLike = ModelRef | string;

const versionOf = (ref: VersionRefLike): VersionRef => (typeof ref === 'string' ? parseVersionRef(ref) : ref);
const modelOf = (ref: ModelRefLike): ModelRef => (typeof ref === 'string' ? parseModelRef(ref) : ref);
const versionPath = (ref: VersionRefLike): string => {
  const { namespace, model, number } = versionOf(ref);
  return `/api/v1/models/${seg(namespace)}/${seg(model)}/versions/${number}`;
};
const policyPath = (namespace: string | null): string => (namespace === null ? '/api/v1/gate-policy' : `/api/v1/namespaces/${seg(namespace)}/gate-policy`);
const environmentPath = (name: string): string => `/api/v1/environments/${seg(name)}`;

/**
 * The gate report a `gate_failed` error carries: the checks that refused a
 * promotion request (`requestPromotion`) or an approval whose gate no longer
 * passes (`approvePromotion`). Undefined for any other error.
 *
 * @example
 * try {
 *   await client.governance.requestPromotion('fraud/scorer@3', 'validation', 'evaluated on the Q3 holdout');
 * } catch (error) {
 *   const report = gateReportOf(error);
 *   if (report === undefined) throw error;
 *   for (const check of report.checks.filter((c) => !c.passed)) console.log(`${check.name}: ${check.why}`);
 * }
 */
export function gateReportOf(error: unknown): GateReport | undefined {
  if (!(error instanceof ModelKeepApiError) || error.code !== 'gate_failed') return undefined;
  const report = error.problem.report as GateReport | undefined;
  return typeof report === 'object' && report !== null && Array.isArray(report.checks) ? report : undefined;
}

/**
 * Governance of versions after they are published: attestations, promotion
 * gates and their policies, promotions and approvals, environments and
 * deployments, quarantine, retirement and change requests.
 *
 * Versions and models are taken as refs or as `ns/name@N` and `ns/name`
 * strings; a malformed string rejects with a TypeError before anything is
 * sent. Every POST is sent with an Idempotency-Key (a random UUID unless
 * given), so a retry after a lost answer never records a decision twice.
 */
export class GovernanceApi {
  constructor(private readonly http: Transport) {}

  /* Attestations */

  /**
   * Attaches a typed statement to a published version; a newer one of the same type supersedes the current one.
   * Reviews (`bias_assessment`, `safety_review`, `license_review`, `red_team`) need `review.sign` and must not come from an author of the version; evaluations need `evaluation.record`.
   * @throws ModelKeepApiError `invalid_request` when `details` do not fit the type, `blobs_missing` for evidence not uploaded, `invalid_state` for a draft or retired version, `forbidden`
   */
  async attest(version: VersionRefLike, statement: AttestationStatement, options: WriteOptions = {}): Promise<Attestation> {
    return this.#post(`${versionPath(version)}/attestations`, statement, options);
  }

  /** A version's current attestation of each type, or with `all` every one ever recorded. @throws ModelKeepApiError `not_found` */
  async attestations(version: VersionRefLike, query: { all?: boolean } = {}, options: CallOptions = {}): Promise<Attestation[]> {
    const { items } = await this.http.json<{ items: Attestation[] }>({ method: 'GET', path: `${versionPath(version)}/attestations`, query: query.all === true ? { all: true } : {}, ...options });
    return items;
  }

  /* Gates */

  /**
   * Evaluates the promotion gate to `to` without recording anything: every check, passed or failed, with why,
   * and the human approvals a request would still need. `report.passed` says whether every automatic check passed.
   * @throws ModelKeepApiError `not_found`
   */
  async gateCheck(version: VersionRefLike, to: PromotionTarget, options: CallOptions = {}): Promise<GateReport> {
    return this.http.json({ method: 'GET', path: `${versionPath(version)}/gate`, query: { to }, ...options });
  }

  /** A namespace's own gate policy (or, for null, the global default) and the policy in force there. @throws ModelKeepApiError `not_found` */
  async getGatePolicy(namespace: string | null, options: CallOptions = {}): Promise<GatePolicyAnswer> {
    return this.http.json({ method: 'GET', path: policyPath(namespace), ...options });
  }

  /**
   * Sets a namespace's gate policy, or for null the global default, from YAML or JSON text or an object.
   * @throws ModelKeepApiError `invalid_policy` (with `violations`) when it is malformed or a CEL condition does not compile, `not_found`, `forbidden` without `gate.manage`
   */
  async setGatePolicy(namespace: string | null, input: GatePolicyInput, reason?: string, options: CallOptions = {}): Promise<{ scope: string; revision: number; seq: number }> {
    return this.http.json({ method: 'PUT', path: policyPath(namespace), json: { ...input, ...(reason === undefined ? {} : { reason }) }, ...options });
  }

  /** Removes a scope's own policy: the next one up (global, then built-in) applies again. @throws ModelKeepApiError `not_found` when it has none, `forbidden` */
  async removeGatePolicy(namespace: string | null, reason?: string, options: CallOptions = {}): Promise<void> {
    await this.http.json({ method: 'DELETE', path: policyPath(namespace), query: { reason }, ...options });
  }

  /** Every version of a scope's policy, newest first, from the ledger. */
  async gatePolicyHistory(namespace: string | null, options: CallOptions = {}): Promise<GatePolicyRevision[]> {
    const { items } = await this.http.json<{ items: GatePolicyRevision[] }>({ method: 'GET', path: `${policyPath(namespace)}/history`, ...options });
    return items;
  }

  /* Promotions */

  /**
   * Asks to move a version to a later stage. The gate is evaluated at once:
   * status `promoted` when it passes and needs no approval, `pending` when it
   * waits for approvers. A failing gate is recorded as a refused request and
   * thrown as `gate_failed`; {@link gateReportOf} (or `error.problem.report`)
   * gives the report, and `error.problem.request` the refused request's id.
   * @throws ModelKeepApiError `gate_failed`, `invalid_state` while another promotion of the version is pending, `not_found`, `forbidden`
   */
  async requestPromotion(version: VersionRefLike, to: PromotionTarget, rationale: string, options: WriteOptions = {}): Promise<Promotion> {
    return this.#post(`${versionPath(version)}/promotions`, { to, rationale }, options);
  }

  /** One page of promotion requests, newest first; `status: 'pending'` is the approvals queue. */
  async promotions(query: PromotionQuery = {}, options: CallOptions = {}): Promise<Page<Promotion>> {
    return this.http.json({ method: 'GET', path: '/api/v1/promotions', query: query as Query, ...options });
  }

  /** A version's promotion requests, oldest first. @throws ModelKeepApiError `not_found` */
  async versionPromotions(version: VersionRefLike, options: CallOptions = {}): Promise<Promotion[]> {
    const { items } = await this.http.json<{ items: Promotion[] }>({ method: 'GET', path: `${versionPath(version)}/promotions`, ...options });
    return items;
  }

  /** One promotion request with its report, its approvals and, while pending, the approvals it still needs. @throws ModelKeepApiError `not_found` */
  async promotion(id: string, options: CallOptions = {}): Promise<PromotionDetail> {
    return this.http.json({ method: 'GET', path: `/api/v1/promotions/${seg(id)}`, ...options });
  }

  /**
   * Co-signs a pending promotion; the last approval needed promotes. The gate is evaluated again first.
   * @throws ModelKeepApiError `forbidden` for the requester or an author (separation of duties) or when the caller's roles do not count toward what is missing, `invalid_state` when no longer pending or already approved by the caller, `gate_failed` when the gate no longer passes
   */
  async approvePromotion(id: string, rationale: string, options: WriteOptions = {}): Promise<Promotion> {
    return this.#post(`/api/v1/promotions/${seg(id)}/approve`, { rationale }, options);
  }

  /** Rejects a pending promotion, saying why. @throws ModelKeepApiError `invalid_state` when no longer pending, `forbidden`, `not_found` */
  async rejectPromotion(id: string, reason: string, options: WriteOptions = {}): Promise<Promotion> {
    return this.#post(`/api/v1/promotions/${seg(id)}/reject`, { reason }, options);
  }

  /** Takes back your own pending promotion request. @throws ModelKeepApiError `forbidden` for someone else's, `invalid_state` once decided */
  async withdrawPromotion(id: string, reason: string, options: WriteOptions = {}): Promise<Promotion> {
    return this.#post(`/api/v1/promotions/${seg(id)}/withdraw`, { reason }, options);
  }

  /* Environments and deployments */

  /** Creates a named environment and the stage versions must reach to be deployed there. @throws ModelKeepApiError `already_exists`, `forbidden` without a global `environment.manage` */
  async createEnvironment(request: CreateEnvironment, options: WriteOptions = {}): Promise<Environment> {
    return this.#post('/api/v1/environments', request, options);
  }

  async environments(options: CallOptions = {}): Promise<Environment[]> {
    const { items } = await this.http.json<{ items: Environment[] }>({ method: 'GET', path: '/api/v1/environments', ...options });
    return items;
  }

  /** One environment and what its aliases point at. @throws ModelKeepApiError `not_found` */
  async environment(name: string, options: CallOptions = {}): Promise<EnvironmentDetail> {
    return this.http.json({ method: 'GET', path: environmentPath(name), ...options });
  }

  /**
   * Points the environment's alias for the model at this version; the answer's `id` is the deployment id to tag releases with.
   * @throws ModelKeepApiError `invalid_state` below the environment's required stage, for a draft, quarantined or retired version, or when it already points there; `not_found`, `forbidden`
   */
  async deploy(environment: string, version: VersionRefLike, reason?: string, options: WriteOptions = {}): Promise<Deployment> {
    return this.#post(`${environmentPath(environment)}/deployments`, { version: formatVersionRef(versionOf(version)), ...(reason === undefined ? {} : { reason }) }, options);
  }

  /** An environment's deployments (rollbacks included), newest first; `model` narrows to one model. @throws ModelKeepApiError `not_found` */
  async deployments(environment: string, query: { model?: ModelRefLike; limit?: number } = {}, options: CallOptions = {}): Promise<Deployment[]> {
    const q = { limit: query.limit, model: query.model === undefined ? undefined : formatModelRef(modelOf(query.model)) };
    const { items } = await this.http.json<{ items: Deployment[] }>({ method: 'GET', path: `${environmentPath(environment)}/deployments`, query: q, ...options });
    return items;
  }

  /**
   * Rolls the environment's alias for `model` back: to version `to`, or to the last version that was healthy there.
   * @throws ModelKeepApiError `invalid_state` when nothing is deployed, nothing healthy is left, or `to` never served there; `not_found`, `forbidden`
   */
  async rollback(environment: string, model: ModelRefLike, request: { to?: number; reason: string }, options: WriteOptions = {}): Promise<Rollback> {
    return this.#post(`${environmentPath(environment)}/rollback`, { model: formatModelRef(modelOf(model)), ...request }, options);
  }

  /**
   * What a deployment system reports it actually runs (or that a rollout failed). A report that differs from the alias is kept, flagged `matchesAlias: false`;
   * a `failed` one keeps the version out of automatic rollbacks to it.
   * @throws ModelKeepApiError `invalid_request` for a deployment id of another version or environment, `not_found`, `forbidden`
   */
  async report(environment: string, request: DeploymentReportRequest & { version: VersionRefLike }, options: WriteOptions = {}): Promise<DeploymentReportResult> {
    const { version, ...rest } = request;
    return this.#post(`${environmentPath(environment)}/reports`, { version: formatVersionRef(versionOf(version)), ...rest }, options);
  }

  /** What deployment systems reported to an environment, newest first. @throws ModelKeepApiError `not_found` */
  async reports(environment: string, query: { limit?: number } = {}, options: CallOptions = {}): Promise<DeploymentReport[]> {
    const { items } = await this.http.json<{ items: DeploymentReport[] }>({ method: 'GET', path: `${environmentPath(environment)}/reports`, query, ...options });
    return items;
  }

  /** Where a model runs: each environment's alias and the version it points at. @throws ModelKeepApiError `not_found` */
  async aliases(model: ModelRefLike, options: CallOptions = {}): Promise<ModelAlias[]> {
    const { namespace, name } = modelOf(model);
    const { items } = await this.http.json<{ items: ModelAlias[] }>({ method: 'GET', path: `/api/v1/models/${seg(namespace)}/${seg(name)}/aliases`, ...options });
    return items;
  }

  /* Lifecycle */

  /**
   * Quarantines a version: no promotion or deployment, downloads for investigators only, its pending promotions cancelled,
   * and every environment running it rolled back to its last healthy version, in one step.
   * @throws ModelKeepApiError `invalid_state` when already quarantined or retired, `not_found`, `forbidden`
   */
  async quarantine(version: VersionRefLike, reason: string, options: WriteOptions = {}): Promise<Quarantine> {
    return this.#post(`${versionPath(version)}/quarantine`, { reason }, options);
  }

  /** Lifts a quarantine once the investigation clears the version; it is not redeployed anywhere. @throws ModelKeepApiError `invalid_state` when not quarantined */
  async release(version: VersionRefLike, reason: string, options: WriteOptions = {}): Promise<{ version: string; status: string }> {
    return this.#post(`${versionPath(version)}/release`, { reason }, options);
  }

  /** Retires a version for good; its record stays. @throws ModelKeepApiError `invalid_state` while it serves somewhere or a promotion of it is pending */
  async retire(version: VersionRefLike, reason: string, options: WriteOptions = {}): Promise<{ version: string; status: string; stage: string }> {
    return this.#post(`${versionPath(version)}/retire`, { reason }, options);
  }

  /** Everything governance knows of a version: stage, status, attestations, promotions, where it runs, notes, change requests, amendments. @throws ModelKeepApiError `not_found` */
  async governance(version: VersionRefLike, options: CallOptions = {}): Promise<GovernanceRecord> {
    return this.http.json({ method: 'GET', path: `${versionPath(version)}/governance`, ...options });
  }

  /* Change requests */

  /**
   * Asks for a change to a published version: a `correction` of its metadata (applied, once approved, as an amendment that keeps the old values),
   * a `deprecation`, or a `retrain`. Someone other than the requester approves it.
   * @throws ModelKeepApiError `invalid_request` when a correction changes nothing or another template carries changes, `invalid_metadata`, `invalid_state` for a draft, `not_found`
   */
  async requestChange(version: VersionRefLike, input: ChangeRequestInput, options: WriteOptions = {}): Promise<ChangeRequest> {
    return this.#post(`${versionPath(version)}/changes`, input, options);
  }

  /** One page of change requests, newest first; `status: 'pending'` is the queue. */
  async changes(query: ChangeQuery = {}, options: CallOptions = {}): Promise<Page<ChangeRequest>> {
    return this.http.json({ method: 'GET', path: '/api/v1/changes', query: query as Query, ...options });
  }

  /** @throws ModelKeepApiError `not_found` */
  async change(id: string, options: CallOptions = {}): Promise<ChangeRequest> {
    return this.http.json({ method: 'GET', path: `/api/v1/changes/${seg(id)}`, ...options });
  }

  /** Approves a change request, which applies it at once. @throws ModelKeepApiError `forbidden` for its requester, `invalid_state` when already decided or no longer applicable */
  async approveChange(id: string, rationale: string, options: WriteOptions = {}): Promise<ChangeRequest> {
    return this.#post(`/api/v1/changes/${seg(id)}/approve`, { rationale }, options);
  }

  /** @throws ModelKeepApiError `invalid_state` when already decided, `forbidden` */
  async rejectChange(id: string, reason: string, options: WriteOptions = {}): Promise<ChangeRequest> {
    return this.#post(`/api/v1/changes/${seg(id)}/reject`, { reason }, options);
  }

  /** Takes back your own pending change request. @throws ModelKeepApiError `forbidden` for someone else's, `invalid_state` once decided */
  async withdrawChange(id: string, reason: string, options: WriteOptions = {}): Promise<ChangeRequest> {
    return this.#post(`/api/v1/changes/${seg(id)}/withdraw`, { reason }, options);
  }

  /** The change request templates and what each is for. */
  async changeTemplates(options: CallOptions = {}): Promise<{ template: ChangeTemplate; description: string }[]> {
    const { items } = await this.http.json<{ items: { template: ChangeTemplate; description: string }[] }>({ method: 'GET', path: '/api/v1/change-templates', ...options });
    return items;
  }

  #post<T>(path: string, json: unknown, options: WriteOptions): Promise<T> {
    const { idempotencyKey = randomUUID(), ...rest } = options;
    return this.http.json({ method: 'POST', path, json, idempotencyKey, ...rest });
  }
}
