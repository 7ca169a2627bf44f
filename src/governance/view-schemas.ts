import { Type } from '@sinclair/typebox';

/*
 * The governance answers, for the OpenAPI document and for fast
 * serialisation. They mirror views.ts field by field; a field missing here
 * would be dropped from the answer, so the route tests read every field.
 */

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const Text = Type.String();

export const GateCheckSchema = Type.Object({
  kind: Type.String({ description: 'state | attestation | condition' }),
  name: Text,
  stage: Nullable(Type.String()),
  passed: Type.Boolean(),
  why: Type.String({ description: 'Why it passed or failed' }),
});

export const GateReportSchema = Type.Object({
  version: Text,
  from: Text,
  to: Text,
  tier: Text,
  policy: Type.Object({ scope: Type.String({ description: 'namespace | global | builtin' }), seq: Type.Union([Type.Integer(), Type.Null()]) }),
  evaluatedAt: Text,
  checks: Type.Array(GateCheckSchema),
  passed: Type.Boolean({ description: 'Every automatic check passed' }),
  approvals: Type.Array(Type.Object({ role: Text, count: Type.Integer() }), { description: 'Human approvals needed on top, per role' }),
});

export const AttestationSchema = Type.Object({
  id: Text,
  urn: Text,
  version: Text,
  type: Text,
  verdict: Text,
  summary: Text,
  details: Type.Record(Type.String(), Type.Unknown()),
  evidence: Type.Object({ blobs: Type.Optional(Type.Array(Text)), links: Type.Optional(Type.Array(Text)) }),
  createdAt: Text,
  createdBy: Text,
  seq: Type.Integer({ description: 'The ledger entry that recorded it: ask for its inclusion proof' }),
  supersededBy: Nullable(Type.String()),
});

const ApprovalSchema = Type.Object({ by: Text, at: Text, rationale: Text, roles: Type.Array(Text), seq: Type.Integer() });

export const PromotionSchema = Type.Object({
  id: Text,
  urn: Text,
  version: Text,
  versionUrn: Text,
  from: Text,
  to: Text,
  tier: Text,
  status: Type.String({ description: 'pending | promoted | refused | rejected | withdrawn | cancelled' }),
  rationale: Text,
  requestedAt: Text,
  requestedBy: Text,
  seq: Type.Integer(),
  decidedAt: Nullable(Type.String()),
  decidedBy: Nullable(Type.String()),
  decisionReason: Nullable(Type.String()),
  report: GateReportSchema,
  approvals: Type.Array(ApprovalSchema),
  stillNeeded: Type.Optional(Type.Array(Type.Object({ role: Text, count: Type.Integer() }))),
});

export const EnvironmentSchema = Type.Object({ name: Text, requiredStage: Text, description: Text, createdAt: Text, createdBy: Text });

export const DeploymentSchema = Type.Object({
  id: Type.String({ description: 'The registry identifier a deployment system tags its release with' }),
  urn: Text,
  environment: Text,
  version: Text,
  artifactDigest: Text,
  kind: Type.String({ description: 'deploy | rollback | quarantine-rollback' }),
  previous: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  at: Text,
  by: Text,
  seq: Type.Integer(),
  health: Type.String({ description: 'unknown | healthy | failed | removed | mismatch, as last reported' }),
  reportedAt: Nullable(Type.String()),
  externalId: Nullable(Type.String()),
});

export const RollbackSchema = Type.Object({ environment: Text, model: Text, from: Text, to: Nullable(Type.String()), deployment: Type.Union([DeploymentSchema, Type.Null()]) });

export const QuarantineSchema = Type.Object({ version: Text, status: Text, reason: Text, rollbacks: Type.Array(RollbackSchema), cancelledPromotions: Type.Array(Text) });

export const ChangeSchema = Type.Object({
  id: Text,
  urn: Text,
  version: Text,
  template: Text,
  changes: Type.Record(Type.String(), Type.Unknown()),
  rationale: Text,
  impact: Text,
  status: Type.String({ description: 'pending | approved | rejected | withdrawn' }),
  requestedAt: Text,
  requestedBy: Text,
  seq: Type.Integer(),
  decidedAt: Nullable(Type.String()),
  decidedBy: Nullable(Type.String()),
  decisionReason: Nullable(Type.String()),
});

export const listOf = <T extends ReturnType<typeof Type.Object>>(item: T) => Type.Object({ items: Type.Array(item) });
export const pageOfItems = <T extends ReturnType<typeof Type.Object>>(item: T) => Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String()) });
