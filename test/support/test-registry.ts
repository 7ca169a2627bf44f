import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertHubOptions } from '../../src/alerts/alert-hub.js';
import type { OidcConfig } from '../../src/identity/oidc-config.js';
import type { AnomalyOptions } from '../../src/security/anomaly-detector.js';
import { type RunningServer, startServer } from '../../src/server/open-registry.js';
import { postgresUnavailable, testPostgresUrl, uniqueSchemaName } from './postgres.js';

export type DialectName = 'sqlite' | 'postgres';

/** Both dialects; the PostgreSQL one is skipped (outside CI) when no server answers. */
export const dialects: readonly { name: DialectName; skip: boolean }[] = [
  { name: 'sqlite', skip: false },
  { name: 'postgres', skip: (await postgresUnavailable()) !== undefined },
];

export interface TestRegistry {
  readonly server: RunningServer;
  readonly url: string;
  readonly adminToken: string;
  readonly dataDir: string;
  readonly dialect: DialectName;
  readonly schema: string | undefined;
  /** Calls the API as admin (or with the given token), JSON in and out. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  close(): Promise<void>;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

export interface StartOptions {
  readonly maxBlobBytes?: number;
  /** Reuse a data directory / schema, e.g. to test a restart. */
  readonly dataDir?: string;
  readonly schema?: string;
  readonly adminToken?: string;
  /** How often the server signs a checkpoint as the ledger grows (default 1000 ms; 0: only on request). */
  readonly checkpointIntervalMs?: number;
  /**
   * How long audited reads wait before their batch is anchored in the ledger.
   * Default 0 here (only when 1000 wait, and on close), so tests that count
   * ledger entries stay exact; pass a time to test the production behaviour.
   */
  readonly accessFlushMs?: number;
  /** Accept bearer JWTs from this identity provider. */
  readonly oidc?: OidcConfig;
  /** Requests per principal per minute (default: the server's). */
  readonly rateLimitPerMinute?: number;
  /** Serve HTTPS with these PEM files. */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** The registry's notion of now, for grants and tokens. */
  readonly clock?: () => Date;
  /** What counts as unusual access (e.g. a low download threshold). */
  readonly anomaly?: Partial<AnomalyOptions>;
  /**
   * Risk scoring. Default `{ auto: false }` here (the server's default is
   * automatic): a rescore after each commit appends `risk.scored` entries on
   * its own time, which would make tests that count ledger entries flaky.
   * Tests of scoring pass `{ auto: true }`; `PUT /api/v1/risk/rubric` and
   * `POST /api/v1/risk/rescore` rescore either way.
   */
  readonly riskScoring?: { readonly auto?: boolean; readonly sweepMs?: number };
  /** The alert outbox and webhook dispatcher (default: the server's); tests of webhooks shorten the polls and the backoff. */
  readonly alerts?: AlertHubOptions;
}

export async function startTestRegistry(dialect: DialectName, options: StartOptions = {}): Promise<TestRegistry> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'mk-test-')));
  const schema = dialect === 'postgres' ? (options.schema ?? uniqueSchemaName()) : undefined;
  const adminToken = options.adminToken ?? `mk_test_${randomBytes(24).toString('hex')}`;
  const server = await startServer({
    dataDir,
    db: dialect === 'postgres' ? testPostgresUrl : undefined,
    dbSchema: schema,
    host: '127.0.0.1',
    port: 0,
    adminToken,
    maxBlobBytes: options.maxBlobBytes,
    checkpointIntervalMs: options.checkpointIntervalMs,
    accessFlushMs: options.accessFlushMs ?? 0,
    oidc: options.oidc,
    rateLimitPerMinute: options.rateLimitPerMinute,
    tls: options.tls,
    anomaly: options.anomaly,
    clock: options.clock,
    riskScoring: options.riskScoring ?? { auto: false },
    alerts: options.alerts,
  });
  const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> => {
    const response = await fetch(server.url + path, {
      method,
      headers: {
        authorization: `Bearer ${adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed };
  };
  return {
    server,
    url: server.url,
    adminToken,
    dataDir,
    dialect,
    schema,
    api,
    async close() {
      await server.close();
    },
  };
}

/** Removes what a test registry left: its data directory (its PostgreSQL schema goes when the run ends). */
export async function discardTestRegistry(registry: TestRegistry): Promise<void> {
  await registry.close().catch(() => undefined);
  await rm(registry.dataDir, { recursive: true, force: true });
}

export async function uploadBlob(registry: TestRegistry, content: string | Buffer): Promise<{ digest: string; size: number }> {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  const { createHash } = await import('node:crypto');
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const response = await fetch(`${registry.url}/api/v1/blobs/${digest}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${registry.adminToken}`, 'content-type': 'application/octet-stream' },
    body: bytes,
  });
  if (response.status !== 201 && response.status !== 200) throw new Error(`upload failed: ${response.status} ${await response.text()}`);
  return { digest, size: bytes.length };
}

export interface GrantSpec {
  readonly role: string;
  readonly namespace?: string | null;
}

/** Grants `principal` these roles (as the admin) and issues it a token; returns the secret. */
export async function tokenFor(
  registry: TestRegistry,
  principal: string,
  grants: readonly GrantSpec[],
  scope: { readonly roles?: readonly string[]; readonly namespaces?: readonly string[]; readonly expiresInDays?: number } = {},
): Promise<string> {
  for (const grant of grants) {
    const granted = await registry.api('POST', '/api/v1/bindings', { principal, role: grant.role, namespace: grant.namespace ?? null, reason: 'granted by a test' });
    if (granted.status !== 201 && granted.status !== 409) throw new Error(`grant failed: ${granted.status} ${JSON.stringify(granted.body)}`);
  }
  const name = `${principal.replace(/[^A-Za-z0-9._-]/g, '-')}-${randomBytes(3).toString('hex')}`.slice(0, 60);
  const issued = await registry.api('POST', '/api/v1/tokens', { name, principal, ...scope });
  if (issued.status !== 201) throw new Error(`token failed: ${issued.status} ${JSON.stringify(issued.body)}`);
  return issued.body.token as string;
}

/** Calls the API with the given bearer token, JSON in and out. */
export async function callAs(registry: TestRegistry, token: string, method: string, path: string, body?: unknown): Promise<ApiResponse> {
  return registry.api(method, path, body, { authorization: `Bearer ${token}` });
}
