import { type TObject, Type } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { checkSpdxExpression } from '../catalog/validate-metadata.js';
import { DigestSchema } from '../catalog/schemas.js';
import { RegistryError } from '../errors/registry-error.js';
import { type AttestationType, attestationTypes, verdicts } from './gate-types.js';

/*
 * Attestations are typed statements: each type has its own shape of
 * `details`, checked here so an evaluation without slices or a license
 * review without licenses never reaches the ledger.
 */

const closed = { additionalProperties: false } as const;
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Metrics = Type.Record(Type.String({ pattern: '^[A-Za-z0-9._/:-]{1,100}$' }), Type.Number(), { maxProperties: 200 });
const Finding = Type.Object(
  {
    severity: Type.Union(['low', 'medium', 'high', 'critical'].map((s) => Type.Literal(s))),
    description: Text(2000),
    mitigated: Type.Optional(Type.Boolean()),
  },
  closed,
);
const Findings = Type.Array(Finding, { maxItems: 500 });

export const attestationDetails: Readonly<Record<AttestationType, TObject>> = {
  bias_assessment: Type.Object(
    {
      protectedAttributes: Type.Array(Text(100), { minItems: 1, maxItems: 50, uniqueItems: true }),
      method: Type.Optional(Text(500)),
      metrics: Type.Optional(Metrics),
      findings: Type.Optional(Findings),
    },
    closed,
  ),
  safety_review: Type.Object({ scope: Text(2000), findings: Type.Optional(Findings) }, closed),
  license_review: Type.Object(
    {
      licenses: Type.Array(Text(500), { minItems: 1, maxItems: 100, description: 'SPDX expressions of the model and what it includes' }),
      obligations: Type.Optional(Type.Array(Text(1000), { maxItems: 100 })),
      conclusion: Type.Optional(Text(2000)),
    },
    closed,
  ),
  evaluation: Type.Object(
    {
      dataset: Type.Optional(Type.String({ pattern: '^mk:dataset:[a-z0-9][a-z0-9._-]{0,62}/[a-z0-9][a-z0-9._-]{0,62}(@[A-Za-z0-9._:-]{1,100})?$' })),
      slices: Type.Array(
        Type.Object(
          {
            name: Text(200),
            metrics: Metrics,
            edgeCase: Type.Optional(Type.Boolean({ description: 'A rare or hard slice (a minority group, an out-of-range input)' })),
            size: Type.Optional(Type.Integer({ minimum: 0 })),
          },
          closed,
        ),
        { minItems: 1, maxItems: 500 },
      ),
    },
    closed,
  ),
  red_team: Type.Object({ scope: Text(2000), method: Type.Optional(Text(500)), findings: Findings }, closed),
};

export const RecordAttestationSchema = Type.Object(
  {
    type: Type.Union(attestationTypes.map((t) => Type.Literal(t))),
    verdict: Type.Union(verdicts.map((v) => Type.Literal(v))),
    summary: Text(2000),
    details: Type.Record(Type.String({ maxLength: 100 }), Type.Unknown(), { description: 'Shaped by the type: see the attestation types in the README' }),
    evidence: Type.Optional(
      Type.Object(
        {
          blobs: Type.Optional(Type.Array(DigestSchema, { maxItems: 100, uniqueItems: true })),
          links: Type.Optional(Type.Array(Type.String({ format: 'uri', maxLength: 2000, description: 'A label; never fetched' }), { maxItems: 100 })),
        },
        closed,
      ),
    ),
  },
  closed,
);

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map(attestationTypes.map((type) => [type, ajv.compile(attestationDetails[type])]));

/** Throws `invalid_request` listing every way `details` does not fit its type. */
export function checkAttestationDetails(type: AttestationType, details: unknown): void {
  const validate = validators.get(type)!;
  if (!validate(details)) {
    const violations = (validate.errors ?? []).map((e) => `details${e.instancePath} ${e.message ?? 'is invalid'}${e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : ''}`);
    throw new RegistryError('invalid_request', `A ${type} attestation's details do not fit its type: ${violations.join('; ')}`, { extensions: { violations } });
  }
  if (type === 'license_review') for (const license of (details as { licenses: string[] }).licenses) checkSpdxExpression(license);
}
