import { Ajv } from 'ajv';
import { RegistryError } from '../errors/registry-error.js';
import { describeSchemaErrors } from '../governance/policy-text.js';
import { type Advisory, type AffectedPackage, type AffectedRange, MAX_SUMMARY_CHARS, type RangeEvent } from './advisory.js';
import { cvss3BaseScore } from './cvss3.js';
import { versionsBeyondRanges } from './match-advisory.js';
import { type OsvEvent, type OsvRecord, OsvRecordSchema } from './osv-schema.js';
import { advisorySeverity } from './severity.js';

/*
 * One OSV record in, one Advisory out, or `invalid_request` naming every
 * field that is wrong. The record comes from a file the user chose, so
 * nothing in it is trusted: sizes are bounded by the schema and everything
 * we keep is copied field by field.
 */

const ajv = new Ajv({ allErrors: true, strict: false });
const validateRecord = ajv.compile<OsvRecord>(OsvRecordSchema);

/** Violations listed in the message; all of them (up to this many more) go in `extensions.violations`. */
const VIOLATIONS_IN_MESSAGE = 10;
const MAX_VIOLATIONS = 100;

const eventKinds = ['introduced', 'fixed', 'last_affected', 'limit'] as const;

export function parseOsvRecord(value: unknown): Advisory {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RegistryError('invalid_request', 'The OSV record is not a JSON object');
  }
  const record = withoutNulls(value as Record<string, unknown>);
  const violations = validateRecord(record) ? rangeViolations(record).concat(vectorViolations(record)) : describeSchemaErrors(validateRecord.errors ?? []);
  if (violations.length > 0) refuse(record, violations);
  return toAdvisory(record as OsvRecord);
}

function refuse(record: Record<string, unknown>, violations: string[]): never {
  const id = typeof record.id === 'string' && record.id.length <= 200 ? ` ${record.id}` : '';
  const shown = violations.slice(0, VIOLATIONS_IN_MESSAGE).join('; ');
  const more = violations.length > VIOLATIONS_IN_MESSAGE ? ` (and ${violations.length - VIOLATIONS_IN_MESSAGE} more)` : '';
  throw new RegistryError('invalid_request', `The OSV record${id} is not valid: ${shown}${more}`, {
    extensions: { violations: violations.slice(0, MAX_VIOLATIONS) },
  });
}

/** Older OSV exports write `null` for empty lists (schema 1.0 allowed it); read them as absent. */
function withoutNulls(record: Record<string, unknown>): Record<string, unknown> {
  const copy = dropNullFields(record, ['aliases', 'severity', 'affected', 'published', 'withdrawn', 'summary', 'database_specific']);
  if (Array.isArray(copy.affected)) {
    copy.affected = copy.affected.map((entry) =>
      typeof entry === 'object' && entry !== null ? dropNullFields(entry as Record<string, unknown>, ['severity', 'ranges', 'versions']) : entry,
    );
  }
  return copy;
}

function dropNullFields(object: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const copy = { ...object };
  for (const key of keys) if (copy[key] === null) delete copy[key];
  return copy;
}

/** What the OSV schema's `oneOf`, `contains` and `if/then` say about events, as one sentence each. */
function rangeViolations(record: OsvRecord): string[] {
  return (record.affected ?? []).flatMap((affected, i) =>
    (affected.ranges ?? []).flatMap((range, j) => {
      const path = `affected[${i}].ranges[${j}]`;
      const violations = range.events.flatMap((event, k) =>
        eventKindsOf(event).length === 1 ? [] : [`${path}.events[${k}] must have exactly one of ${eventKinds.join(', ')}`],
      );
      const kinds = new Set(range.events.flatMap(eventKindsOf));
      if (!kinds.has('introduced')) violations.push(`${path}.events must contain an introduced event`);
      if (kinds.has('fixed') && kinds.has('last_affected')) violations.push(`${path}.events must not hold both fixed and last_affected events`);
      if (range.type === 'GIT' && range.repo === undefined) violations.push(`${path}.repo is required for a GIT range`);
      return violations;
    }),
  );
}

const eventKindsOf = (event: OsvEvent) => eventKinds.filter((kind) => event[kind] !== undefined);

/** A CVSS_V3 entry is the one kind we score; a vector we cannot read is a malformed record, not an unknown severity. */
function vectorViolations(record: OsvRecord): string[] {
  const check = (path: string, scores: OsvRecord['severity']) =>
    (scores ?? []).flatMap((s, i) => (s.type === 'CVSS_V3' && cvss3BaseScore(s.score) === undefined ? [`${path}[${i}].score is not a CVSS v3.x vector`] : []));
  return check('severity', record.severity).concat((record.affected ?? []).flatMap((a, i) => check(`affected[${i}].severity`, a.severity)));
}

function toAdvisory(record: OsvRecord): Advisory {
  const scores = [...(record.severity ?? []), ...(record.affected ?? []).flatMap((a) => a.severity ?? [])];
  const { severity, score } = advisorySeverity(scores, (record.database_specific as { severity?: unknown } | undefined)?.severity);
  const advisory: Advisory = {
    id: record.id,
    modified: record.modified,
    aliases: [...new Set(record.aliases ?? [])],
    severity,
    affected: (record.affected ?? []).flatMap(toAffectedPackage),
  };
  if (record.published !== undefined) advisory.published = record.published;
  if (record.withdrawn !== undefined) advisory.withdrawn = record.withdrawn;
  if (record.summary !== undefined && record.summary.trim() !== '') advisory.summary = truncate(record.summary.trim(), MAX_SUMMARY_CHARS);
  if (score !== undefined) advisory.score = score;
  return advisory;
}

/**
 * GIT ranges are dropped (we match versions, not commits), and so are listed
 * versions a kept range already covers; an entry left with nothing to match
 * is dropped too.
 */
function toAffectedPackage(affected: NonNullable<OsvRecord['affected']>[number]): AffectedPackage[] {
  if (affected.package === undefined) return [];
  const ranges: AffectedRange[] = (affected.ranges ?? []).flatMap((range) =>
    range.type === 'GIT' ? [] : [{ type: range.type, events: range.events.map(toRangeEvent) }],
  );
  const { ecosystem, name } = affected.package;
  const versions = versionsBeyondRanges({ ecosystem, ranges, versions: affected.versions ?? [] });
  if (ranges.length === 0 && versions.length === 0) return [];
  return [{ ecosystem, name, ranges, versions }];
}

function toRangeEvent(event: OsvEvent): RangeEvent {
  if (event.introduced !== undefined) return { introduced: event.introduced };
  if (event.fixed !== undefined) return { fixed: event.fixed };
  if (event.last_affected !== undefined) return { last_affected: event.last_affected };
  return { limit: event.limit! };
}

/** Cuts at a code point boundary and marks the cut. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  if (/[\uD800-\uDBFF]/.test(text[end - 1]!)) end -= 1;
  return `${text.slice(0, end)}…`;
}
