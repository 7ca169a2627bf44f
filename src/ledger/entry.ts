/** JSON as it is stored in a ledger payload. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
export type JsonObject = { readonly [key: string]: Json };

/** The kinds of change the ledger records; projections switch on these. */
export const ledgerActions = [
  'namespace.created',
  'namespace.schema_set',
  'model.created',
  'model.updated',
  'version.registered',
  'version.updated',
  'version.published',
  'token.created',
  'token.revoked',
  'token.rotated',
  'binding.granted',
  'binding.revoked',
  'group.member_added',
  'group.member_removed',
  'policy.set',
  'policy.removed',
  'elevation.requested',
  'elevation.approved',
  'elevation.denied',
  'security.event_recorded',
  'access.batch_anchored',
  'attestation.recorded',
  'gate_policy.set',
  'gate_policy.removed',
  'promotion.requested',
  'promotion.approved',
  'promotion.rejected',
  'promotion.withdrawn',
  'version.promoted',
  'environment.created',
  'version.deployed',
  'deployment.reported',
  'alias.rolled_back',
  'version.quarantined',
  'version.released',
  'version.retired',
  'change.requested',
  'change.approved',
  'change.rejected',
  'change.withdrawn',
  'version.amended',
  'version.deprecated',
  'lineage.node_recorded',
  'lineage.edge_added',
  'lineage.edge_removed',
  'advisory.imported',
  'library.deprecated',
  'license_policy.set',
  'risk_rubric.set',
  'risk.scored',
  'incident.opened',
  'incident.resolved',
  'webhook.registered',
  'webhook.removed',
] as const;
export type LedgerAction = (typeof ledgerActions)[number];

/** What a decision produces: a change not yet placed in the ledger. */
export interface EntryDraft {
  readonly action: LedgerAction;
  readonly subject: string;
  readonly reason?: string | undefined;
  readonly payload: JsonObject;
}

/** A change as the ledger holds it. `canonical` is what `leafHash` hashed. */
export interface LedgerEntry extends EntryDraft {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly canonical: string;
  readonly leafHash: string;
}

/** The object that is canonicalised and hashed: every field but the hash itself. */
export function hashedView(entry: Omit<LedgerEntry, 'canonical' | 'leafHash'>): JsonObject {
  return {
    seq: entry.seq,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject,
    reason: entry.reason ?? null,
    payload: entry.payload,
  };
}
