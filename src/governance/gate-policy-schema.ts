import { type Static, Type } from '@sinclair/typebox';
import { roles } from '../access/roles.js';
import { attestationTypes, gateTiers, promotionTargets, verdicts } from './gate-types.js';

/*
 * The gate policy's shape, written once: checkGatePolicy validates with it and
 * the routes put it in the OpenAPI document. What JSON Schema cannot say (a
 * rule that requires nothing, a CEL expression that does not compile) is
 * checked in parse-gate-policy.ts.
 */

const closed = { additionalProperties: false } as const;
const oneOf = <const T extends readonly string[]>(values: T) => Type.Union(values.map((v) => Type.Literal(v as T[number])));

export const RequiredAttestationSchema = Type.Object(
  {
    type: oneOf(attestationTypes),
    verdicts: Type.Optional(
      Type.Array(oneOf(verdicts), { minItems: 1, uniqueItems: true, description: 'Verdicts that satisfy it; ["pass"] when absent.' }),
    ),
    maxAgeDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650, description: 'The current attestation must be at most this many days old.' })),
  },
  closed,
);

export const GateConditionSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Shown in the report; the expression when absent.' })),
    expr: Type.String({ minLength: 1, maxLength: 2000, description: 'A CEL expression over `version` and `model` that must be true.' }),
    message: Type.Optional(Type.String({ maxLength: 500, description: 'Said in the report when the condition is false.' })),
  },
  closed,
);

export const ApprovalRequirementSchema = Type.Object(
  {
    count: Type.Integer({ minimum: 0, maximum: 10 }),
    role: Type.Optional(oneOf(roles)),
  },
  { ...closed, description: 'Approvals needed from holders of `role` (default `approver`) in the namespace.' },
);

export const GateRuleSchema = Type.Object(
  {
    to: oneOf(promotionTargets),
    tiers: Type.Optional(Type.Array(oneOf(gateTiers), { minItems: 1, uniqueItems: true, description: 'Every tier when absent.' })),
    attestations: Type.Optional(Type.Array(RequiredAttestationSchema, { maxItems: attestationTypes.length })),
    conditions: Type.Optional(Type.Array(GateConditionSchema, { maxItems: 50 })),
    approvals: Type.Optional(ApprovalRequirementSchema),
  },
  { ...closed, description: 'What a promotion that reaches or passes `to` needs.' },
);

export const GatePolicySchema = Type.Object(
  {
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    rules: Type.Array(GateRuleSchema, { minItems: 1, maxItems: 100 }),
  },
  { ...closed, description: 'What promotions in a namespace (or everywhere) must satisfy.' },
);
export type GatePolicyDocument = Static<typeof GatePolicySchema>;
