import type { WebhookRegistered, WebhookRemoved } from '../../alerts/entry-payloads.js';
import type { LedgerEntry } from '../../ledger/entry.js';
import type { IncidentOpened, IncidentResolved, PolicyDocumentSet, RiskScored } from '../../risk/entry-payloads.js';
import type { Db } from '../database.js';
import { enqueueAlert } from './enqueue-alert.js';

export type PolicyDocumentKind = 'license' | 'rubric';

export async function projectPolicyDocumentSet(tx: Db, entry: LedgerEntry, kind: PolicyDocumentKind, p: PolicyDocumentSet): Promise<void> {
  const current = await tx.selectFrom('policy_documents').select('revision').where('kind', '=', kind).executeTakeFirst();
  const row = { document: JSON.stringify(p.document), source: p.source, format: p.format, revision: Number(current?.revision ?? 0) + 1, updated_at: entry.at, updated_by: entry.actor, seq: entry.seq };
  await tx.insertInto('policy_documents').values({ kind, ...row }).onConflict((oc) => oc.column('kind').doUpdateSet(row)).execute();
}

export async function projectRiskScored(tx: Db, entry: LedgerEntry, p: RiskScored): Promise<void> {
  const contributions = JSON.stringify(p.contributions);
  const row = { score: p.score, tier: p.tier, contributions, actions: JSON.stringify(p.actions), rubric_revision: p.rubricRevision, computed_at: entry.at, seq: entry.seq };
  await tx
    .insertInto('model_risk')
    .values({ namespace: p.namespace, model: p.model, ...row })
    .onConflict((oc) => oc.columns(['namespace', 'model']).doUpdateSet(row))
    .execute();
  await tx
    .insertInto('risk_scores')
    .values({ seq: entry.seq, namespace: p.namespace, model: p.model, score: p.score, tier: p.tier, previous_tier: p.previousTier, contributions, computed_at: entry.at })
    .execute();
  // The tier the catalog files the model under, searches filter on and gates read.
  await tx.updateTable('models').set({ risk_tier: p.tier }).where('namespace', '=', p.namespace).where('name', '=', p.model).execute();
  if (p.alert) {
    await enqueueAlert(tx, entry, 0, {
      type: 'risk.tier_raised',
      subject: `mk:model:${p.namespace}/${p.model}`,
      data: { model: `${p.namespace}/${p.model}`, tier: p.tier, previousTier: p.previousTier, score: p.score, reasons: p.contributions.filter((c) => c.points > 0).slice(0, 3).map((c) => c.reason) },
    });
  }
}

export async function projectIncidentOpened(tx: Db, entry: LedgerEntry, p: IncidentOpened): Promise<void> {
  await tx
    .insertInto('incidents')
    .values({ id: p.id, namespace: p.namespace, model: p.model, number: p.number, kind: p.kind, severity: p.severity, summary: p.summary, status: 'open', opened_at: entry.at, opened_by: entry.actor, seq: entry.seq, resolved_at: null, resolved_by: null, resolution: null })
    .execute();
}

export async function projectIncidentResolved(tx: Db, entry: LedgerEntry, p: IncidentResolved): Promise<void> {
  await tx.updateTable('incidents').set({ status: 'resolved', resolved_at: entry.at, resolved_by: entry.actor, resolution: p.resolution }).where('id', '=', p.id).execute();
}

export async function projectWebhookRegistered(tx: Db, entry: LedgerEntry, p: WebhookRegistered): Promise<void> {
  await tx
    .insertInto('webhooks')
    .values({ id: p.id, url: p.url, events: JSON.stringify(p.events), description: p.description, active: 1, created_at: entry.at, created_by: entry.actor, seq: entry.seq })
    .execute();
}

export async function projectWebhookRemoved(tx: Db, p: WebhookRemoved): Promise<void> {
  await tx.updateTable('webhooks').set({ active: 0 }).where('id', '=', p.id).execute();
}
