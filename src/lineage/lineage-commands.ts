import { asPayload } from '../catalog/entry-payloads.js';
import { RegistryError, notFound } from '../errors/registry-error.js';
import type { EntryDraft } from '../ledger/entry.js';
import { DECLARED } from '../store/projections/project-lineage.js';
import type { WriteSteps } from '../store/write-command.js';
import type { LineageEdgeChanged, LineageNodeRecorded } from './entry-payloads.js';
import { kindOfUrn, namespaceOfUrn } from './lineage-urns.js';
import type { Db } from '../store/database.js';

/** Kinds described through the API; versions, models and deployments are described by the catalog and governance. */
export const declarableKinds = ['dataset', 'featureset', 'pipeline', 'run', 'library', 'image', 'service'] as const;

async function namespaceExists(tx: Db, urn: string): Promise<void> {
  const namespace = namespaceOfUrn(urn);
  if (namespace === null) return;
  const row = await tx.selectFrom('namespaces').select('name').where('name', '=', namespace).executeTakeFirst();
  if (row === undefined) throw notFound(`Namespace ${namespace}`);
}

/** A version or model named by an edge must exist: an edge to nothing is the broken link record health reports. */
async function endExists(tx: Db, urn: string): Promise<void> {
  const kind = kindOfUrn(urn);
  if (kind === null) throw new RegistryError('invalid_request', `${urn} is not a lineage URN (mk:<kind>:…)`);
  await namespaceExists(tx, urn);
  if (kind === 'version') {
    const [path, number] = urn.slice('mk:version:'.length).split('@') as [string, string];
    const [namespace, model] = path.split('/') as [string, string];
    const row = await tx.selectFrom('versions').select('id').where('namespace', '=', namespace).where('model', '=', model).where('number', '=', Number(number)).executeTakeFirst();
    if (row === undefined) throw notFound(`Version ${path}@${number}`);
  }
  if (kind === 'model') {
    const [namespace, model] = urn.slice('mk:model:'.length).split('/') as [string, string];
    const row = await tx.selectFrom('models').select('id').where('namespace', '=', namespace).where('name', '=', model).executeTakeFirst();
    if (row === undefined) throw notFound(`Model ${namespace}/${model}`);
  }
}

const edgeDraft = (action: 'lineage.edge_added' | 'lineage.edge_removed', edge: LineageEdgeChanged, reason?: string): EntryDraft => ({
  action,
  subject: edge.from,
  ...(reason === undefined ? {} : { reason }),
  payload: asPayload(edge),
});

export const lineageCommands = {
  /** Describes a dataset, feature set, pipeline, run, library, image or service; recording it again replaces its description. */
  recordLineageNode: (args: LineageNodeRecorded): WriteSteps<{ urn: string; kind: string; created: boolean }> => {
    let created = false;
    return {
      decide: async (tx) => {
        await namespaceExists(tx, args.urn);
        created = (await tx.selectFrom('lineage_nodes').select('urn').where('urn', '=', args.urn).executeTakeFirst()) === undefined;
        return [{ action: 'lineage.node_recorded', subject: args.urn, payload: asPayload(args) }];
      },
      respond: async () => ({ urn: args.urn, kind: args.kind, created }),
    };
  },

  /** Declares what a version's record does not say (a feature set it reads, a dataset derived from another). */
  addLineageEdge: (args: LineageEdgeChanged & { reason?: string }): WriteSteps<LineageEdgeChanged & { origin: 'declared' }> => ({
    decide: async (tx) => {
      const edge: LineageEdgeChanged = { from: args.from, type: args.type, to: args.to };
      if (edge.from === edge.to) throw new RegistryError('invalid_request', 'An edge must join two different nodes');
      await endExists(tx, edge.from);
      await endExists(tx, edge.to);
      const existing = await tx.selectFrom('lineage_edges').select('owner').where('from_urn', '=', edge.from).where('type', '=', edge.type).where('to_urn', '=', edge.to).execute();
      if (existing.some((e) => e.owner === DECLARED)) throw new RegistryError('already_exists', `${edge.from} ${edge.type} ${edge.to} is already declared`);
      return [edgeDraft('lineage.edge_added', edge, args.reason)];
    },
    respond: async () => ({ from: args.from, type: args.type, to: args.to, origin: 'declared' }),
  }),

  removeLineageEdge: (args: LineageEdgeChanged & { reason?: string }): WriteSteps<{ removed: true }> => ({
    decide: async (tx) => {
      const edge: LineageEdgeChanged = { from: args.from, type: args.type, to: args.to };
      const existing = await tx.selectFrom('lineage_edges').select('owner').where('from_urn', '=', edge.from).where('type', '=', edge.type).where('to_urn', '=', edge.to).execute();
      if (!existing.some((e) => e.owner === DECLARED)) {
        const derived = existing[0];
        if (derived !== undefined) {
          throw new RegistryError('invalid_state', `${edge.from} ${edge.type} ${edge.to} is derived from the record of ${derived.owner}; change that record (a draft update or a correction) instead`);
        }
        throw notFound(`Edge ${edge.from} ${edge.type} ${edge.to}`);
      }
      return [edgeDraft('lineage.edge_removed', edge, args.reason)];
    },
    respond: async () => ({ removed: true as const }),
  }),
};
