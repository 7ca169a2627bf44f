import { Type } from '@sinclair/typebox';
import { NameSchema } from '../../catalog/schemas.js';

/** A string that must be one of `values`. */
export const literalUnion = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const ModelParams = Type.Object({ ns: NameSchema, name: NameSchema });
export const VersionParams = Type.Object({ ns: NameSchema, name: NameSchema, n: Type.Integer({ minimum: 1 }) });
export const Limit = Type.Integer({ minimum: 1, maximum: 500, default: 50 });
export const Cursor = Type.String({ maxLength: 200 });
export const AsOf = Type.String({
  maxLength: 40,
  pattern: '^([0-9]{1,15}|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2}))$',
  description: 'Answer as the registry stood at this point: a ledger sequence number (the state once that entry was applied) or an ISO-8601 time',
});
/** The query of a read that can look into the past. */
export const AsOfQuery = Type.Object({ asOf: Type.Optional(AsOf) }, { additionalProperties: false });

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.String(),
    code: Type.String({ description: 'Stable machine-readable error code' }),
  },
  { additionalProperties: true, $id: 'Problem' },
);

/** The error answer every route may give, for the API document. */
export const problemResponse = {
  description: 'An RFC 9457 problem; `code` is stable',
  content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } },
};
