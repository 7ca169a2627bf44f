import type { VersionMetadata } from '../../catalog/schemas.js';
import { deploymentUrn, versionUrn } from '../../catalog/urns.js';
import type { VersionDeployed } from '../../governance/entry-payloads.js';
import type { LedgerEntry } from '../../ledger/entry.js';
import { derivedEdges } from '../../lineage/derive-edges.js';
import type { LineageEdgeChanged, LineageNodeRecorded } from '../../lineage/entry-payloads.js';
import { chunks } from '../chunks.js';
import type { Db } from '../database.js';
import { recordLibraries } from './project-vulnerabilities.js';

/** An edge declared through the API has no owner: only another API call removes it. */
export const DECLARED = '';

/** Replaces the edges a version's record implies with those its record now says. */
export async function projectVersionEdges(tx: Db, entry: LedgerEntry, key: { namespace: string; model: string; number: number }, metadata: VersionMetadata): Promise<void> {
  const owner = versionUrn(key.namespace, key.model, key.number);
  await tx.deleteFrom('lineage_edges').where('owner', '=', owner).execute();
  const edges = derivedEdges(owner, key.namespace, metadata);
  for (const part of chunks(edges)) {
    await tx
      .insertInto('lineage_edges')
      .values(part.map((e) => ({ from_urn: e.from, type: e.type, to_urn: e.to, owner, seq: entry.seq })))
      .execute();
  }
  await recordLibraries(tx, entry, metadata.environment?.libraries ?? []);
}

export async function projectDeploymentEdge(tx: Db, entry: LedgerEntry, p: VersionDeployed): Promise<void> {
  const deployment = deploymentUrn(p.deploymentId);
  await tx
    .insertInto('lineage_edges')
    .values({ from_urn: versionUrn(p.namespace, p.model, p.number), type: 'deployedTo', to_urn: deployment, owner: deployment, seq: entry.seq })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function projectNodeRecorded(tx: Db, entry: LedgerEntry, p: LineageNodeRecorded): Promise<void> {
  const attributes = JSON.stringify(p.attributes);
  await tx
    .insertInto('lineage_nodes')
    .values({ urn: p.urn, kind: p.kind, namespace: p.namespace, attributes, created_at: entry.at, updated_at: entry.at, updated_by: entry.actor, updated_seq: entry.seq })
    .onConflict((oc) => oc.column('urn').doUpdateSet({ attributes, updated_at: entry.at, updated_by: entry.actor, updated_seq: entry.seq }))
    .execute();
}

export async function projectEdgeAdded(tx: Db, entry: LedgerEntry, p: LineageEdgeChanged): Promise<void> {
  await tx.insertInto('lineage_edges').values({ from_urn: p.from, type: p.type, to_urn: p.to, owner: DECLARED, seq: entry.seq }).execute();
  if (p.type === 'dependsOn' && p.to.startsWith('mk:library:')) await recordLibraries(tx, entry, [p.to.slice('mk:library:'.length)]);
}

export async function projectEdgeRemoved(tx: Db, p: LineageEdgeChanged): Promise<void> {
  await tx.deleteFrom('lineage_edges').where('from_urn', '=', p.from).where('type', '=', p.type).where('to_urn', '=', p.to).where('owner', '=', DECLARED).execute();
}
