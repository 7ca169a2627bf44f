import { asPayload } from '../catalog/entry-payloads.js';
import { modelUrn } from '../catalog/urns.js';
import { RegistryError, notFound } from '../errors/registry-error.js';
import type { EntryDraft } from '../ledger/entry.js';
import type { Db } from '../store/database.js';
import { gatherRiskFacts, type ModelKey } from '../store/queries/gather-risk-facts.js';
import { currentLicensePolicy, currentRubric, findIncident } from '../store/queries/find-risk.js';
import type { WriteSteps } from '../store/write-command.js';
import type { IncidentOpened, IncidentResolved, PolicyDocumentSet, RiskScored } from './entry-payloads.js';
import { type RiskScore, type RiskTier, scoreModel, tierRosePastThreshold } from './score-model.js';

/** A score that moved by less than this, with the same tier and actions, is not written again: time alone nudges it. */
const SCORE_STEP = 1;

export interface RescoreSummary {
  readonly scored: number;
  readonly changed: number;
  readonly raised: readonly { model: string; from: string | null; to: string }[];
}

export interface ComputedScore {
  readonly key: ModelKey;
  readonly score: RiskScore;
}

/**
 * Scores models against the rubric in force, reading outside the writer so
 * that gathering facts never holds up other writes. The time is the caller's,
 * so time-based signals age.
 */
export async function scoreModels(db: Db, keys: readonly ModelKey[], now: string): Promise<{ revision: number; scores: ComputedScore[] }> {
  const { rubric, revision } = await currentRubric(db);
  const { policy } = await currentLicensePolicy(db);
  const scores: ComputedScore[] = [];
  for (const key of keys) {
    const exists = await db.selectFrom('models').select('id').where('namespace', '=', key.namespace).where('name', '=', key.model).executeTakeFirst();
    if (exists === undefined) continue;
    scores.push({ key, score: scoreModel(await gatherRiskFacts(db, key, now, policy), rubric) });
  }
  return { revision, scores };
}

export const riskCommands = {
  setRiskRubric: (args: PolicyDocumentSet): WriteSteps<{ revision: number }> => ({
    decide: async () => [{ action: 'risk_rubric.set', subject: 'mk:risk-rubric', payload: asPayload(args) }],
    respond: async (tx) => ({ revision: (await currentRubric(tx)).revision }),
  }),

  setLicensePolicy: (args: PolicyDocumentSet): WriteSteps<{ revision: number }> => ({
    decide: async () => [{ action: 'license_policy.set', subject: 'mk:license-policy', payload: asPayload(args) }],
    respond: async (tx) => ({ revision: (await currentLicensePolicy(tx)).revision }),
  }),

  /**
   * Records scores computed outside the writer (`scoreModels`), one
   * `risk.scored` entry per model whose tier, actions or score moved. Scores
   * made under another rubric revision than the one now in force are dropped:
   * the rubric change rescores everything anyway.
   */
  recordRiskScores: (args: { revision: number; scores: readonly ComputedScore[] }): WriteSteps<RescoreSummary> => {
    const summary = { scored: 0, changed: 0, raised: [] as { model: string; from: string | null; to: string }[] };
    return {
      decide: async (tx) => {
        const { rubric, revision } = await currentRubric(tx);
        if (revision !== args.revision) return [];
        const drafts: EntryDraft[] = [];
        for (const { key, score } of args.scores) {
          summary.scored++;
          const current = await tx.selectFrom('model_risk').select(['score', 'tier', 'actions', 'rubric_revision']).where('namespace', '=', key.namespace).where('model', '=', key.model).executeTakeFirst();
          const unchanged =
            current !== undefined &&
            current.tier === score.tier &&
            current.actions === JSON.stringify(score.actions) &&
            Number(current.rubric_revision) === revision &&
            Math.abs(Number(current.score) - score.score) < SCORE_STEP;
          // Models are never deleted, and scoreModels scored only ones that exist.
          if (unchanged) continue;
          const previousTier = (current?.tier ?? null) as RiskTier | null;
          const alert = tierRosePastThreshold(previousTier, score.tier, rubric);
          const payload: RiskScored = { ...key, score: score.score, tier: score.tier, previousTier, contributions: score.contributions, actions: score.actions, rubricRevision: revision, alert };
          drafts.push({ action: 'risk.scored', subject: modelUrn(key.namespace, key.model), payload: asPayload(payload) });
          summary.changed++;
          if (alert) summary.raised.push({ model: `${key.namespace}/${key.model}`, from: previousTier, to: score.tier });
        }
        return drafts;
      },
      respond: async () => summary,
    };
  },

  openIncident: (args: IncidentOpened): WriteSteps<IncidentOpened & { status: 'open' }> => ({
    decide: async (tx) => {
      const model = await tx.selectFrom('models').select('id').where('namespace', '=', args.namespace).where('name', '=', args.model).executeTakeFirst();
      if (model === undefined) throw notFound(`Model ${args.namespace}/${args.model}`);
      if (args.number !== null) {
        const version = await tx.selectFrom('versions').select('id').where('namespace', '=', args.namespace).where('model', '=', args.model).where('number', '=', args.number).executeTakeFirst();
        if (version === undefined) throw notFound(`Version ${args.namespace}/${args.model}@${args.number}`);
      }
      return [{ action: 'incident.opened', subject: modelUrn(args.namespace, args.model), reason: args.summary, payload: asPayload(args) }];
    },
    respond: async () => ({ ...args, status: 'open' as const }),
  }),

  resolveIncident: (args: IncidentResolved): WriteSteps<{ id: string; status: 'resolved' }> => ({
    decide: async (tx) => {
      const incident = await findIncident(tx, args.id);
      if (incident === undefined) throw notFound(`Incident ${args.id}`);
      if (incident.status !== 'open') throw new RegistryError('invalid_state', `Incident ${args.id} is already ${incident.status}`);
      return [{ action: 'incident.resolved', subject: modelUrn(incident.namespace, incident.model), reason: args.resolution, payload: asPayload(args) }];
    },
    respond: async () => ({ id: args.id, status: 'resolved' as const }),
  }),
};
