import { type Static, Type } from '@sinclair/typebox';

/*
 * The part of the OSV schema (https://ossf.github.io/osv-schema/, JSON
 * Schema at github.com/ossf/osv-schema validation/schema.json) that
 * ModelKeep reads, with our size limits. Objects stay open: OSV lets
 * databases add fields, and fields we do not read (details, references,
 * credits, ecosystem_specific…) are not checked. What JSON Schema says
 * awkwardly (one key per event, at least one `introduced`, never both
 * `fixed` and `last_affected`) is checked in parse-osv.ts.
 */

export const MAX_ID_CHARS = 200;
export const MAX_AFFECTED = 1000;
export const MAX_VERSIONS = 10_000;
export const MAX_RANGES = 1000;
export const MAX_EVENTS = 1000;
export const MAX_ALIASES = 1000;

const oneOf = <const T extends readonly string[]>(values: T) => Type.Union(values.map((v) => Type.Literal(v as T[number])));

/** RFC 3339 date-time; OSV writes UTC with `Z`, some databases add fractions of a second. */
const Timestamp = Type.String({ maxLength: 64, pattern: '^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$' });

/** Ids become parts of URLs and ledger keys: letters, digits and `._:+-` (GHSA-…, PYSEC-…, RHSA-2023:1234). */
const Identifier = Type.String({ minLength: 1, maxLength: MAX_ID_CHARS, pattern: '^[A-Za-z0-9][A-Za-z0-9._:+-]*$' });

const Version = Type.String({ minLength: 1, maxLength: 256 });

export const severityTypes = ['CVSS_V2', 'CVSS_V3', 'CVSS_V4', 'Ubuntu'] as const;

const OsvSeverity = Type.Object({
  type: oneOf(severityTypes),
  score: Type.String({ minLength: 1, maxLength: 256 }),
});

const OsvEvent = Type.Object({
  introduced: Type.Optional(Version),
  fixed: Type.Optional(Version),
  last_affected: Type.Optional(Version),
  limit: Type.Optional(Version),
});

export const rangeTypes = ['GIT', 'SEMVER', 'ECOSYSTEM'] as const;

const OsvRange = Type.Object({
  type: oneOf(rangeTypes),
  repo: Type.Optional(Type.String()),
  events: Type.Array(OsvEvent, { minItems: 1, maxItems: MAX_EVENTS }),
});

const OsvAffected = Type.Object({
  // OSV makes `package` optional (an entry may hold only GIT ranges); such an entry matches no purl.
  package: Type.Optional(
    Type.Object({
      ecosystem: Type.String({ minLength: 1, maxLength: 200 }),
      name: Type.String({ minLength: 1, maxLength: 1000 }),
      purl: Type.Optional(Type.String({ maxLength: 2000 })),
    }),
  ),
  severity: Type.Optional(Type.Array(OsvSeverity, { maxItems: 20 })),
  ranges: Type.Optional(Type.Array(OsvRange, { maxItems: MAX_RANGES })),
  versions: Type.Optional(Type.Array(Version, { maxItems: MAX_VERSIONS })),
});

export const OsvRecordSchema = Type.Object({
  schema_version: Type.Optional(Type.String({ maxLength: 32 })),
  id: Identifier,
  modified: Timestamp,
  published: Type.Optional(Timestamp),
  withdrawn: Type.Optional(Timestamp),
  aliases: Type.Optional(Type.Array(Identifier, { maxItems: MAX_ALIASES })),
  summary: Type.Optional(Type.String()),
  severity: Type.Optional(Type.Array(OsvSeverity, { maxItems: 20 })),
  affected: Type.Optional(Type.Array(OsvAffected, { maxItems: MAX_AFFECTED })),
  database_specific: Type.Optional(Type.Object({})),
});

export type OsvRecord = Static<typeof OsvRecordSchema>;
export type OsvEvent = Static<typeof OsvEvent>;
