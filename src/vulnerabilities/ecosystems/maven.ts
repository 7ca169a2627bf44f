import type { VersionScheme } from './version-scheme.js';

/*
 * Maven version order, written from the POM reference's "Version Order
 * Specification" and the ComparableVersion documentation
 * (https://maven.apache.org/pom.html#version-order-specification):
 *
 * - a version splits into tokens at `.`, at `-` and at every transition
 *   between digits and letters; a transition counts as a `-`; an empty token
 *   is 0; comparison ignores case;
 * - a `-` (or a transition) starts a nested list, so "-something" weighs less
 *   than ".number": `.qualifier` = `-qualifier` < `-number` < `.number`;
 * - known qualifiers order alpha < beta < milestone < rc < snapshot < "" < sp,
 *   with `a`, `b`, `m` directly followed by a number read as alpha, beta,
 *   milestone, `cr` as rc, and `ga`, `final`, `release` as the release itself
 *   (""); other qualifiers come after the known ones, in lexical order;
 * - trailing "null" tokens (0, "", an empty list) are dropped at the end of
 *   each list, so 1 = 1.0 = 1.0.0 = 1-ga, and a missing token compares as
 *   null.
 *
 * Where the page and Maven's code disagree, we follow the code, which is what
 * resolves dependencies: `_` is not a separator (the page says it is).
 */

type Item =
  | { readonly kind: 'number'; readonly digits: string }
  | { readonly kind: 'qualifier'; readonly value: string }
  | { readonly kind: 'list'; readonly items: Item[] };

type ListItem = Extract<Item, { kind: 'list' }>;

const knownQualifiers = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'] as const;
const unknownQualifierRank = knownQualifiers.length;

/** Single letters that abbreviate a qualifier, but only when a number follows directly (`1-a1`, not `1-a`). */
const abbreviations: Readonly<Record<string, string>> = { a: 'alpha', b: 'beta', m: 'milestone' };
const aliases: Readonly<Record<string, string>> = { cr: 'rc', ga: '', final: '', release: '' };

const MAX_MAVEN_VERSION_CHARS = 256;

export const mavenVersions: VersionScheme = {
  name: 'Maven',
  isValid: (version) => version.length > 0 && version.length <= MAX_MAVEN_VERSION_CHARS && !/[\s\p{Cc}]/u.test(version),
  compare: (a, b) => compareItems(parseMavenVersion(a), parseMavenVersion(b)),
};

function parseMavenVersion(version: string): ListItem {
  const text = version.toLowerCase();
  const root: ListItem = { kind: 'list', items: [] };
  let current = root;
  // The separator that preceded the token being read: a qualifier after a
  // `.` is weighed as if a `-` preceded it.
  let separator: 'start' | '.' | '-' = 'start';
  let start = 0;
  let inDigits = false;

  const openList = () => {
    const list: ListItem = { kind: 'list', items: [] };
    current.items.push(list);
    current = list;
  };
  const pushToken = (token: string, followedByDigit: boolean) => {
    if (token === '' || isDigits(token)) {
      current.items.push({ kind: 'number', digits: token.replace(/^0+(?=.)/, '') || '0' });
      return;
    }
    if (separator === '.' && current.items.length > 0) openList();
    const expanded = followedByDigit ? (abbreviations[token] ?? token) : token;
    current.items.push({ kind: 'qualifier', value: aliases[expanded] ?? expanded });
  };

  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '.' || c === '-') {
      pushToken(text.slice(start, i), false);
      if (c === '-') openList();
      separator = c;
      start = i + 1;
      continue;
    }
    const digit = c >= '0' && c <= '9';
    if (i > start && digit !== inDigits) {
      pushToken(text.slice(start, i), digit);
      openList();
      separator = '-';
      start = i;
    }
    inDigits = digit;
  }
  if (start < text.length) pushToken(text.slice(start), false);
  normalize(root);
  return root;
}

const isDigits = (token: string): boolean => /^[0-9]+$/.test(token);

/** Drops trailing null items of every list, innermost first; a non-empty list does not stop the trimming, a number or qualifier does. */
function normalize(list: ListItem): void {
  for (const item of list.items) if (item.kind === 'list') normalize(item);
  for (let i = list.items.length - 1; i >= 0; i--) {
    const item = list.items[i]!;
    if (isNull(item)) list.items.splice(i, 1);
    else if (item.kind !== 'list') break;
  }
}

function isNull(item: Item): boolean {
  switch (item.kind) {
    case 'number':
      return item.digits === '0';
    case 'qualifier':
      return item.value === '';
    case 'list':
      return item.items.length === 0;
  }
}

/** `undefined` is the padding a shorter list gets: it compares as 0, "" or an empty list, whichever the other side is. */
function compareItems(a: Item | undefined, b: Item | undefined): number {
  if (a === undefined) return b === undefined ? 0 : -compareItems(b, undefined);
  switch (a.kind) {
    case 'number':
      if (b === undefined) return a.digits === '0' ? 0 : 1;
      return b.kind === 'number' ? compareDigits(a.digits, b.digits) : 1;
    case 'qualifier':
      if (b === undefined) return compareQualifiers(a.value, '');
      if (b.kind === 'qualifier') return compareQualifiers(a.value, b.value);
      return -1;
    case 'list':
      if (b === undefined) {
        for (const item of a.items) {
          const order = compareItems(item, undefined);
          if (order !== 0) return order;
        }
        return 0;
      }
      if (b.kind === 'number') return -1;
      if (b.kind === 'qualifier') return 1;
      for (let i = 0; i < Math.max(a.items.length, b.items.length); i++) {
        const order = compareItems(a.items[i], b.items[i]);
        if (order !== 0) return order;
      }
      return 0;
  }
}

/** Numbers of any length: leading zeros are already gone, so the longer is larger. */
function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareQualifiers(a: string, b: string): number {
  const rankA = qualifierRank(a);
  const rankB = qualifierRank(b);
  if (rankA !== rankB) return rankA < rankB ? -1 : 1;
  if (rankA !== unknownQualifierRank) return 0;
  return a < b ? -1 : a > b ? 1 : 0;
}

function qualifierRank(qualifier: string): number {
  const index = (knownQualifiers as readonly string[]).indexOf(qualifier);
  return index === -1 ? unknownQualifierRank : index;
}
