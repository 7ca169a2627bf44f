import { InvalidArgumentError } from 'commander';
import { edgeTypes, nodeKinds } from '../../../lineage/graph-types.js';
import { kindOfUrn } from '../../../lineage/lineage-urns.js';
import type { EdgeType, NodeKind } from '../../../sdk/dependency-types.js';

/*
 * Arguments the dependency and risk commands share: lineage nodes, written
 * as URNs or in the short forms people type, and comma-separated kinds.
 */

/** How help texts describe a node argument. */
export const NODE_HELP = 'a lineage URN (mk:dataset:fraud/transactions@2024-06), a version (fraud/scorer@3), a model (fraud/scorer) or a package URL (pkg:pypi/numpy@1.26.4)';

const VERSION = /^[a-z0-9][a-z0-9._-]{0,62}\/[a-z0-9][a-z0-9._-]{0,62}@[1-9][0-9]*$/;
const MODEL = /^[a-z0-9][a-z0-9._-]{0,62}\/[a-z0-9][a-z0-9._-]{0,62}$/;

/** A node as its URN: `fraud/scorer@3` → mk:version:…, `fraud/scorer` → mk:model:…, `pkg:…` → mk:library:pkg:…. */
export function nodeArg(text: string): string {
  const urn = text.startsWith('mk:') ? text : text.startsWith('pkg:') ? `mk:library:${text}` : VERSION.test(text) ? `mk:version:${text}` : MODEL.test(text) ? `mk:model:${text}` : text;
  if (kindOfUrn(urn) === null) throw new InvalidArgumentError(`${JSON.stringify(text)} is not a lineage node; give ${NODE_HELP}.`);
  return urn;
}

function listArg<T extends string>(allowed: readonly T[], what: string) {
  return (text: string, previous: T[] = []): T[] => {
    const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const unknown = items.filter((s) => !(allowed as readonly string[]).includes(s));
    if (unknown.length > 0) throw new InvalidArgumentError(`Unknown ${what} ${unknown.join(', ')}; use ${allowed.join(', ')}.`);
    return [...new Set([...previous, ...(items as T[])])];
  };
}

/** `--kind dataset,library`, repeatable. */
export const kindsArg = listArg<NodeKind>(nodeKinds, 'node kind');
/** `--edge-type dependsOn,trainedOn`, repeatable. */
export const edgeTypesArg = listArg<EdgeType>(edgeTypes, 'edge type');

/** `--batch N`: 1 to the server's limit per request. */
export function batchArg(max: number) {
  return (text: string): number => {
    const n = /^[1-9][0-9]{0,6}$/.test(text) ? Number(text) : Number.NaN;
    if (!(n <= max)) throw new InvalidArgumentError(`${JSON.stringify(text)} is not a batch size from 1 to ${max} (the server takes at most ${max} advisories per request).`);
    return n;
  };
}

/** A package URL, with or without a version: `pkg:pypi/nose`, `pkg:pypi/nose@1.3.7`. */
export function purlArg(text: string): string {
  if (!/^pkg:[a-z][a-z0-9.+-]*\/\S+$/.test(text)) throw new InvalidArgumentError(`${JSON.stringify(text)} is not a package URL; write it pkg:<type>/<name>[@<version>], e.g. pkg:pypi/nose or pkg:pypi/nose@1.3.7.`);
  return text;
}
