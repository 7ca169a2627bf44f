import { InvalidArgumentError } from 'commander';
import { type PrincipalKind, principalIdPattern } from '../access/principal.js';
import { asOfParam } from '../sdk/as-of.js';
import type { IfMatch } from '../sdk/if-match.js';
import { parseModelRef, parseVersionRef } from '../sdk/refs.js';
import type { ModelRef, VersionRef } from '../sdk/types.js';

/*
 * Commander argument parsers. Throwing InvalidArgumentError makes Commander
 * report a usage error naming the option, which main.ts turns into exit 2.
 */

/** For repeatable options: `--tag a --tag b`. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function modelRefArg(text: string): ModelRef {
  try {
    return parseModelRef(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

export function versionRefArg(text: string): VersionRef {
  try {
    return parseVersionRef(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** How help texts describe a point in the registry's history. */
export const POINT_HELP = 'a ledger sequence number or an ISO time (e.g. 2026-11-22T10:00:00Z)';

/** `--as-of`, `--from`, `--to`: a ledger sequence number or an ISO time, checked before anything is sent. */
export function pointArg(text: string): string {
  try {
    return asOfParam(text);
  } catch {
    throw new InvalidArgumentError(`${JSON.stringify(text)} is not a point in the registry's history; give ${POINT_HELP}. \`modelkeep ledger tail\` lists entry numbers and times.`);
  }
}

/** `--if-match`: a revision as `model show` prints it (7), or an ETag as the API sends it ("r7"). */
export function ifMatchArg(text: string): IfMatch {
  const match = /^"?r?([0-9]{1,15})"?$/.exec(text);
  if (match === null) throw new InvalidArgumentError(`${JSON.stringify(text)} is neither a revision (e.g. 7, as \`modelkeep model show\` prints it) nor an ETag (e.g. "r7").`);
  return Number(match[1]);
}

export function positiveInteger(text: string): number {
  if (!/^[1-9][0-9]{0,8}$/.test(text)) throw new InvalidArgumentError(`${JSON.stringify(text)} is not a positive whole number.`);
  return Number(text);
}

/** `--metric name=value`, repeatable, into a record. */
export function collectMetric(text: string, previous: Record<string, number> = {}): Record<string, number> {
  const match = /^([^=]+)=(.+)$/.exec(text);
  const value = match === null ? Number.NaN : Number(match[2]);
  if (match === null || !Number.isFinite(value)) throw new InvalidArgumentError(`${JSON.stringify(text)} is not name=number, e.g. auc=0.91.`);
  return { ...previous, [match[1]!.trim()]: value };
}

/** A repeatable option restricted to `allowed`. */
export function collectChoice<T extends string>(allowed: readonly T[]) {
  return (value: string, previous: T[] = []): T[] => {
    if (!(allowed as readonly string[]).includes(value)) throw new InvalidArgumentError(`Allowed choices are ${allowed.join(', ')}.`);
    return previous.includes(value as T) ? previous : [...previous, value as T];
  };
}

/** What `user:…`, `service:…` and `group:…` ids look like, in help texts and errors. */
export const PRINCIPAL_HELP = 'user:alice, service:ci-pipeline or group:ml-admins';

/** A principal of one of `kinds`, checked before anything is sent. */
export function principalArg(...kinds: readonly PrincipalKind[]) {
  return (text: string): string => {
    const kind = text.slice(0, text.indexOf(':'));
    if (!principalIdPattern.test(text) || !(kinds as readonly string[]).includes(kind)) {
      throw new InvalidArgumentError(`${JSON.stringify(text)} is not a ${kinds.join(' or ')} id; write the kind first, e.g. ${kinds.map((k) => exampleIds[k]).join(' or ')}.`);
    }
    return text;
  };
}

const exampleIds: Readonly<Record<PrincipalKind, string>> = { user: 'user:alice', service: 'service:ci-pipeline', group: 'group:ml-admins' };

/** `--reason`, `--justification`: kept in the ledger, so a word or two at least (the server's minimum is 3 characters). */
export function reasonArg(text: string): string {
  if (text.trim().length < 3) throw new InvalidArgumentError('Say why in a few words (at least 3 characters); it is kept in the ledger.');
  return text;
}

/** An ISO 8601 time in the future, sent in UTC. */
export function futureTimeArg(text: string): string {
  const at = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(at)) throw new InvalidArgumentError(`${JSON.stringify(text)} is not an ISO 8601 time, e.g. 2026-12-31T18:00:00Z.`);
  if (at <= Date.now()) throw new InvalidArgumentError(`${text} is in the past; give a later time.`);
  return new Date(at).toISOString();
}

/** A whole number from 0 up (`--grace-seconds 0`). */
export function nonNegativeInteger(text: string): number {
  if (!/^(0|[1-9][0-9]{0,8})$/.test(text)) throw new InvalidArgumentError(`${JSON.stringify(text)} is not a whole number (0 or more).`);
  return Number(text);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A token or elevation id: a UUID, which `listCommand` prints. */
export function uuidArg(what: string, listCommand: string) {
  return (text: string): string => {
    if (!UUID.test(text)) throw new InvalidArgumentError(`${JSON.stringify(text)} is not a ${what} id (a UUID); \`${listCommand}\` shows them.`);
    return text;
  };
}
