import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Authenticator } from '../access/authenticator.js';
import { Authorizer } from '../access/authorizer.js';
import { storedPolicies } from '../store/queries/access-policies.js';
import { OidcVerifier } from '../identity/oidc-verifier.js';
import { AnomalyDetector, resolveAnomalyOptions } from '../security/anomaly-detector.js';
import { seedDownloadBaselines } from '../security/seed-baselines.js';
import { TokenService } from '../access/token-service.js';
import { FsBlobStore } from '../artifacts/fs-blob-store.js';
import { CatalogService } from '../catalog/catalog-service.js';
import { buildServer } from '../http/build-server.js';
import type { App } from '../http/app-types.js';
import { type Store, openStore } from '../store/open-store.js';
import type { RegistryConfig } from './registry-config.js';
import { LedgerWriter } from '../store/ledger-writer.js';
import { ThreadWriter } from '../store/sqlite/thread-writer.js';
import type { Writer } from '../store/write-command.js';
import { type WriteCommands, writeCommands } from './write-commands.js';
import { packageVersion } from './package-version.js';
import type { LedgerSigner } from '../ledger/ledger-signer.js';
import { loadLedgerSigner } from './ledger-key.js';
import { Checkpointer, DEFAULT_CHECKPOINT_INTERVAL_MS } from './checkpointer.js';
import { AccessRecorder } from '../audit/access-recorder.js';
import { AlertHub } from '../alerts/alert-hub.js';
import { LineageIndex } from '../lineage/lineage-index.js';
import { RiskRescorer } from '../risk/risk-rescorer.js';
import { observedWriter } from './observed-writer.js';

export interface Registry {
  readonly store: Store;
  readonly writer: Writer<WriteCommands>;
  readonly blobs: FsBlobStore;
  readonly catalog: CatalogService;
  readonly tokens: TokenService;
  readonly authorizer: Authorizer;
  readonly signer: LedgerSigner;
  /** Signs a checkpoint as the ledger grows (and a last one on close). */
  readonly checkpointer: Checkpointer;
  /** Buffers audited reads and anchors them in the ledger in batches (and what is left on close). */
  readonly access: AccessRecorder;
  /** Set on the first start: the admin token, to be shown once. */
  readonly bootstrap: { token: string; generated: boolean; expiresAt: string } | undefined;
  /** The lineage graph in memory, caught up with the ledger before each query. */
  readonly lineage: LineageIndex;
  /** The alert outbox's feed (for the event stream) and webhook dispatcher. */
  readonly alerts: AlertHub;
  /** Rescores the models each commit can affect. */
  readonly rescorer: RiskRescorer;
  close(): Promise<void>;
}

/** Opens (creating on first use) the data directory, database and blob store. */
export async function openRegistry(config: RegistryConfig): Promise<Registry> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const location = config.db ?? join(config.dataDir, 'modelkeep.db');
  const store = await openStore({ location, schema: config.dbSchema });
  // Each commit pokes the alert outbox reader and the rescorer; both are set once the registry is open.
  let afterCommit = (): void => {};
  const writer = observedWriter(createWriter(store, location, config), () => afterCommit());
  let checkpointer: Checkpointer | undefined;
  let alerts: AlertHub | undefined;
  let rescorer: RiskRescorer | undefined;
  let tokens: TokenService | undefined;
  const access = new AccessRecorder({ writer, flushMs: config.accessFlushMs });
  const close = async () => {
    afterCommit = () => {};
    await rescorer?.stop();
    await alerts?.stop();
    await tokens?.close();
    // The last reads are anchored through the writer, before the last checkpoint is signed.
    await access.close();
    // Its last checkpoint goes through the writer, so it stops first.
    await checkpointer?.close();
    await writer.close();
    await store.close();
  };
  try {
    const blobs = new FsBlobStore(join(config.dataDir, 'blobs'));
    await blobs.init();
    const signer = await loadLedgerSigner(config.dataDir, config.ledgerKey, config.logOrigin);
    tokens = new TokenService(store, writer, config.clock);
    const authorizer = new Authorizer(undefined, storedPolicies(store.db));
    await authorizer.refresh(true);
    const bootstrap = await tokens.bootstrap(config.adminToken);
    const intervalMs = config.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS;
    checkpointer = new Checkpointer({ db: store.db, writer, signer, intervalMs }).start();
    const lineage = new LineageIndex(store.db);
    alerts = new AlertHub(store.db, signer, config.alerts);
    await alerts.start();
    rescorer = new RiskRescorer(store.db, writer, lineage, { clock: config.clock ?? (() => new Date()), ...(config.riskScoring?.sweepMs === undefined ? {} : { sweepMs: config.riskScoring.sweepMs }) });
    await rescorer.start();
    const hub = alerts;
    const scorer = rescorer;
    const auto = config.riskScoring?.auto !== false;
    afterCommit = () => {
      hub.poke();
      if (auto) scorer.poke();
    };
    return { store, writer, blobs, catalog: new CatalogService(store, writer, blobs), tokens, authorizer, signer, checkpointer, access, bootstrap, lineage, alerts, rescorer: scorer, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * SQLite writes run on a thread of their own (one writer per database file
 * is SQLite's own rule); PostgreSQL takes them in-process, where its row
 * lock orders writers across servers.
 */
function createWriter(store: Store, location: string, config: RegistryConfig): Writer<WriteCommands> {
  if (store.dialect.name === 'postgres' || config.writerThread === false) return new LedgerWriter(store.dialect, writeCommands);
  return new ThreadWriter<WriteCommands>(writerThreadEntry(), { location });
}

/** The compiled thread entry; under the TypeScript test runner the sources are beside `src/`, the build in `dist/`. */
function writerThreadEntry(): URL {
  const here = new URL(import.meta.url);
  return here.pathname.endsWith('.ts') ? new URL('../../dist/server/writer-thread.js', here) : new URL('./writer-thread.js', here);
}

export interface RunningServer {
  readonly registry: Registry;
  readonly app: App;
  readonly url: string;
  close(): Promise<void>;
}

/** Opens the registry and serves its API until closed. */
export async function startServer(config: RegistryConfig): Promise<RunningServer> {
  const registry = await openRegistry(config);
  try {
    const detector = new AnomalyDetector(config.anomaly);
    await seedDownloadBaselines(registry.store.db, detector, resolveAnomalyOptions(config.anomaly ?? {}), new Date());
    const app = await buildServer({
      store: registry.store,
      blobs: registry.blobs,
      catalog: registry.catalog,
      tokens: registry.tokens,
      writer: registry.writer,
      signer: registry.signer,
      lineage: registry.lineage,
      alerts: registry.alerts,
      rescorer: registry.rescorer,
      authorizer: registry.authorizer,
      authenticator: new Authenticator(registry.tokens, identityProvider(config), config.clock),
      version: packageVersion(),
      logger: config.log ? { level: 'info' } : false,
      maxBlobBytes: config.maxBlobBytes,
      access: registry.access,
      rateLimitPerMinute: config.rateLimitPerMinute,
      clock: config.clock ?? (() => new Date()),
      detector,
      https: config.tls === undefined ? undefined : { cert: await readFile(config.tls.cert), key: await readFile(config.tls.key) },
    });
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    return {
      registry,
      app,
      url: `${config.tls === undefined ? 'http' : 'https'}://${host}:${port}`,
      async close() {
        await app.close();
        await registry.close();
      },
    };
  } catch (error) {
    await registry.close();
    throw error;
  }
}

/** The organisation's identity provider, when one is configured: its JWTs are accepted beside API tokens. */
function identityProvider(config: RegistryConfig): OidcVerifier | undefined {
  return config.oidc === undefined ? undefined : new OidcVerifier(config.oidc);
}
