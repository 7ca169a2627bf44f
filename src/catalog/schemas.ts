import { type Static, Type } from '@sinclair/typebox';

/*
 * The catalog's shapes, written once: they validate requests, type the
 * handlers and services, and are the OpenAPI document's components.
 * Every object refuses unknown fields.
 */

const closed = { additionalProperties: false } as const;

export const NameSchema = Type.String({
  pattern: '^[a-z0-9][a-z0-9._-]{0,62}$',
  description: 'Lower-case letters, digits, dot, dash and underscore; starts with a letter or digit; at most 63 characters.',
});

export const TagSchema = Type.String({ pattern: '^[a-z0-9][a-z0-9:._/-]{0,62}$', description: 'A lower-case label.' });
const Tags = Type.Array(TagSchema, { maxItems: 50, uniqueItems: true });

export const OwnerSchema = Type.String({
  pattern: '^((user|group|service):[A-Za-z0-9._@-]{1,200}|[^@\\s]{1,64}@[^@\\s]{1,190}\\.[^@\\s]{1,60})$',
  description: 'An e-mail address, or `user:…`, `group:…`, `service:…`.',
});

export const DigestSchema = Type.String({ pattern: '^sha256:[0-9a-f]{64}$', description: 'sha256:<64 lower-case hex>' });

const Level = Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high')]);
export const RiskProfileSchema = Type.Object(
  {
    sensitivity: Type.Optional(Level),
    regulatoryImpact: Type.Optional(Level),
    customerExposure: Type.Optional(Level),
  },
  closed,
);
export type RiskProfile = Static<typeof RiskProfileSchema>;

export const ExtraSchema = Type.Record(Type.String({ maxLength: 100 }), Type.Unknown(), {
  description: "Fields defined by the namespace's extension schema.",
  maxProperties: 200,
});

const Description = Type.String({ maxLength: 4000 });

export const CreateNamespaceSchema = Type.Object({ name: NameSchema, description: Type.Optional(Description) }, closed);
export type CreateNamespace = Static<typeof CreateNamespaceSchema>;

export const CreateModelSchema = Type.Object(
  {
    namespace: NameSchema,
    name: NameSchema,
    description: Type.Optional(Description),
    owners: Type.Optional(Type.Array(OwnerSchema, { maxItems: 50, uniqueItems: true })),
    domain: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    tags: Type.Optional(Tags),
    riskProfile: Type.Optional(RiskProfileSchema),
    extra: Type.Optional(ExtraSchema),
  },
  closed,
);
export type CreateModel = Static<typeof CreateModelSchema>;

export const UpdateModelSchema = Type.Object(
  {
    description: Type.Optional(Description),
    owners: Type.Optional(Type.Array(OwnerSchema, { maxItems: 50, uniqueItems: true })),
    domain: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()])),
    tags: Type.Optional(Tags),
    riskProfile: Type.Optional(Type.Union([RiskProfileSchema, Type.Null()])),
    extra: Type.Optional(ExtraSchema),
    reason: Type.Optional(Type.String({ maxLength: 1000, description: 'Why; recorded in the ledger.' })),
  },
  { ...closed, minProperties: 1 },
);
export type UpdateModel = Static<typeof UpdateModelSchema>;

export const ManifestEntrySchema = Type.Object(
  {
    path: Type.String({ minLength: 1, maxLength: 1024 }),
    sha256: DigestSchema,
    size: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
  },
  closed,
);
export type ManifestEntryInput = Static<typeof ManifestEntrySchema>;

const ParamValue = Type.Union([Type.String({ maxLength: 4000 }), Type.Number(), Type.Boolean()]);

export const TrainingRunSchema = Type.Object(
  {
    id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    pipeline: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    codeCommit: Type.Optional(
      Type.Object(
        {
          repository: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'A label; never fetched.' })),
          commit: Type.String({ pattern: '^[0-9a-f]{7,64}$' }),
        },
        closed,
      ),
    ),
    params: Type.Optional(Type.Record(Type.String({ maxLength: 200 }), ParamValue, { maxProperties: 500 })),
    startedAt: Type.Optional(Type.String({ format: 'date-time' })),
    endedAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  closed,
);

export const DatasetRefSchema = Type.Object(
  {
    urn: Type.String({
      pattern: '^mk:dataset:[a-z0-9][a-z0-9._-]{0,62}/[a-z0-9][a-z0-9._-]{0,62}(@[A-Za-z0-9._:-]{1,100})?$',
      description: 'mk:dataset:<namespace>/<name>[@<version>]',
    }),
    digest: Type.Optional(DigestSchema),
    role: Type.Optional(
      Type.Union([Type.Literal('train'), Type.Literal('validation'), Type.Literal('test'), Type.Literal('other')]),
    ),
  },
  closed,
);

export const EnvironmentSchema = Type.Object(
  {
    image: Type.Optional(
      Type.String({ pattern: '^[^\\s@]{1,255}@sha256:[0-9a-f]{64}$', description: 'An OCI image reference pinned by digest.' }),
    ),
    libraries: Type.Optional(
      Type.Array(Type.String({ minLength: 5, maxLength: 500, description: 'A package URL (purl).' }), {
        maxItems: 5000,
        uniqueItems: true,
      }),
    ),
    hardware: Type.Optional(
      Type.Object(
        {
          accelerator: Type.Optional(Type.String({ maxLength: 100 })),
          count: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
          cpu: Type.Optional(Type.String({ maxLength: 100 })),
          memoryGiB: Type.Optional(Type.Number({ minimum: 0 })),
        },
        closed,
      ),
    ),
  },
  closed,
);

const MetadataFields = {
  description: Type.Optional(Description),
  format: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,39}$', description: 'e.g. onnx, safetensors, gguf' })),
  framework: Type.Optional(
    Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), version: Type.Optional(Type.String({ maxLength: 100 })) }, closed),
  ),
  trainingRun: Type.Optional(TrainingRunSchema),
  datasets: Type.Optional(Type.Array(DatasetRefSchema, { maxItems: 200 })),
  baseModel: Type.Optional(
    Type.String({
      pattern: '^mk:(version:[a-z0-9][a-z0-9._-]{0,62}/[a-z0-9][a-z0-9._-]{0,62}@[1-9][0-9]{0,8}|model:[a-z0-9][a-z0-9._-]{0,62}/[a-z0-9][a-z0-9._-]{0,62})$',
      description: 'The version (or model) this one was fine-tuned or distilled from: mk:version:<ns>/<model>@<n>',
    }),
  ),
  featureSets: Type.Optional(
    Type.Array(Type.String({ pattern: '^mk:featureset:[a-z0-9][a-z0-9._-]{0,62}/[a-z0-9][a-z0-9._-]{0,62}(@[A-Za-z0-9._:-]{1,100})?$' }), { maxItems: 200, uniqueItems: true }),
  ),
  services: Type.Optional(
    Type.Array(Type.String({ pattern: '^mk:service:[a-z0-9][a-z0-9._/-]{0,126}$', description: 'An external service the model calls at run time' }), { maxItems: 200, uniqueItems: true }),
  ),
  environment: Type.Optional(EnvironmentSchema),
  metrics: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z0-9._/:-]{1,100}$' }), Type.Number(), { maxProperties: 500 })),
  license: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'An SPDX license expression.' })),
  complianceFlags: Type.Optional(Tags),
  tags: Type.Optional(Tags),
  extra: Type.Optional(ExtraSchema),
};

export const VersionMetadataSchema = Type.Object(MetadataFields, closed);
export type VersionMetadata = Static<typeof VersionMetadataSchema>;

export const RegisterVersionSchema = Type.Object(
  { manifest: Type.Array(ManifestEntrySchema, { minItems: 1, maxItems: 10000 }), ...MetadataFields },
  closed,
);
export type RegisterVersion = Static<typeof RegisterVersionSchema>;

export const UpdateVersionSchema = Type.Object(
  {
    manifest: Type.Optional(Type.Array(ManifestEntrySchema, { minItems: 1, maxItems: 10000 })),
    ...MetadataFields,
    reason: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { ...closed, minProperties: 1 },
);
export type UpdateVersion = Static<typeof UpdateVersionSchema>;

export const PublishVersionSchema = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 1000 })) }, closed);

export const ExtensionKindSchema = Type.Union([Type.Literal('model'), Type.Literal('version')]);
export type ExtensionKind = Static<typeof ExtensionKindSchema>;

/* Responses */

export const StageSchema = Type.Union(
  ['concept', 'exploration', 'validation', 'production', 'retired'].map((s) => Type.Literal(s)),
) as unknown as ReturnType<typeof Type.String>;
export const stages = ['concept', 'exploration', 'validation', 'production', 'retired'] as const;
export type Stage = (typeof stages)[number];
export const versionStatuses = ['draft', 'published', 'quarantined', 'retired'] as const;
export type VersionStatus = (typeof versionStatuses)[number];
export const riskTiers = ['low', 'medium', 'high', 'critical'] as const;
export type RiskTier = (typeof riskTiers)[number];

export const NamespaceSchema = Type.Object({
  urn: Type.String(),
  name: Type.String(),
  description: Type.String(),
  createdAt: Type.String(),
  createdBy: Type.String(),
  schemas: Type.Object({ model: Type.Optional(Type.Unknown()), version: Type.Optional(Type.Unknown()) }),
});
export type Namespace = Static<typeof NamespaceSchema>;

export const VersionSummarySchema = Type.Object({
  urn: Type.String(),
  number: Type.Integer(),
  status: Type.String(),
  stage: Type.String(),
  artifactDigest: Type.String(),
  createdAt: Type.String(),
});

export const ModelSchema = Type.Object({
  urn: Type.String(),
  namespace: Type.String(),
  name: Type.String(),
  description: Type.String(),
  owners: Type.Array(Type.String()),
  domain: Type.Union([Type.String(), Type.Null()]),
  tags: Type.Array(Type.String()),
  riskProfile: Type.Union([RiskProfileSchema, Type.Null()]),
  riskTier: Type.Union([Type.String(), Type.Null()]),
  stage: Type.String(),
  extra: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String(),
  createdBy: Type.String(),
  updatedAt: Type.String(),
  revision: Type.Integer(),
  latestVersions: Type.Optional(Type.Array(VersionSummarySchema)),
});
export type Model = Static<typeof ModelSchema>;

export const ModelVersionSchema = Type.Object({
  urn: Type.String(),
  namespace: Type.String(),
  model: Type.String(),
  number: Type.Integer(),
  status: Type.String(),
  stage: Type.String(),
  artifactDigest: Type.String({ description: 'sha256 of the canonical JSON of the sorted manifest' }),
  manifest: Type.Array(ManifestEntrySchema),
  metadata: VersionMetadataSchema,
  createdAt: Type.String(),
  createdBy: Type.String(),
  updatedAt: Type.String(),
  publishedAt: Type.Union([Type.String(), Type.Null()]),
  publishedBy: Type.Union([Type.String(), Type.Null()]),
  revision: Type.Integer(),
});
export type ModelVersion = Static<typeof ModelVersionSchema>;

export function pageOf<T extends ReturnType<typeof Type.Object>>(item: T) {
  return Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });
}
