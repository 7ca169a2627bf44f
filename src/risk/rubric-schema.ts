import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { riskTiers } from './risk-tiers.js';

/*
 * The rubric as an administrator writes it, written once: checkRubric
 * validates with it and routes can put it in the OpenAPI document. Optional
 * fields take the defaults in resolve-rubric.ts. What JSON Schema cannot say
 * (thresholds in order, some weight above 0, actions that do not relax as the
 * tier rises) is checked in rubric-violations.ts.
 */

const closed = { additionalProperties: false } as const;
const oneOf = <const T extends readonly string[]>(values: T) => Type.Union(values.map((v) => Type.Literal(v as T[number])));
const severities = ['low', 'medium', 'high', 'critical'] as const;

const Weight = Type.Number({ minimum: 0, maximum: 1000, description: 'Relative weight; the score divides by the sum of all weights.' });
const Fraction = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });
const WhenMissing = Type.Optional(Fraction('The value (0 to 1) this signal takes when its facts are unknown.'));
const PerAdditional = Type.Optional(Fraction('What each finding beyond the worst adds to the value.'));

// A resolved rubric writes "none" as null; accepting it lets checkRubric read its own output back.
const OrNull = <S extends TSchema>(schema: S, options: { description?: string } = {}) =>
  Type.Unsafe<Static<S> | null>({ ...schema, ...options, type: [schema['type'] as string, 'null'] });

const signal = <P extends Record<string, TSchema>>(properties: P, description: string) =>
  Type.Optional(Type.Object({ weight: Weight, ...properties }, { ...closed, description }));

export const RubricSignalsSchema = Type.Object(
  {
    dataSensitivity: signal({ whenMissing: WhenMissing }, 'Highest sensitivity of the training data or the declared profile; PII counts as high.'),
    customerExposure: signal({ whenMissing: WhenMissing }, 'Customer exposure declared in the risk profile.'),
    regulatoryImpact: signal({ whenMissing: WhenMissing }, 'Regulatory impact declared in the risk profile.'),
    edgeCasePerformance: signal(
      {
        whenMissing: WhenMissing,
        metric: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        higherIsBetter: Type.Optional(Type.Boolean()),
        limit: Type.Optional(OrNull(Type.Number(), { description: 'Worst acceptable value on an edge slice; null for no limit.' })),
        gap: Type.Optional(OrNull(Type.Number({ minimum: 0 }), { description: 'How far an edge slice may trail the mean of the other slices; null for no comparison.' })),
      },
      'Edge-case slices of the latest evaluation: under the limit or trailing the other slices by more than the gap.',
    ),
    biasFindings: signal({ whenMissing: WhenMissing }, 'The bias assessment verdict and its unmitigated findings.'),
    vulnerabilities: signal(
      {
        perAdditional: PerAdditional,
        unknownSeverityAs: Type.Optional(oneOf(severities)),
        deprecatedLibraryAs: Type.Optional(oneOf([...severities, 'ignored'] as const)),
      },
      'Open vulnerabilities in dependencies, worst severity first, and deprecated libraries.',
    ),
    licenseConflicts: signal(
      { warningValue: Type.Optional(Fraction('The value of a license warning; a conflict counts 1.')) },
      'License conflicts between the model and its training data.',
    ),
    staleValidation: signal(
      { whenMissing: WhenMissing, maxAgeDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })) },
      'Time since the last passing evaluation or promotion to validation or production.',
    ),
    openIncidents: signal({ perAdditional: PerAdditional }, 'Open incidents and drift alerts, worst severity first.'),
  },
  { ...closed, description: 'The signals scored and their weights; a signal left out is not scored.' },
);

const Threshold = Type.Number({ minimum: 0, maximum: 100 });
const tierKeyed = <S extends TSchema>(schema: S) => ({ low: schema, medium: schema, high: schema, critical: schema }) satisfies Record<(typeof riskTiers)[number], S>;

export const TierActionsSchema = Type.Object(
  {
    extraApprovals: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
    restrictArtifacts: Type.Optional(Type.Boolean()),
    retrainingRequired: Type.Optional(Type.Boolean()),
  },
  { ...closed, description: 'What a tier makes the registry do; an action left out is off.' },
);

export const RubricSchema = Type.Object(
  {
    description: Type.Optional(OrNull(Type.String({ maxLength: 2000 }))),
    signals: RubricSignalsSchema,
    tiers: Type.Object(
      { medium: Threshold, high: Threshold, critical: Threshold },
      { ...closed, description: 'The lowest score (inclusive) of each tier; below medium is low.' },
    ),
    actions: Type.Optional(
      Type.Object(tierKeyed(Type.Optional(TierActionsSchema)), {
        ...closed,
        description: "Each tier's actions, exactly as written: no tier inherits another's.",
      }),
    ),
    alerts: Type.Optional(
      OrNull(Type.Object({ tierAtLeast: oneOf(riskTiers) }, closed), {
        description: "Alert when a model's tier rises to this tier or above; null or left out for no alerts.",
      }),
    ),
  },
  { ...closed, description: 'How a model is scored for risk, and what each tier makes the registry do.' },
);
export type RubricDocument = Static<typeof RubricSchema>;
