import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { rolesAnywhere } from '../../access/principal.js';
import { principalRef, type Resource } from '../../access/resource.js';
import { listTokens } from '../../store/queries/find-token.js';
import type { App, ResourceOf, RouteDeps } from '../app-types.js';
import { IssuedTokenSchema, RoleSchema, TokenSchema, UserOrService } from './access-schemas.js';
import { NameSchema } from '../../catalog/schemas.js';

const tags = ['access'];

const IssueTokenSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$' }),
    principal: Type.Optional({ ...UserOrService, description: 'Whose token; defaults to the caller. Issuing for someone else needs token.manage.' }),
    roles: Type.Optional(Type.Array(RoleSchema, { minItems: 1, uniqueItems: true, description: "Scope: use only these of the holder's roles (default: all)" })),
    namespaces: Type.Optional(Type.Array(NameSchema, { minItems: 1, uniqueItems: true, description: 'Scope: act only in these namespaces (default: all)' })),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, description: 'Default 7 for users, 30 for service accounts; at most 90 / 365' })),
  },
  { additionalProperties: false },
);

const TokenId = Type.Object({ id: Type.String({ format: 'uuid' }) });

const tokenResource = (id: string, holder: string): Resource => ({ kind: 'Token', id, namespace: null, attributes: { holder: principalRef(holder) } });

/** A token to be issued: its holder decides whether the caller's own-token rule or token.manage applies. */
const tokenToIssue: ResourceOf = (request) => {
  const body = request.body as { principal?: string };
  return tokenResource('new', body.principal ?? request.principal.id);
};

/** An existing token: looked up for its holder; one that does not exist answers 404 to everyone. */
const existingToken: ResourceOf = async (request, deps) => {
  const { id } = request.params as { id: string };
  const record = await deps.tokens.find(id);
  return tokenResource(id, record.principal);
};

/** A token as the API shows it (its scope as plain arrays). */
const tokenView = <T extends { roles: readonly string[] | null; namespaces: readonly string[] | null }>(t: T) => ({
  ...t,
  roles: t.roles === null ? null : [...t.roles],
  namespaces: t.namespaces === null ? null : [...t.namespaces],
});

export function tokenRoutes(app: App, { tokens, store, authorizer }: RouteDeps): void {
  app.post(
    '/api/v1/tokens',
    { config: { guard: { action: 'token.manage', resource: tokenToIssue } }, schema: { tags, summary: 'Issue an API token (the secret is shown once)', body: IssueTokenSchema, response: { 201: IssuedTokenSchema } } },
    async (request, reply) => {
      const { name, principal, roles, namespaces, expiresInDays } = request.body;
      const issued = await tokens.issue(request.principal, { name, principal: principal ?? request.principal.id, roles: roles ?? null, namespaces: namespaces ?? null, expiresInDays });
      return reply.code(201).send(tokenView(issued));
    },
  );

  app.get(
    '/api/v1/tokens',
    {
      config: { guard: { action: 'self.read' } },
      schema: {
        tags,
        summary: "Tokens with their last use: the caller's own, or anyone's with token.manage",
        querystring: Type.Object({ principal: Type.Optional(UserOrService) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(TokenSchema) }) },
      },
    },
    async (request: FastifyRequest<{ Querystring: { principal?: string } }>) => {
      const whose = request.query.principal ?? (authorizer.decide(request.principal, 'token.manage', { kind: 'Token', id: '*', namespace: null }).allowed ? undefined : request.principal.id);
      if (whose !== undefined) authorizer.authorize(request.principal, 'token.manage', tokenResource('*', whose));
      return { items: (await listTokens(store.db, whose)).map((t) => tokenView(t)) };
    },
  );

  app.post(
    '/api/v1/tokens/:id/rotate',
    {
      config: { guard: { action: 'token.manage', resource: existingToken } },
      schema: {
        tags,
        summary: 'A new secret for the same holder and scope; the old one stops now or after a grace period',
        params: TokenId,
        body: Type.Object(
          {
            expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
            graceSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400, description: 'How long the old secret keeps working (default 0)' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: IssuedTokenSchema },
      },
    },
    async (request, reply) => {
      const issued = await tokens.rotate(request.principal, request.params.id, request.body ?? {});
      return reply.code(201).send(tokenView(issued));
    },
  );

  app.delete(
    '/api/v1/tokens/:id',
    { config: { guard: { action: 'token.manage', resource: existingToken } }, schema: { tags, summary: 'Revoke a token: it stops working at once', params: TokenId } },
    async (request, reply) => {
      await tokens.revoke(request.principal.id, request.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/whoami',
    {
      config: { guard: { action: 'self.read' } },
      schema: {
        tags,
        summary: 'The principal behind the credential, its grants and its scope',
        response: {
          200: Type.Object({
            principal: Type.String(),
            roles: Type.Array(Type.String(), { description: 'Every role held anywhere, within the scope' }),
            grants: Type.Array(Type.Object({ role: Type.String(), namespace: Type.Union([Type.String(), Type.Null()]), via: Type.String() })),
            groups: Type.Array(Type.String()),
            authenticatedBy: Type.String(),
            scope: Type.Object({ roles: Type.Union([Type.Array(Type.String()), Type.Null()]), namespaces: Type.Union([Type.Array(Type.String()), Type.Null()]) }),
          }),
        },
      },
    },
    async (request) => {
      const p = request.principal;
      return {
        principal: p.id,
        roles: [...rolesAnywhere(p)].sort(),
        grants: p.grants.map((g) => ({ ...g })),
        groups: [...p.groups],
        authenticatedBy: p.authenticatedBy,
        scope: { roles: p.scope.roles === null ? null : [...p.scope.roles], namespaces: p.scope.namespaces === null ? null : [...p.scope.namespaces] },
      };
    },
  );
}
