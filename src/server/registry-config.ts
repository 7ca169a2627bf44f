import type { AlertHubOptions } from '../alerts/alert-hub.js';
import { resolve } from 'node:path';
import type { OidcConfig } from '../identity/oidc-config.js';
import type { AnomalyOptions } from '../security/anomaly-detector.js';

export interface RegistryConfig {
  /** Holds the SQLite database (unless `db` names PostgreSQL) and the blobs. */
  readonly dataDir: string;
  /** A `postgres://` URL; when absent the embedded SQLite file in `dataDir` is used. */
  readonly db?: string | undefined;
  /** PostgreSQL schema to use instead of `public`. */
  readonly dbSchema?: string | undefined;
  readonly host: string;
  readonly port: number;
  /** On first start only: the admin token to accept instead of generating one. */
  readonly adminToken?: string | undefined;
  readonly maxBlobBytes?: number | undefined;
  readonly log?: boolean | undefined;
  /** The ledger's Ed25519 signing key (PKCS#8 PEM); default `ledger-key.pem` in the data directory, created on first start. */
  readonly ledgerKey?: string | undefined;
  /** The checkpoints' origin line; default derived from the signing key. */
  readonly logOrigin?: string | undefined;
  /** Sign a checkpoint at most this often while the ledger grows (default 1000 ms); 0 signs only on request. */
  readonly checkpointIntervalMs?: number | undefined;
  /** Audited reads wait in memory at most this long before their batch is anchored (default 1000 ms); 0: only when 1000 wait, and on close. */
  readonly accessFlushMs?: number | undefined;
  /** The organisation's OpenID Connect provider; its bearer JWTs are accepted beside API tokens. */
  readonly oidc?: OidcConfig | undefined;
  /** Serve HTTPS with this certificate chain and private key (PEM file paths). */
  readonly tls?: { readonly cert: string; readonly key: string } | undefined;
  /** Requests each principal may make per minute (default 60,000); 0 turns the limit off. */
  readonly rateLimitPerMinute?: number | undefined;
  /** What counts as unusual access (defaults: see src/security/anomaly-options.ts). */
  readonly anomaly?: Partial<AnomalyOptions> | undefined;
  /** The time grants and tokens are judged by; tests move it forward to watch them lapse. */
  readonly clock?: (() => Date) | undefined;
  /** SQLite only: false keeps the writer on the main thread (default: its own thread). */
  readonly writerThread?: boolean | undefined;
  /**
   * Risk scores follow every change that can move them (default), and all of
   * them are rescored every `sweepMs` (default 6 h) as validations age.
   * `auto: false` leaves rescoring to `POST /api/v1/risk/rescore`.
   */
  readonly riskScoring?: { readonly auto?: boolean; readonly sweepMs?: number } | undefined;
  /** The alert outbox: how often it is polled, and the webhook dispatcher's settings (tests shorten the backoff). */
  readonly alerts?: AlertHubOptions | undefined;
}

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '127.0.0.1';

/** Flags win over the environment, which wins over the defaults. */
export function resolveConfig(
  flags: { data?: string | undefined; db?: string | undefined; port?: string | number | undefined; host?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): RegistryConfig {
  const portText = flags.port ?? env.MODELKEEP_PORT ?? DEFAULT_PORT;
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a TCP port number, not ${JSON.stringify(portText)}`);
  const intervalText = env.MODELKEEP_CHECKPOINT_INTERVAL_MS;
  const checkpointIntervalMs = intervalText === undefined || intervalText === '' ? undefined : Number(intervalText);
  if (checkpointIntervalMs !== undefined && !(Number.isInteger(checkpointIntervalMs) && checkpointIntervalMs >= 0)) {
    throw new Error(`MODELKEEP_CHECKPOINT_INTERVAL_MS must be a whole number of milliseconds (0 disables), not ${JSON.stringify(intervalText)}`);
  }
  const cert = env.MODELKEEP_TLS_CERT;
  const key = env.MODELKEEP_TLS_KEY;
  if ((cert === undefined || cert === '') !== (key === undefined || key === '')) {
    throw new Error('Set both MODELKEEP_TLS_CERT and MODELKEEP_TLS_KEY (PEM files) to serve HTTPS, or neither');
  }
  const rateText = env.MODELKEEP_RATE_LIMIT_PER_MINUTE;
  const rateLimitPerMinute = rateText === undefined || rateText === '' ? undefined : Number(rateText);
  if (rateLimitPerMinute !== undefined && !(Number.isInteger(rateLimitPerMinute) && rateLimitPerMinute >= 0)) {
    throw new Error(`MODELKEEP_RATE_LIMIT_PER_MINUTE must be a whole number of requests (0 turns the limit off), not ${JSON.stringify(rateText)}`);
  }
  return {
    dataDir: resolve(flags.data ?? env.MODELKEEP_DATA ?? 'data'),
    tls: cert === undefined || cert === '' ? undefined : { cert: resolve(cert), key: resolve(key!) },
    rateLimitPerMinute,
    db: flags.db ?? env.MODELKEEP_DB,
    dbSchema: env.MODELKEEP_DB_SCHEMA,
    host: flags.host ?? env.MODELKEEP_HOST ?? DEFAULT_HOST,
    port,
    adminToken: env.MODELKEEP_ADMIN_TOKEN,
    ledgerKey: env.MODELKEEP_LEDGER_KEY,
    logOrigin: env.MODELKEEP_LOG_ORIGIN,
    checkpointIntervalMs,
  };
}
