import type { AlertHub } from '../alerts/alert-hub.js';
import type { LineageIndex } from '../lineage/lineage-index.js';
import type { RiskRescorer } from '../risk/risk-rescorer.js';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { Action } from '../access/actions.js';
import type { Authenticator } from '../access/authenticator.js';
import type { Authorizer } from '../access/authorizer.js';
import type { Resource } from '../access/resource.js';
import type { SensitiveFieldCache } from './redact-sensitive.js';
import type { Principal } from '../access/principal.js';
import type { TokenService } from '../access/token-service.js';
import type { BlobStore } from '../artifacts/blob-store.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import type { Store } from '../store/open-store.js';
import type { Writer } from '../store/write-command.js';
import type { WriteCommands } from '../server/write-commands.js';
import type { LedgerSigner } from '../ledger/ledger-signer.js';

export type App = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

/** What route modules are given; they hold no state of their own. */
export interface RouteDeps {
  readonly store: Store;
  readonly blobs: BlobStore;
  readonly catalog: CatalogService;
  readonly tokens: TokenService;
  readonly authenticator: Authenticator;
  readonly writer: Writer<WriteCommands>;
  readonly signer: LedgerSigner;
  readonly authorizer: Authorizer;
  readonly limits: { readonly maxBlobBytes: number };
  /** Which `extra` fields each namespace marks sensitive; cleared when a schema changes. */
  readonly sensitiveFields: SensitiveFieldCache;
  /** Now, for grants and approvals (injectable so tests can watch an elevation lapse). */
  readonly clock: () => Date;
  readonly lineage: LineageIndex;
  readonly alerts: AlertHub;
  readonly rescorer: RiskRescorer;
}

/** Names the resource an action is done to, from the validated request (a lookup when the resource's owner matters). */
export type ResourceOf = (request: FastifyRequest, deps: RouteDeps) => Resource | Promise<Resource>;

/**
 * Every route says how it is guarded: `public` (health, readiness, the
 * ledger's public key: nothing else), or the action the authorizer rules on
 * and the resource it is done to (the registry as a whole when omitted).
 */
export type RouteGuard =
  | { readonly public: true }
  | {
      readonly action: Action;
      readonly resource?: ResourceOf;
      /** When the action depends on the request or the resource (an evaluation vs a review, a quarantined blob): `action` is the usual one. */
      readonly actionFor?: (request: FastifyRequest, resource: Resource) => Action;
    };

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
    /** Set when a credential was refused but named its holder (a revoked or expired token). */
    refusal?: { readonly holder: string | undefined; readonly revokedToken: boolean };
    /** Why the credential was refused, answered once the rate limiter has counted the attempt. */
    authFailure?: unknown;
    /** The authorizer answered 404 so the resource's existence does not leak: a refusal all the same. */
    hidden?: boolean;
    /** The resource the guard decided on, so a handler that needs it again does not look it up twice. */
    guarded?: Resource;
  }
  interface FastifyContextConfig {
    guard?: RouteGuard;
  }
}
