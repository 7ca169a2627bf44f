import type { FastifyRequest } from 'fastify';
import type { Authenticator } from '../access/authenticator.js';
import type { Authorizer } from '../access/authorizer.js';
import { registryResource } from '../access/resource.js';
import { CredentialRefused } from '../access/token-service.js';
import { RegistryError } from '../errors/registry-error.js';
import type { RouteDeps } from './app-types.js';

const BEARER = /^Bearer ([\x21-\x7e]{1,8192})$/i;

/**
 * Default deny, step one (onRequest, before any body is read): every route
 * but the public ones needs a valid credential. A refusal is kept on the
 * request and answered by `refuseUnauthenticated`, so the rate limiter in
 * between counts it against the caller's address.
 */
export async function authenticateRequest(request: FastifyRequest, authenticator: Authenticator): Promise<void> {
  try {
    await authenticate(request, authenticator);
  } catch (error) {
    request.authFailure = error;
  }
}

export async function refuseUnauthenticated(request: FastifyRequest): Promise<void> {
  if (request.authFailure !== undefined) throw request.authFailure;
}

async function authenticate(request: FastifyRequest, authenticator: Authenticator): Promise<void> {
  // No route matched: the not-found answer reveals nothing the public API document does not.
  if (request.is404) return;
  const guard = request.routeOptions.config.guard;
  if (guard === undefined) throw new RegistryError('internal', 'This route declares no access rule');
  if ('public' in guard) return;
  const header = request.headers.authorization;
  if (header === undefined) {
    throw new RegistryError('unauthenticated', 'Send `Authorization: Bearer <token>`; get a token from `modelkeep token create`, the admin token printed at first start, or your identity provider');
  }
  const match = BEARER.exec(header);
  if (match === null) throw new RegistryError('unauthenticated', 'The Authorization header must be `Bearer <token>`');
  try {
    request.principal = await authenticator.authenticate(match[1]!);
  } catch (error) {
    if (error instanceof CredentialRefused) request.refusal = { holder: error.holder, revokedToken: error.revoked };
    throw error;
  }
}

/**
 * Step two (preHandler, once the input is validated): the authorizer decides
 * the route's action on the route's resource. Every guarded route gets here.
 */
export async function authorizeRequest(request: FastifyRequest, authorizer: Authorizer, deps: RouteDeps): Promise<void> {
  if (request.is404) return;
  const guard = request.routeOptions.config.guard;
  if (guard === undefined || 'public' in guard) return;
  await authorizer.refresh();
  const resource = guard.resource === undefined ? registryResource : await guard.resource(request, deps);
  request.guarded = resource;
  try {
    authorizer.authorize(request.principal, guard.actionFor?.(request, resource) ?? guard.action, resource);
  } catch (error) {
    if (error instanceof RegistryError && error.code === 'not_found') request.hidden = true;
    throw error;
  }
}
