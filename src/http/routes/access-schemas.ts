import { Type } from '@sinclair/typebox';
import { PRINCIPAL_ID, principalIdOf } from '../../access/principal.js';
import { roles } from '../../access/roles.js';
import { NameSchema } from '../../catalog/schemas.js';

export const RoleSchema = Type.Union(roles.map((r) => Type.Literal(r)));
export const PrincipalId = Type.String({ pattern: PRINCIPAL_ID, maxLength: 210, description: '`user:<id>`, `service:<name>` or `group:<name>`' });
export const UserOrService = Type.String({ pattern: principalIdOf(['user', 'service']), maxLength: 210 });
export const GroupId = Type.String({ pattern: principalIdOf(['group']), maxLength: 210 });
export const Reason = Type.String({ minLength: 3, maxLength: 2000, description: 'Why: kept in the ledger with the change' });
export const NullableNamespace = Type.Union([NameSchema, Type.Null()]);

export const GrantSchema = Type.Object({ role: Type.String(), namespace: Type.Union([Type.String(), Type.Null()]), via: Type.String() });

export const TokenSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  principal: Type.String(),
  roles: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'Scope: the roles it may use of its holder; null: all' }),
  namespaces: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'Scope: the namespaces it may act in; null: all' }),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  revokedAt: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  createdAt: Type.Optional(Type.String()),
  createdBy: Type.Optional(Type.String()),
  lastUsedAt: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});

export const IssuedTokenSchema = Type.Intersect([TokenSchema, Type.Object({ token: Type.String({ description: 'The secret. Shown only in this response.' }) })]);

export const BindingSchema = Type.Object({
  id: Type.String(),
  principal: Type.String(),
  role: Type.String(),
  namespace: Type.Union([Type.String(), Type.Null()]),
  via: Type.String(),
  reason: Type.String(),
  createdAt: Type.String(),
  createdBy: Type.String(),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
});

export const ElevationSchema = Type.Object({
  id: Type.String(),
  requester: Type.String(),
  role: Type.String(),
  namespace: Type.Union([Type.String(), Type.Null()]),
  durationSeconds: Type.Integer(),
  justification: Type.String(),
  status: Type.String(),
  requestedAt: Type.String(),
  decidedBy: Type.Union([Type.String(), Type.Null()]),
  decidedAt: Type.Union([Type.String(), Type.Null()]),
  decisionReason: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
});
