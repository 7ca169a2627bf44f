import type { SignalContribution, TierActions } from './score-model.js';

/* Payloads of the risk, incident and policy-document ledger actions. */

export interface PolicyDocumentSet {
  /** The parsed document, so replay needs no parser. */
  readonly document: unknown;
  readonly source: string;
  readonly format: 'yaml' | 'json';
}

/** A model's new score: written only when the score, tier or actions changed. */
export interface RiskScored {
  readonly namespace: string;
  readonly model: string;
  readonly score: number;
  readonly tier: string;
  readonly previousTier: string | null;
  readonly contributions: readonly SignalContribution[];
  readonly actions: TierActions;
  readonly rubricRevision: number;
  /** True when the tier rose past the rubric's alert threshold: the projection puts an event in the outbox. */
  readonly alert: boolean;
}

export const incidentKinds = ['incident', 'drift'] as const;
export type IncidentKind = (typeof incidentKinds)[number];
export const incidentSeverities = ['low', 'medium', 'high', 'critical'] as const;

export interface IncidentOpened {
  readonly id: string;
  readonly namespace: string;
  readonly model: string;
  readonly number: number | null;
  readonly kind: IncidentKind;
  readonly severity: (typeof incidentSeverities)[number];
  readonly summary: string;
}

export interface IncidentResolved {
  readonly id: string;
  readonly resolution: string;
}
