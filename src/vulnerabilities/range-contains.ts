import type { AffectedRange } from './advisory.js';
import type { VersionScheme } from './ecosystems/version-scheme.js';

/*
 * Whether a version lies in an OSV range, per the schema's evaluation
 * algorithm (https://ossf.github.io/osv-schema/#evaluation): below some
 * `limit` (an implicit `*` when none), then walk the events sorted by
 * version: `introduced` at or below v makes it vulnerable, `fixed` at or
 * below v makes it safe again, `last_affected` strictly below v too.
 * `introduced: "0"` sorts before every version and a `limit` containing `*`
 * after every version.
 */

type Kind = 'introduced' | 'fixed' | 'last_affected' | 'limit';

interface Bound {
  readonly kind: Kind;
  readonly version: string;
  /** `first` for introduced "0", `last` for a limit with `*`. */
  readonly special?: 'first' | 'last';
}

/** The interval that holds `version`, said in words ("[introduced 2.0.0, fixed 2.4.1)"), or undefined when it is outside or cannot be ordered. */
export function rangeContains(version: string, range: AffectedRange, order: VersionScheme): string | undefined {
  if (!order.isValid(version)) return undefined;
  const bounds = range.events.map(toBound);
  // A range we cannot order (a bound the scheme cannot read) says nothing either way.
  if (bounds.some((b) => b.special === undefined && !order.isValid(b.version))) return undefined;
  const versusBound = (b: Bound): number => (b.special === 'first' ? 1 : b.special === 'last' ? -1 : order.compare(version, b.version));

  const limits = bounds.filter((b) => b.kind === 'limit');
  if (limits.length > 0 && !limits.some((b) => versusBound(b) < 0)) return undefined;

  const timeline = bounds.filter((b) => b.kind !== 'limit').sort((a, b) => compareBounds(a, b, order));
  let from: Bound | undefined;
  for (const bound of timeline) {
    const c = versusBound(bound);
    if (bound.kind === 'introduced') {
      if (c >= 0) from = bound;
    } else if (bound.kind === 'fixed') {
      if (c >= 0) from = undefined;
    } else if (c > 0) {
      from = undefined;
    }
  }
  if (from === undefined) return undefined;
  const upper = timeline.slice(timeline.indexOf(from) + 1).find((b) => b.kind !== 'introduced');
  const end = upper === undefined ? 'no fixed version)' : upper.kind === 'fixed' ? `fixed ${upper.version})` : `last_affected ${upper.version}]`;
  const limit = limits.length > 0 ? ` below limit ${limits.map((b) => b.version).join(' or ')}` : '';
  return `${version} is in [introduced ${from.version}, ${end}${limit}`;
}

function toBound(event: AffectedRange['events'][number]): Bound {
  if ('introduced' in event) return event.introduced === '0' ? { kind: 'introduced', version: '0', special: 'first' } : { kind: 'introduced', version: event.introduced };
  if ('fixed' in event) return { kind: 'fixed', version: event.fixed };
  if ('last_affected' in event) return { kind: 'last_affected', version: event.last_affected };
  return event.limit.includes('*') ? { kind: 'limit', version: event.limit, special: 'last' } : { kind: 'limit', version: event.limit };
}

/** Array.prototype.sort is stable, so events at the same version keep the order the record gives them. */
function compareBounds(a: Bound, b: Bound, order: VersionScheme): number {
  if (a.special === 'first' || b.special === 'first') return (b.special === 'first' ? 1 : 0) - (a.special === 'first' ? 1 : 0);
  return order.compare(a.version, b.version);
}
