import type { VersionMetadata } from '../catalog/schemas.js';
import { deploymentUrn, modelUrn, versionUrn } from '../catalog/urns.js';
import type { LedgerEntry } from '../ledger/entry.js';
import { derivedEdges } from './derive-edges.js';

/** What an entry changed in the graph: nodes whose outgoing edges to reload, nodes whose attributes to reload, models whose versions' environments moved. */
export interface Touched {
  readonly outgoing: readonly string[];
  readonly attributes: readonly string[];
  readonly models: readonly string[];
}

const none: Touched = { outgoing: [], attributes: [], models: [] };

type VersionPayload = { namespace: string; model: string; number: number; metadata?: VersionMetadata; deploymentId?: string };

/** Pure: the same function tells every server what to reload, whichever of them wrote the entry. */
export function touchedBy(entry: LedgerEntry): Touched {
  const p = entry.payload as unknown as VersionPayload & { from?: string; urn?: string };
  switch (entry.action) {
    case 'version.registered':
    case 'version.updated':
    case 'version.amended': {
      const version = versionUrn(p.namespace, p.model, p.number);
      const from = new Set([version, ...derivedEdges(version, p.namespace, p.metadata ?? {}).map((e) => e.from)]);
      return { outgoing: [...from], attributes: [version], models: [] };
    }
    case 'version.published':
    case 'version.promoted':
    case 'version.released':
    case 'version.retired':
      return { outgoing: [], attributes: [versionUrn(p.namespace, p.model, p.number)], models: [] };
    case 'version.quarantined':
      return { outgoing: [], attributes: [versionUrn(p.namespace, p.model, p.number)], models: [modelUrn(p.namespace, p.model)] };
    case 'alias.rolled_back': {
      const { rollback } = entry.payload as unknown as { rollback: { namespace: string; model: string; deploymentId: string | null } };
      return { outgoing: [], attributes: rollback.deploymentId === null ? [] : [deploymentUrn(rollback.deploymentId)], models: [modelUrn(rollback.namespace, rollback.model)] };
    }
    case 'version.deployed': {
      const version = versionUrn(p.namespace, p.model, p.number);
      return { outgoing: [version], attributes: [version, deploymentUrn(p.deploymentId!)], models: [modelUrn(p.namespace, p.model)] };
    }
    case 'lineage.edge_added':
    case 'lineage.edge_removed':
      return { outgoing: [p.from!], attributes: [], models: [] };
    case 'lineage.node_recorded':
      return { outgoing: [], attributes: [p.urn!], models: [] };
    default:
      return none;
  }
}
