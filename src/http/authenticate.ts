import type { FastifyRequest } from 'fastify';
import type { Authorizer } from '../access/authorizer.js';
import type { TokenService } from '../access/token-service.js';
import { RegistryError } from '../errors/registry-error.js';

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/i;

/** Default deny: a request passes only if its route is public or its token and action check out. */
export async function guardRequest(request: FastifyRequest, tokens: TokenService, authorizer: Authorizer): Promise<void> {
  // No route matched: the not-found answer reveals nothing the public API document does not.
  if (request.is404) return;
  const guard = request.routeOptions.config.guard;
  if (guard === undefined) throw new RegistryError('internal', 'This route declares no access rule');
  if ('public' in guard) return;
  const header = request.headers.authorization;
  if (header === undefined) {
    throw new RegistryError('unauthenticated', 'Send `Authorization: Bearer <token>`; get a token from `modelkeep token create` or the admin token printed at first start');
  }
  const match = BEARER.exec(header);
  if (match === null) throw new RegistryError('unauthenticated', 'The Authorization header must be `Bearer <token>`');
  request.principal = await tokens.authenticate(match[1]!);
  if ('action' in guard) authorizer.authorize(request.principal, guard.action);
}
