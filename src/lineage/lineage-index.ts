import { versionUrn } from '../catalog/urns.js';
import type { Db } from '../store/database.js';
import { ledgerSize, readLedger } from '../store/queries/read-ledger.js';
import { LineageGraph } from './graph-index.js';
import type { EdgeType } from './graph-types.js';
import { kindOfUrn } from './lineage-urns.js';
import { touchedBy } from './touched-nodes.js';

/*
 * The lineage graph in memory, kept in step with the ledger: loaded from the
 * projection tables once, then, before each query, brought up to the ledger's
 * head by reloading what the newer entries touched. Every server sharing a
 * database does the same, so each answers from the same graph.
 */

const CATCH_UP_BATCH = 5000;
const PAGE = 20_000;

export class LineageIndex {
  private graph: LineageGraph | null = null;
  /** Entries below this sequence number are reflected in the graph. */
  private applied = 0;
  private running: Promise<LineageGraph> | null = null;

  constructor(private readonly db: Db) {}

  /** The graph as of the ledger's head now; concurrent callers share one catch-up. */
  async current(): Promise<LineageGraph> {
    if (this.running !== null) return this.running;
    this.running = this.refresh().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async refresh(): Promise<LineageGraph> {
    if (this.graph === null) {
      // The head is read first: anything written while the tables are read is reloaded by the catch-up below.
      const head = await ledgerSize(this.db);
      this.graph = await loadGraph(this.db);
      this.applied = head;
    }
    const graph = this.graph;
    for (;;) {
      const head = await ledgerSize(this.db);
      if (head <= this.applied) return graph;
      const to = Math.min(head, this.applied + CATCH_UP_BATCH);
      const entries = await readLedger(this.db, this.applied, to);
      const outgoing = new Set<string>();
      const attributes = new Set<string>();
      const models = new Set<string>();
      for (const entry of entries) {
        const touched = touchedBy(entry);
        for (const urn of touched.outgoing) outgoing.add(urn);
        for (const urn of touched.attributes) attributes.add(urn);
        for (const urn of touched.models) models.add(urn);
      }
      for (const urn of outgoing) await reloadOutgoing(this.db, graph, urn);
      for (const model of models) for (const urn of await versionsOf(this.db, model)) attributes.add(urn);
      for (const urn of attributes) await reloadAttributes(this.db, graph, urn);
      this.applied = to;
    }
  }
}

async function reloadOutgoing(db: Db, graph: LineageGraph, from: string): Promise<void> {
  const rows = await db.selectFrom('lineage_edges').select(['type', 'to_urn']).where('from_urn', '=', from).execute();
  const wanted = new Set(rows.map((r) => `${r.type} ${r.to_urn}`));
  for (const edge of graph.outgoing(from)) {
    if (!wanted.has(`${edge.type} ${edge.to}`)) graph.removeEdge(from, edge.type, edge.to);
  }
  for (const row of rows) graph.addEdge(from, row.type as EdgeType, row.to_urn);
}

async function versionsOf(db: Db, model: string): Promise<string[]> {
  const [namespace, name] = model.slice('mk:model:'.length).split('/') as [string, string];
  const rows = await db.selectFrom('versions').select('number').where('namespace', '=', namespace).where('model', '=', name).execute();
  return rows.map((r) => versionUrn(namespace, name, r.number));
}

async function reloadAttributes(db: Db, graph: LineageGraph, urn: string): Promise<void> {
  const kind = kindOfUrn(urn);
  if (kind === 'version') {
    const [path, number] = urn.slice('mk:version:'.length).split('@') as [string, string];
    const [namespace, model] = path.split('/') as [string, string];
    const row = await db.selectFrom('versions').select(['stage', 'status']).where('namespace', '=', namespace).where('model', '=', model).where('number', '=', Number(number)).executeTakeFirst();
    if (row === undefined) return;
    const aliases = await db.selectFrom('aliases').select('environment').where('namespace', '=', namespace).where('model', '=', model).where('number', '=', Number(number)).orderBy('environment').execute();
    graph.setNode(urn, { stage: row.stage, status: row.status, environments: aliases.map((a) => a.environment) });
  } else if (kind === 'deployment') {
    const row = await db.selectFrom('deployments').select('environment').where('id', '=', urn.slice('mk:deployment:'.length)).executeTakeFirst();
    if (row !== undefined) graph.setNode(urn, { environments: [row.environment] });
  } else if (kind !== null) {
    graph.setNode(urn, {});
  }
}

/** Reads the whole graph from the tables: the edges, and the attributes filters read (stage, status, environments). */
export async function loadGraph(db: Db): Promise<LineageGraph> {
  const aliases = new Map<string, string[]>();
  for (const row of await db.selectFrom('aliases').select(['environment', 'namespace', 'model', 'number']).orderBy('environment').execute()) {
    const urn = versionUrn(row.namespace, row.model, row.number);
    aliases.set(urn, [...(aliases.get(urn) ?? []), row.environment]);
  }
  // Streamed into the builder row by row: at millions of edges an intermediate array of objects would cost hundreds of MB.
  const builder = LineageGraph.builder();
  for (let after = -1; ; ) {
    const rows = await db.selectFrom('versions').select(['id', 'namespace', 'model', 'number', 'stage', 'status']).where('id', '>', after).orderBy('id').limit(PAGE).execute();
    for (const row of rows) {
      const urn = versionUrn(row.namespace, row.model, row.number);
      builder.node({ urn, stage: row.stage, status: row.status, environments: aliases.get(urn) ?? [] });
    }
    if (rows.length < PAGE) break;
    after = Number(rows.at(-1)!.id);
  }
  for (const row of await db.selectFrom('deployments').select(['id', 'environment']).execute()) builder.node({ urn: `mk:deployment:${row.id}`, environments: [row.environment] });
  for (const row of await db.selectFrom('lineage_nodes').select('urn').execute()) builder.node({ urn: row.urn });
  // Pages by the primary key (row values compare in both dialects), so neither a cursor nor an offset is needed.
  for (let after: [string, string, string, string] | null = null; ; ) {
    let query = db.selectFrom('lineage_edges').select(['from_urn', 'type', 'to_urn', 'owner']);
    if (after !== null) {
      const [f, t, u, o] = after;
      query = query.where((eb) => eb(eb.refTuple('from_urn', 'type', 'to_urn', 'owner'), '>', eb.tuple(f, t, u, o)));
    }
    const rows = await query.orderBy('from_urn').orderBy('type').orderBy('to_urn').orderBy('owner').limit(PAGE).execute();
    for (const row of rows) builder.edge({ from: row.from_urn, type: row.type as EdgeType, to: row.to_urn });
    if (rows.length < PAGE) break;
    const last = rows.at(-1)!;
    after = [last.from_urn, last.type, last.to_urn, last.owner];
  }
  return builder.finish();
}
