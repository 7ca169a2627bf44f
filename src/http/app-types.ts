import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Action } from '../access/actions.js';
import type { Authorizer } from '../access/authorizer.js';
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
  readonly writer: Writer<WriteCommands>;
  readonly signer: LedgerSigner;
  readonly authorizer: Authorizer;
  readonly limits: { readonly maxBlobBytes: number };
}

/**
 * Every route says how it is guarded: `public` (health, the API document),
 * `authenticated` (any valid token), or the action the authorizer rules on.
 */
export type RouteGuard = { readonly public: true } | { readonly authenticated: true } | { readonly action: Action };

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyContextConfig {
    guard?: RouteGuard;
  }
}
