import { createRequire } from 'node:module';
import parseSpdx from 'spdx-expression-parse';

/*
 * SPDX license expressions (SPDX 2.3 Annex D) as a small tree of our own, so
 * that the policy evaluator and the compatibility check agree on what a
 * license term is:
 *
 * - `GPL-2.0`, `GPL-2.0-only`, `GPL-2.0+` and `GPL-2.0-or-later` all name the
 *   license `GPL-2.0`; the last two with `orLater`, meaning the licensee may
 *   take any later version instead (Annex D.3's `+`, and the GNU ids that
 *   replaced it).
 * - Ids are matched case-insensitively (Annex D.2), so `apache-2.0`, as model
 *   cards often write it, is read as `Apache-2.0`.
 * - `LicenseRef-…` (and `DocumentRef-…:LicenseRef-…`) are licenses that have
 *   no SPDX id: `ref` is set, and nothing is known about their terms.
 */

const require = createRequire(import.meta.url);
const currentIds = require('spdx-license-ids') as readonly string[];
const deprecatedIds = require('spdx-license-ids/deprecated.json') as readonly string[];

export interface LicenseTerm {
  readonly kind: 'license';
  /** The license without `+`, `-only` or `-or-later`: `GPL-2.0` for `GPL-2.0-or-later`. */
  readonly id: string;
  readonly orLater: boolean;
  readonly exception?: string;
  readonly ref: boolean;
}

export interface LicenseJunction {
  readonly kind: 'and' | 'or';
  readonly left: LicenseTree;
  readonly right: LicenseTree;
}

export type LicenseTree = LicenseTerm | LicenseJunction;

export type ParsedLicense = { readonly ok: true; readonly tree: LicenseTree } | { readonly ok: false; readonly problem: string };

/** Longer expressions are refused rather than parsed: the parser recurses once per operator. */
export const MAX_EXPRESSION_LENGTH = 2000;

const canonicalIds: ReadonlyMap<string, string> = new Map([...currentIds, ...deprecatedIds].map((id) => [id.toLowerCase(), id]));

/** True for an id on the SPDX license list, current or deprecated, in its exact spelling. */
export const isSpdxLicenseId = (id: string): boolean => canonicalIds.get(id.toLowerCase()) === id;

/** The list's spelling of an id written in any case, or undefined when the list does not have it. */
export const canonicalLicenseId = (id: string): string | undefined => canonicalIds.get(id.toLowerCase());

/** No license at all, as opposed to a license we cannot read: SPDX writes these NOASSERTION and NONE. */
export function isMissingLicense(text: string | null | undefined): text is null | undefined | '' {
  if (text === null || text === undefined) return true;
  const trimmed = text.trim();
  return trimmed === '' || trimmed === 'NOASSERTION' || trimmed === 'NONE';
}

export function parseLicenseExpression(text: string): ParsedLicense {
  const source = text.trim();
  if (source.length > MAX_EXPRESSION_LENGTH) return { ok: false, problem: `it is longer than ${MAX_EXPRESSION_LENGTH} characters` };
  try {
    return { ok: true, tree: fromParser(parseSpdx(canonicalCase(source))) };
  } catch (error) {
    // The parser means its plain Errors ("Unexpected `x` at offset 3"); on some input (`MIT OR (`) it
    // trips over its own end of input with a TypeError, and deep nesting overflows the stack.
    const meant = error instanceof Error && error.constructor === Error && error.message !== '';
    const message = meant ? error.message : error instanceof RangeError ? 'it is nested too deeply' : 'Syntax error';
    return { ok: false, problem: unknownWord(source) ?? message };
  }
}

/** The parser's "Unexpected `b` at offset 0" names a character; a person needs the word. */
function unknownWord(source: string): string | undefined {
  const words = source.match(/[A-Za-z0-9.-]+/g) ?? [];
  const word = words.find((w, i) => {
    const operator = /^(AND|OR|WITH)$/i.test(w);
    const exception = i > 0 && /^WITH$/i.test(words[i - 1]!);
    return !operator && !exception && !/^(LicenseRef|DocumentRef)-/i.test(w) && !canonicalIds.has(w.toLowerCase());
  });
  return word === undefined ? undefined : `${quoted(word)} is not an SPDX license id (a license without one is written LicenseRef-<name>)`;
}

/** User text inside a message, cut short so that a hostile expression is not echoed back whole. */
export const quoted = (text: string): string => `'${text.length > 80 ? `${text.slice(0, 77)}…` : text}'`;

function canonicalCase(source: string): string {
  return source.replace(/[A-Za-z0-9.-]+/g, (word) => {
    if (/^licenseref-/i.test(word)) return `LicenseRef-${word.slice('LicenseRef-'.length)}`;
    if (/^documentref-/i.test(word)) return `DocumentRef-${word.slice('DocumentRef-'.length)}`;
    return canonicalIds.get(word.toLowerCase()) ?? word;
  });
}

function fromParser(node: parseSpdx.Info): LicenseTree {
  if ('conjunction' in node) return { kind: node.conjunction, left: fromParser(node.left), right: fromParser(node.right) };
  const ref = /(^|:)LicenseRef-/.test(node.license);
  const gnu = /^(.*)-(only|or-later)$/.exec(node.license);
  const id = gnu === null || ref ? node.license : gnu[1]!;
  const orLater = node.plus === true || gnu?.[2] === 'or-later';
  return { kind: 'license', id, orLater, ref, ...(node.exception === undefined ? {} : { exception: node.exception }) };
}

/** The term as SPDX would write it today: `GPL-2.0-or-later` rather than `GPL-2.0+`, `GPL-2.0-only` rather than `GPL-2.0`. */
export function describeTerm(term: LicenseTerm): string {
  const gnuStyle = !term.ref && isSpdxLicenseId(`${term.id}-only`);
  const license = gnuStyle ? `${term.id}-${term.orLater ? 'or-later' : 'only'}` : `${term.id}${term.orLater ? '+' : ''}`;
  return term.exception === undefined ? license : `${license} WITH ${term.exception}`;
}

export function describeTree(tree: LicenseTree, parent?: LicenseJunction['kind']): string {
  if (tree.kind === 'license') return describeTerm(tree);
  const text = `${describeTree(tree.left, tree.kind)} ${tree.kind.toUpperCase()} ${describeTree(tree.right, tree.kind)}`;
  // AND binds tighter than OR (Annex D.4), so only an OR inside an AND needs parentheses.
  return parent === 'and' && tree.kind === 'or' ? `(${text})` : text;
}

export function termsOf(tree: LicenseTree): LicenseTerm[] {
  return tree.kind === 'license' ? [tree] : [...termsOf(tree.left), ...termsOf(tree.right)];
}

export const hasChoice = (tree: LicenseTree): boolean => tree.kind === 'or' || (tree.kind === 'and' && (hasChoice(tree.left) || hasChoice(tree.right)));

/*
 * Versions: `GPL-3.0` is a later version of `GPL-2.0` because both are the
 * line `GPL` followed by a version number. Only versions on the SPDX list
 * count; a future version cannot be judged, so it is never the reason a term
 * passes.
 */

interface Versioned {
  readonly line: string;
  readonly version: readonly number[];
}

function versionOf(id: string): Versioned | undefined {
  const match = /^(.+)-(\d+(?:\.\d+)*)$/.exec(id);
  return match === null ? undefined : { line: match[1]!, version: match[2]!.split('.').map(Number) };
}

function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

const versionsByLine: ReadonlyMap<string, readonly string[]> = (() => {
  const lines = new Map<string, Set<string>>();
  for (const listed of [...currentIds, ...deprecatedIds]) {
    const id = listed.replace(/-(only|or-later)$/, '');
    const versioned = versionOf(id);
    if (versioned !== undefined) lines.set(versioned.line, (lines.get(versioned.line) ?? new Set()).add(id));
  }
  return new Map([...lines].map(([line, ids]) => [line, [...ids].sort((a, b) => compareVersions(versionOf(a)!.version, versionOf(b)!.version))]));
})();

/** The licenses a term lets its licensee choose: itself, and for `+`/`-or-later` every later listed version of it. */
export function termOptions(term: LicenseTerm): LicenseTerm[] {
  const versioned = term.orLater && !term.ref ? versionOf(term.id) : undefined;
  if (versioned === undefined) return [{ ...term, orLater: false }];
  const later = (versionsByLine.get(versioned.line) ?? []).filter((id) => compareVersions(versionOf(id)!.version, versioned.version) >= 0);
  const ids = later.includes(term.id) ? later : [term.id, ...later];
  return ids.map((id) => ({ ...term, id, orLater: false }));
}

/**
 * Whether a policy entry names a license the licensee may take. An entry
 * without an exception covers the license with any exception (a `WITH` term
 * is judged by its license); an entry with one covers only that pairing.
 */
export function covers(entry: LicenseTerm, option: LicenseTerm): boolean {
  if (entry.exception !== undefined && entry.exception !== option.exception) return false;
  if (entry.ref || option.ref) return entry.ref && option.ref && entry.id.toLowerCase() === option.id.toLowerCase();
  if (entry.id === option.id) return true;
  if (!entry.orLater) return false;
  const [from, to] = [versionOf(entry.id), versionOf(option.id)];
  return from !== undefined && to !== undefined && from.line === to.line && compareVersions(to.version, from.version) >= 0;
}
