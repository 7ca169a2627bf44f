import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { actionDescriptions, actions } from '../../access/actions.js';
import { principalRef, type Resource } from '../../access/resource.js';
import { roleDefinitions, type Role } from '../../access/roles.js';
import { reviewAccess } from '../../store/queries/access-review.js';
import { listBindings, listElevations, findElevation, findBinding } from '../../store/queries/find-access.js';
import { listSecurityEvents } from '../../store/queries/security-events.js';
import { RegistryError } from '../../errors/registry-error.js';
import type { App, ResourceOf, RouteDeps } from '../app-types.js';
import { BindingSchema, ElevationSchema, GroupId, NullableNamespace, PrincipalId, Reason, RoleSchema, UserOrService } from './access-schemas.js';
import { NameSchema } from '../../catalog/schemas.js';
import { Limit } from './common-schemas.js';

const tags = ['access'];
const MAX_ELEVATION_SECONDS = 7 * 86_400;

const bindingResource = (id: string, grantee: string, namespace: string | null): Resource => ({ kind: 'Binding', id, namespace, attributes: { grantee: principalRef(grantee) } });

const bindingToGrant: ResourceOf = (request) => {
  const body = request.body as { principal: string; namespace?: string | null };
  return bindingResource('new', body.principal, body.namespace ?? null);
};

const existingBinding: ResourceOf = async (request, deps) => {
  const { id } = request.params as { id: string };
  const binding = await findBinding(deps.store.db, id);
  if (binding === undefined) throw new RegistryError('not_found', `Binding ${id} does not exist`);
  return bindingResource(id, binding.principal, binding.namespace);
};

/** Joining a group takes on its grants: deciding it is granting them, to the member. */
const membership: ResourceOf = (request) => {
  const { group, member } = request.params as { group: string; member: string };
  return { kind: 'Group', id: group, namespace: null, attributes: { grantee: principalRef(member) } };
};

const elevationResource: ResourceOf = async (request, deps) => {
  const { id } = request.params as { id: string };
  const elevation = await findElevation(deps.store.db, id);
  if (elevation === undefined) throw new RegistryError('not_found', `Elevation request ${id} does not exist`);
  return { kind: 'Elevation', id, namespace: elevation.namespace, attributes: { requester: principalRef(elevation.requester), role: elevation.role } };
};

const policyResource: ResourceOf = (request) => ({ kind: 'Policy', id: String((request.params as { id?: string }).id ?? '*'), namespace: null });

export function accessRoutes(app: App, deps: RouteDeps): void {
  const { writer, store, authorizer, clock } = deps;

  app.get(
    '/api/v1/roles',
    { config: { guard: { action: 'self.read' } }, schema: { tags, summary: 'The roles and what each allows (the permission matrix)' } },
    async () => ({
      roles: roleDefinitions.map(({ role, description, actions: allowed }) => ({ role, description, actions: allowed === 'all' ? [...actions] : [...allowed] })),
      actions: actions.map((action) => ({ action, description: actionDescriptions[action] })),
    }),
  );

  app.post(
    '/api/v1/bindings',
    {
      config: { guard: { action: 'grant.manage', resource: bindingToGrant } },
      schema: {
        tags,
        summary: 'Grant a role to a user, service account or group, globally or in one namespace',
        body: Type.Object(
          {
            principal: PrincipalId,
            role: RoleSchema,
            namespace: Type.Optional(NullableNamespace),
            expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
            reason: Reason,
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ id: Type.String() }) },
      },
    },
    async (request, reply) => {
      const { principal, role, namespace, expiresAt, reason } = request.body;
      if (expiresAt !== undefined && Date.parse(expiresAt) <= clock().getTime()) throw new RegistryError('invalid_request', `expiresAt ${expiresAt} is in the past`);
      const id = randomUUID();
      const expiry = expiresAt === undefined ? null : new Date(expiresAt).toISOString();
      await writer.write({ actor: request.principal.id, reason }, 'grantRole', { id, principal, role, namespace: namespace ?? null, expiresAt: expiry, via: 'binding' });
      return reply.code(201).header('location', `/api/v1/bindings/${id}`).send({ id });
    },
  );

  app.get(
    '/api/v1/bindings',
    {
      config: { guard: { action: 'self.read' } },
      schema: {
        tags,
        summary: "Role bindings, by principal or namespace: all of them with access.review, or one namespace's to whoever may grant there",
        querystring: Type.Object({ principal: Type.Optional(PrincipalId), namespace: Type.Optional(NameSchema) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(BindingSchema) }) },
      },
    },
    async (request) => {
      const { namespace } = request.query;
      const reviewer = authorizer.decide(request.principal, 'access.review').allowed;
      if (!reviewer) {
        if (namespace === undefined) authorizer.authorize(request.principal, 'access.review');
        else authorizer.authorize(request.principal, 'grant.manage', { kind: 'Binding', id: '*', namespace });
      }
      return { items: await listBindings(store.db, request.query) };
    },
  );

  app.delete(
    '/api/v1/bindings/:id',
    {
      config: { guard: { action: 'grant.manage', resource: existingBinding } },
      schema: { tags, summary: 'Revoke a role binding: it stops counting at once', params: Type.Object({ id: Type.String({ maxLength: 200 }) }), querystring: Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false }) },
    },
    async (request, reply) => {
      await writer.write({ actor: request.principal.id, reason: request.query.reason }, 'revokeBinding', { id: request.params.id });
      return reply.code(204).send();
    },
  );

  const MemberParams = Type.Object({ group: GroupId, member: UserOrService });
  app.put(
    '/api/v1/groups/:group/members/:member',
    { config: { guard: { action: 'grant.manage', resource: membership } }, schema: { tags, summary: "Add a member to a group (it takes on the group's grants)", params: MemberParams } },
    async (request, reply) => {
      await writer.write({ actor: request.principal.id }, 'addGroupMember', { group: request.params.group, member: request.params.member });
      return reply.code(204).send();
    },
  );
  app.delete(
    '/api/v1/groups/:group/members/:member',
    { config: { guard: { action: 'grant.manage', resource: membership } }, schema: { tags, summary: 'Remove a member from a group', params: MemberParams } },
    async (request, reply) => {
      await writer.write({ actor: request.principal.id }, 'removeGroupMember', { group: request.params.group, member: request.params.member });
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/policies',
    { config: { guard: { action: 'policy.manage', resource: policyResource } }, schema: { tags, summary: 'The authorization policies admins added (Cedar), beside the built-in ones' } },
    async () => ({
      items: (await store.db.selectFrom('access_policies').selectAll().orderBy('id').execute()).map((row) => ({
        id: row.id.replace(/^custom:/, ''),
        text: row.text,
        description: row.description,
        updatedAt: row.updated_at,
        updatedBy: row.updated_by,
        updatedSeq: Number(row.updated_seq),
      })),
    }),
  );
  app.put(
    '/api/v1/policies/:id',
    {
      config: { guard: { action: 'policy.manage', resource: policyResource } },
      schema: {
        tags,
        summary: 'Add or replace a Cedar policy (one policy per id); refused with the parse error when it does not parse',
        params: Type.Object({ id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }) }),
        body: Type.Object({ text: Type.String({ minLength: 10, maxLength: 20_000 }), description: Type.String({ maxLength: 2000 }), reason: Reason }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const { text, description, reason } = request.body;
      await writer.write({ actor: request.principal.id, reason }, 'setPolicy', { id: `custom:${request.params.id}`, text, description });
      await authorizer.refresh(true);
      return reply.code(204).send();
    },
  );
  app.delete(
    '/api/v1/policies/:id',
    {
      config: { guard: { action: 'policy.manage', resource: policyResource } },
      schema: { tags, summary: 'Remove an added policy', params: Type.Object({ id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }) }), querystring: Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false }) },
    },
    async (request, reply) => {
      await writer.write({ actor: request.principal.id, reason: request.query.reason }, 'removePolicy', { id: `custom:${request.params.id}` });
      await authorizer.refresh(true);
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/v1/elevations',
    {
      config: { guard: { action: 'elevation.request' } },
      schema: {
        tags,
        summary: 'Ask for a role for a bounded time; a security admin other than you approves',
        body: Type.Object(
          {
            role: RoleSchema,
            namespace: Type.Optional(NullableNamespace),
            durationMinutes: Type.Integer({ minimum: 1, maximum: MAX_ELEVATION_SECONDS / 60 }),
            justification: Reason,
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ id: Type.String() }) },
      },
    },
    async (request, reply) => {
      const { role, namespace, durationMinutes, justification } = request.body;
      if (request.principal.authenticatedBy === 'token' && request.principal.scope.roles !== null) {
        throw new RegistryError('forbidden', 'A scoped token cannot ask for more; ask with an unscoped credential', { extensions: { permission: 'elevation.request' } });
      }
      const id = randomUUID();
      await writer.write({ actor: request.principal.id, reason: justification }, 'requestElevation', { id, role: role as Role, namespace: namespace ?? null, durationSeconds: durationMinutes * 60, justification });
      return reply.code(201).header('location', `/api/v1/elevations/${id}`).send({ id });
    },
  );

  app.get(
    '/api/v1/elevations',
    {
      config: { guard: { action: 'self.read' } },
      schema: {
        tags,
        summary: "Elevation requests: your own, or everyone's when you may approve them",
        querystring: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('denied')])), limit: Limit }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(ElevationSchema) }) },
      },
    },
    async (request) => {
      const approver = authorizer.readableNamespaces(request.principal, 'elevation.approve');
      const requester = approver === 'all' ? undefined : request.principal.id;
      return { items: await listElevations(store.db, { ...request.query, requester, orNamespaces: approver === 'all' ? undefined : approver }) };
    },
  );

  const Decision = Type.Object({ reason: Reason }, { additionalProperties: false });
  app.post(
    '/api/v1/elevations/:id/approve',
    { config: { guard: { action: 'elevation.approve', resource: elevationResource } }, schema: { tags, summary: 'Approve: the role is granted from now for the time asked, then lapses', params: Type.Object({ id: Type.String({ format: 'uuid' }) }), body: Decision } },
    async (request) => {
      const bindingId = randomUUID();
      await writer.write({ actor: request.principal.id, reason: request.body.reason }, 'approveElevation', { id: request.params.id, bindingId, approvedAt: clock().getTime() });
      return findElevation(store.db, request.params.id);
    },
  );
  app.post(
    '/api/v1/elevations/:id/deny',
    { config: { guard: { action: 'elevation.approve', resource: elevationResource } }, schema: { tags, summary: 'Deny, with a reason', params: Type.Object({ id: Type.String({ format: 'uuid' }) }), body: Decision } },
    async (request) => {
      await writer.write({ actor: request.principal.id, reason: request.body.reason }, 'denyElevation', { id: request.params.id });
      return findElevation(store.db, request.params.id);
    },
  );

  app.get(
    '/api/v1/access/review',
    {
      config: { guard: { action: 'access.review' } },
      schema: {
        tags,
        summary: 'Who holds what, through which binding or group, last use; flags unused grants and stale tokens',
        querystring: Type.Object({ unusedDays: Type.Integer({ minimum: 1, maximum: 3650, default: 90 }) }, { additionalProperties: false }),
      },
    },
    async (request) => reviewAccess(store.db, { unusedDays: request.query.unusedDays, now: clock() }),
  );

  app.get(
    '/api/v1/security/events',
    {
      config: { guard: { action: 'security.read' } },
      schema: {
        tags,
        summary: 'Unusual access detected: download spikes, repeated refusals, revoked tokens used',
        querystring: Type.Object({ principal: Type.Optional(PrincipalId), kind: Type.Optional(Type.String({ maxLength: 64 })), limit: Limit }, { additionalProperties: false }),
      },
    },
    async (request) => ({ items: await listSecurityEvents(store.db, request.query) }),
  );
}
