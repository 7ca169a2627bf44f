import type { AffectedVersion, LineageGraph, LineagePath, TraversedNode } from '../../../sdk/dependency-types.js';

/*
 * How lineage reads in human output: a traversal as an indented tree (each
 * node under its `via` parent), a path as one line of edges pointing the way
 * the dependency goes (`a --dependsOn--> b`).
 */

/** `--dependsOn-->` */
export const arrow = (type: string): string => `--${type}-->`;
/** `<--dependsOn--`: the child depends on its parent (a downstream walk). */
const backArrow = (type: string): string => `<--${type}--`;

/** `version --derivedFrom--> version --dependsOn--> library`, from `nodes[0]` to the last node. */
export function pathText(path: LineagePath): string {
  return path.nodes.reduce((text, node, i) => (i === 0 ? node : `${text} ${arrow(path.edges[i - 1]!)} ${node}`), '');
}

/**
 * A blast-radius path runs from the changed node down to the affected version;
 * read backwards it says why the version depends on it: `version --derivedFrom--> version --dependsOn--> library`.
 */
export function dependencyChain(path: LineagePath): string {
  return pathText({ nodes: [...path.nodes].reverse(), edges: [...path.edges].reverse() });
}

function annotation(node: { stage?: string | null; environments?: readonly string[] }): string {
  const parts = [node.stage ?? undefined, ...(node.environments?.length ? [`in ${node.environments.join(', ')}`] : [])].filter((p) => p !== undefined);
  return parts.length === 0 ? '' : ` [${parts.join(', ')}]`;
}

const nodeLabel = (node: TraversedNode): string =>
  `${node.direction === 'upstream' ? arrow(node.via!.type) : backArrow(node.via!.type)} ${node.urn}${annotation(node)}`;

/**
 * The traversal as tree lines: the root, the nodes the walk started from, and
 * every node under its `via` parent. A node whose parent was filtered out
 * (`--kind`) hangs under the root, naming the parent it was reached through.
 */
export function lineageTree(graph: LineageGraph): string[] {
  const children = new Map<string, TraversedNode[]>();
  const present = new Set<string>([...graph.starts, ...graph.nodes.map((n) => n.urn)]);
  const orphans: TraversedNode[] = [];
  for (const node of graph.nodes) {
    if (node.via === null) continue;
    if (!present.has(node.via.urn)) {
      orphans.push(node);
      continue;
    }
    const list = children.get(node.via.urn) ?? [];
    list.push(node);
    children.set(node.via.urn, list);
  }
  const lines: string[] = [graph.root];
  const draw = (label: string, urn: string | undefined, prefix: string, last: boolean): void => {
    lines.push(`${prefix}${last ? '└─ ' : '├─ '}${label}`);
    const below = urn === undefined ? [] : (children.get(urn) ?? []);
    below.forEach((child, i) => draw(nodeLabel(child), child.urn, `${prefix}${last ? '   ' : '│  '}`, i === below.length - 1));
  };
  // A model or package root starts from its versions; a plain root is its own start.
  const tops: { label: string; urn: string | undefined }[] = graph.starts.filter((s) => s !== graph.root).map((s) => ({ label: s, urn: s }));
  for (const child of children.get(graph.root) ?? []) tops.push({ label: nodeLabel(child), urn: child.urn });
  for (const orphan of orphans) tops.push({ label: `… ${orphan.via!.urn} ${nodeLabel(orphan)}`, urn: orphan.urn });
  tops.forEach((top, i) => draw(top.label, top.urn, '', i === tops.length - 1));
  return lines;
}

/** "12 nodes", or "500 of 1204 nodes shown (raise --limit to see more)". */
export function totalsText(shown: number, total: number, truncated: boolean, noun: string): string {
  const nouns = `${noun}s`;
  if (!truncated) return `${total} ${total === 1 ? noun : nouns}`;
  return `${shown} of ${total} ${nouns} shown (raise --limit to see more)`;
}

/** One affected version as a table row: VERSION, STAGE, ENVIRONMENTS, THROUGH. */
export function affectedRow(version: AffectedVersion): string[] {
  return [version.urn.replace(/^mk:version:/, ''), version.stage ?? '-', version.environments.length === 0 ? '-' : version.environments.join(', '), dependencyChain(version.path)];
}
