import { Type } from '@sinclair/typebox';
import { roles } from '../../access/principal.js';
import type { App, RouteDeps } from '../app-types.js';

const tags = ['access'];
const RoleSchema = Type.Union(roles.map((r) => Type.Literal(r)));

const IssueTokenSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$' }),
    principal: Type.Optional(Type.String({ pattern: '^(user|service):[A-Za-z0-9._@-]{1,200}$', description: 'Defaults to service:<name>' })),
    roles: Type.Optional(Type.Array(RoleSchema, { minItems: 1, uniqueItems: true, description: 'Defaults to [contributor]' })),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  { additionalProperties: false },
);

const IssuedTokenSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  principal: Type.String(),
  roles: Type.Array(Type.String()),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  token: Type.String({ description: 'The secret. Shown only in this response.' }),
});

export function tokenRoutes(app: App, { tokens }: RouteDeps): void {
  app.post(
    '/api/v1/tokens',
    { config: { guard: { action: 'token.manage' } }, schema: { tags, summary: 'Issue an API token (the secret is shown once)', body: IssueTokenSchema, response: { 201: IssuedTokenSchema } } },
    async (request, reply) => {
      const { name, principal, roles: granted, expiresInDays } = request.body;
      const expiresAt = expiresInDays === undefined ? null : new Date(Date.now() + expiresInDays * 86_400_000).toISOString();
      const issued = await tokens.issue(request.principal.id, { name, principal: principal ?? `service:${name}`, roles: granted ?? ['contributor'], expiresAt });
      return reply.code(201).send({ ...issued!, roles: [...issued!.roles] });
    },
  );

  app.delete(
    '/api/v1/tokens/:id',
    { config: { guard: { action: 'token.manage' } }, schema: { tags, summary: 'Revoke a token', params: Type.Object({ id: Type.String({ format: 'uuid' }) }) } },
    async (request, reply) => {
      await tokens.revoke(request.principal.id, request.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/whoami',
    { config: { guard: { authenticated: true } }, schema: { tags, summary: 'The principal behind the token', response: { 200: Type.Object({ principal: Type.String(), roles: Type.Array(Type.String()) }) } } },
    async (request) => ({ principal: request.principal.id, roles: [...request.principal.roles] }),
  );
}
