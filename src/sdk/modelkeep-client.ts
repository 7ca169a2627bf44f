import { packageVersion } from '../server/package-version.js';
import { AccessApi } from './access-api.js';
import { AdvisoriesApi } from './advisories-api.js';
import { AlertsApi } from './alerts-api.js';
import type { WhoAmI } from './access-types.js';
import { BlobsApi } from './blobs-api.js';
import { GovernanceApi } from './governance-api.js';
import { HistoryApi } from './history-api.js';
import { LedgerApi } from './ledger-api.js';
import { LineageApi } from './lineage-api.js';
import { ModelsApi } from './models-api.js';
import { NamespacesApi } from './namespaces-api.js';
import { type RetryPolicy, defaultRetryPolicy } from './retry-policy.js';
import { RiskApi } from './risk-api.js';
import { TokensApi } from './tokens-api.js';
import { type CallOptions, Transport } from './transport.js';
import { VersionsApi } from './versions-api.js';

export interface ModelKeepClientOptions {
  /** Where the server listens, e.g. `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  /** Bearer token; without one only health checks succeed. */
  readonly token?: string | undefined;
  /** Bounds each call (for blob transfers, the wait for the answer to start); default 30 s. */
  readonly timeoutMs?: number | undefined;
  /**
   * Extra attempts for calls that are safe to repeat (GET, HEAD, a POST with
   * an Idempotency-Key, a blob upload from a file) after a connection error,
   * a timeout or a 503; default 2.
   */
  readonly retries?: number | undefined;
  /** Replaces the global fetch (tests, proxies). */
  readonly fetch?: typeof globalThis.fetch | undefined;
}

/**
 * A typed client for the ModelKeep REST API (`/api/v1`).
 *
 * Every failure is a {@link ModelKeepApiError} carrying the server's RFC 9457
 * problem; branch on its `code`.
 *
 * @example
 * const client = new ModelKeepClient({ baseUrl: 'http://127.0.0.1:8080', token: process.env.MODELKEEP_TOKEN });
 * const model = await client.models.get({ namespace: 'fraud', name: 'scorer' });
 */
export class ModelKeepClient {
  readonly namespaces: NamespacesApi;
  readonly models: ModelsApi;
  readonly versions: VersionsApi;
  readonly blobs: BlobsApi;
  readonly ledger: LedgerApi;
  /** What changed between two points in time; see also the `asOf` option of reads. */
  readonly history: HistoryApi;
  readonly tokens: TokensApi;
  /** Grants, groups, policies, elevations, access reviews and security events. */
  readonly access: AccessApi;
  /** Attestations, promotion gates and approvals, environments and deployments, quarantine and change requests. */
  readonly governance: GovernanceApi;
  /** The lineage graph: what versions were trained on and run with, why one node depends on another, the blast radius of a dataset or library. */
  readonly lineage: LineageApi;
  /** Vulnerability advisories (OSV), deprecated libraries, and a version's dependency findings. */
  readonly advisories: AdvisoriesApi;
  /** Risk scores and their rubric, the license policy, record health, the portfolio summary and incidents. */
  readonly risk: RiskApi;
  /** Webhooks and alert events (by page or as a live stream). */
  readonly alerts: AlertsApi;
  readonly #http: Transport;

  constructor(options: ModelKeepClientOptions) {
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch {
      throw new TypeError(`baseUrl ${JSON.stringify(options.baseUrl)} is not a URL; expected e.g. http://127.0.0.1:8080`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError(`baseUrl must be http or https, not ${base.protocol}`);
    const retry: RetryPolicy = { ...defaultRetryPolicy, retries: options.retries ?? defaultRetryPolicy.retries };
    this.#http = new Transport({
      baseUrl: base.toString(),
      token: options.token,
      timeoutMs: options.timeoutMs ?? 30_000,
      retry,
      userAgent: `modelkeep-sdk/${packageVersion()}`,
      fetch: options.fetch ?? globalThis.fetch,
    });
    this.namespaces = new NamespacesApi(this.#http);
    this.models = new ModelsApi(this.#http);
    this.versions = new VersionsApi(this.#http);
    this.blobs = new BlobsApi(this.#http);
    this.ledger = new LedgerApi(this.#http);
    this.history = new HistoryApi(this.#http);
    this.tokens = new TokensApi(this.#http);
    this.access = new AccessApi(this.#http);
    this.governance = new GovernanceApi(this.#http);
    this.lineage = new LineageApi(this.#http);
    this.advisories = new AdvisoriesApi(this.#http);
    this.risk = new RiskApi(this.#http);
    this.alerts = new AlertsApi(this.#http);
  }

  /** The server's base URL, without a trailing slash. */
  get baseUrl(): string {
    return this.#http.baseUrl;
  }

  /** The principal behind the credential: its roles, the grants they come from, its groups and the token's scope. @throws ModelKeepApiError `unauthenticated` */
  whoami(options: CallOptions = {}): Promise<WhoAmI> {
    return this.#http.json({ method: 'GET', path: '/api/v1/whoami', ...options });
  }

  /** Liveness (`/healthz`): the process answers. */
  health(options: CallOptions = {}): Promise<{ status: string }> {
    return this.#http.json({ method: 'GET', path: '/healthz', ...options });
  }

  /** Readiness (`/readyz`): the database answers too. @throws ModelKeepApiError `unavailable` */
  ready(options: CallOptions = {}): Promise<{ status: string; database: string }> {
    return this.#http.json({ method: 'GET', path: '/readyz', ...options });
  }
}
