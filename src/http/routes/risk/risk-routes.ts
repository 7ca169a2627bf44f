import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { modelUrn, versionUrn } from '../../../catalog/urns.js';
import { NameSchema } from '../../../catalog/schemas.js';
import { RegistryError, notFound } from '../../../errors/registry-error.js';
import { sniffPolicyFormat } from '../../../governance/policy-text.js';
import { checkLicensePolicy, parseLicensePolicy } from '../../../licenses/parse-license-policy.js';
import { checkRubric, parseRubric } from '../../../risk/parse-rubric.js';
import { defaultRubricText } from '../../../risk/default-rubric.js';
import { incidentKinds, incidentSeverities } from '../../../risk/entry-payloads.js';
import { recordHealth } from '../../../risk/record-health.js';
import type { TierActions } from '../../../risk/rubric-types.js';
import { gatherRiskFacts } from '../../../store/queries/gather-risk-facts.js';
import { currentLicensePolicy, currentRubric, findIncident, findModelRisk, findPolicyDocument } from '../../../store/queries/find-risk.js';
import { toLedgerEntry } from '../../../store/queries/row-mappers.js';
import type { App, ResourceOf, RouteDeps } from '../../app-types.js';
import { modelInPath } from '../../resources.js';
import { sendWrite, writeContext } from '../../write-reply.js';
import { Reason } from '../access-schemas.js';
import { literalUnion, ModelParams } from '../common-schemas.js';
import { riskSummary, summaryCsv } from '../../../store/queries/risk-summary.js';
import { readableNamespaces, restrictTo } from '../../readable-namespaces.js';

const tags = ['risk'];
const PolicyBody = Type.Object(
  {
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 64 * 1024, description: 'YAML or JSON text' })),
    format: Type.Optional(literalUnion(['yaml', 'json'])),
    document: Type.Optional(Type.Unknown({ description: 'The document as a JSON object (instead of `source`)' })),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false },
);

function readDocument<T>(body: { source?: string; format?: 'yaml' | 'json'; document?: unknown }, parse: (text: string, format: 'yaml' | 'json') => T, check: (value: unknown) => T) {
  if ((body.source === undefined) === (body.document === undefined)) throw new RegistryError('invalid_request', 'Send either `source` (YAML or JSON text) or `document` (an object), not both');
  if (body.document !== undefined) return { document: check(body.document), source: JSON.stringify(body.document, null, 2), format: 'json' as const };
  const format = body.format ?? sniffPolicyFormat(body.source!);
  return { document: parse(body.source!, format), source: body.source!, format };
}

const incidentToResolve: ResourceOf = async (request, deps) => {
  const { id } = request.params as { id: string };
  const incident = await findIncident(deps.store.db, id);
  return incident === undefined
    ? { kind: 'Registry', id: 'modelkeep', namespace: null, hiddenAs: `Incident ${id} does not exist` }
    : { kind: 'Model', id: `${incident.namespace}/${incident.model}`, namespace: incident.namespace, hiddenAs: `Incident ${id} does not exist` };
};

export function riskRoutes(app: App, deps: RouteDeps): void {
  const { writer, store, rescorer } = deps;

  for (const [path, kind, command, parse, check, what] of [
    ['/api/v1/risk/rubric', 'rubric', 'setRiskRubric', parseRubric, checkRubric, 'risk rubric'],
    ['/api/v1/license-policy', 'license', 'setLicensePolicy', parseLicensePolicy, checkLicensePolicy, 'license policy'],
  ] as const) {
    app.get(
      path,
      { config: { guard: { action: 'catalog.read' } }, schema: { tags, summary: `The ${what} in force (the built-in default until one is set)` } },
      async () => {
        const row = await findPolicyDocument(store.db, kind);
        const current = kind === 'rubric' ? (await currentRubric(store.db)).rubric : (await currentLicensePolicy(store.db)).policy;
        return { from: row === undefined ? 'builtin' : 'set', revision: Number(row?.revision ?? 0), document: current, source: row?.source ?? (kind === 'rubric' ? defaultRubricText : null), updatedAt: row?.updated_at ?? null, updatedBy: row?.updated_by ?? null };
      },
    );
    app.put(
      path,
      {
        config: { guard: { action: 'risk.manage' } },
        schema: { tags, summary: `Set the ${what} (YAML or JSON); a malformed one is refused with every problem listed, and every model is rescored against it`, body: PolicyBody },
      },
      async (request) => {
        const body = request.body as { source?: string; format?: 'yaml' | 'json'; document?: unknown; reason?: string };
        const { document, source, format } = readDocument<unknown>(body, parse as (t: string, f: 'yaml' | 'json') => unknown, check as (v: unknown) => unknown);
        const outcome = await writer.write({ actor: request.principal.id, reason: body.reason }, command, { document, source, format });
        const rescored = await rescorer.rescoreAll();
        return { revision: outcome.result.revision, rescored };
      },
    );
    app.get(
      `${path}/history`,
      { config: { guard: { action: 'catalog.read' } }, schema: { tags, summary: `Every revision of the ${what}, newest first, from the ledger` } },
      async () => {
        const subject = kind === 'rubric' ? 'mk:risk-rubric' : 'mk:license-policy';
        const rows = await store.db.selectFrom('ledger_entries').selectAll().where('subject', '=', subject).orderBy('seq', 'desc').limit(500).execute();
        return { items: rows.map(toLedgerEntry).map((e) => ({ seq: e.seq, at: e.at, actor: e.actor, reason: e.reason ?? null, source: (e.payload as { source?: string }).source ?? null })) };
      },
    );
  }

  app.post(
    '/api/v1/risk/rescore',
    { config: { guard: { action: 'risk.manage' } }, schema: { tags, summary: 'Rescore models now (all, or the ones named); a score is written only when it moved', body: Type.Object({ models: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,62}/[a-z0-9][a-z0-9._-]{0,62}$' }), { minItems: 1, maxItems: 10_000 })) }, { additionalProperties: false }) } },
    async (request) => {
      const { models } = request.body as { models?: string[] };
      return models === undefined ? rescorer.rescoreAll() : rescorer.rescore(models.map((m) => `mk:model:${m}`));
    },
  );

  app.get(
    '/api/v1/models/:ns/:name/risk',
    { config: { guard: { action: 'catalog.read', resource: modelInPath } }, schema: { tags, summary: "A model's risk score, tier and what the tier makes the registry do, with each signal's contribution, and its scores over time", params: ModelParams, querystring: Type.Object({ history: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, default: 50 })) }, { additionalProperties: false }) } },
    async (request) => {
      const { ns, name } = request.params as { ns: string; name: string };
      const model = await store.db.selectFrom('models').select(['risk_tier']).where('namespace', '=', ns).where('name', '=', name).executeTakeFirst();
      if (model === undefined) throw notFound(`Model ${ns}/${name}`);
      const risk = await findModelRisk(store.db, ns, name);
      const limit = (request.query as { history?: number }).history ?? 50;
      const history = await store.db.selectFrom('risk_scores').select(['seq', 'score', 'tier', 'previous_tier', 'computed_at']).where('namespace', '=', ns).where('model', '=', name).orderBy('seq', 'desc').limit(limit).execute();
      return {
        model: `${ns}/${name}`,
        scored: risk !== undefined,
        score: risk === undefined ? null : Number(risk.score),
        tier: risk?.tier ?? model.risk_tier ?? 'unassessed',
        contributions: risk === undefined ? [] : (JSON.parse(risk.contributions) as unknown[]),
        actions: risk === undefined ? null : (JSON.parse(risk.actions) as TierActions),
        rubricRevision: risk === undefined ? null : Number(risk.rubric_revision),
        computedAt: risk?.computed_at ?? null,
        history: history.map((h) => ({ seq: Number(h.seq), score: Number(h.score), tier: h.tier, previousTier: h.previous_tier, at: h.computed_at })),
      };
    },
  );

  app.get(
    '/api/v1/models/:ns/:name/health',
    { config: { guard: { action: 'catalog.read', resource: modelInPath } }, schema: { tags, summary: "What is missing or broken in a model's record (no owner, no license, a dataset link to nothing, a stale evaluation…), each with how to fix it", params: ModelParams } },
    async (request) => {
      const { ns, name } = request.params as { ns: string; name: string };
      const db = store.db;
      const model = await db.selectFrom('models').select(['owners']).where('namespace', '=', ns).where('name', '=', name).executeTakeFirst();
      if (model === undefined) throw notFound(`Model ${ns}/${name}`);
      const now = deps.clock().toISOString();
      const { policy } = await currentLicensePolicy(db);
      const { rubric } = await currentRubric(db);
      const facts = await gatherRiskFacts(db, { namespace: ns, model: name }, now, policy);
      const versions = await db.selectFrom('versions').select(['id', 'number', 'license']).where('namespace', '=', ns).where('model', '=', name).where('status', '!=', 'retired').orderBy('number', 'desc').execute();
      const urns = versions.map((v) => versionUrn(ns, name, v.number));
      const edges = urns.length === 0 ? [] : await db.selectFrom('lineage_edges').select(['from_urn', 'type', 'to_urn']).where('from_urn', 'in', urns.slice(0, 500)).execute();
      const described = new Set(facts.datasets.length === 0 ? [] : (await db.selectFrom('lineage_nodes').select('urn').where('urn', 'in', facts.datasets.map((d) => d.urn)).execute()).map((r) => r.urn));
      const brokenLinks: { from: string; to: string }[] = [];
      for (const edge of edges.filter((e) => e.to_urn.startsWith('mk:version:') || e.to_urn.startsWith('mk:model:'))) {
        const [path, number] = edge.to_urn.replace(/^mk:(version|model):/, '').split('@') as [string, string | undefined];
        const [tns, tmodel] = path.split('/') as [string, string];
        const exists = number === undefined
          ? await db.selectFrom('models').select('id').where('namespace', '=', tns).where('name', '=', tmodel).executeTakeFirst()
          : await db.selectFrom('versions').select('id').where('namespace', '=', tns).where('model', '=', tmodel).where('number', '=', Number(number)).executeTakeFirst();
        if (exists === undefined) brokenLinks.push({ from: edge.from_urn, to: edge.to_urn });
      }
      const ids = versions.map((v) => Number(v.id));
      const evaluation = ids.length === 0 ? undefined : await db.selectFrom('attestations').select((eb) => eb.fn.max('created_at').as('at')).where('version_id', 'in', ids).where('type', '=', 'evaluation').executeTakeFirst();
      const risk = await findModelRisk(db, ns, name);
      const issues = recordHealth({
        model: `${ns}/${name}`,
        owners: JSON.parse(model.owners) as string[],
        versions: versions.length,
        license: versions[0]?.license ?? null,
        facts,
        undescribedDatasets: facts.datasets.map((d) => d.urn).filter((d) => !described.has(d)),
        brokenLinks,
        maxEvaluationAgeDays: rubric.signals.staleValidation?.maxAgeDays ?? null,
        lastEvaluationAt: evaluation?.at ?? null,
        actions: risk === undefined ? null : (JSON.parse(risk.actions) as TierActions),
      });
      return { model: `${ns}/${name}`, healthy: issues.length === 0, errors: issues.filter((i) => i.severity === 'error').length, warnings: issues.filter((i) => i.severity === 'warning').length, issues };
    },
  );

  app.get(
    '/api/v1/risk/summary',
    {
      config: { guard: { action: 'catalog.read' } },
      schema: {
        tags,
        summary: 'The portfolio: models by tier and namespace, the dependencies most shared among high-risk models, the riskiest models with their top reasons',
        description: '`format=csv` answers one row per model (text/csv) for spreadsheets.',
        querystring: Type.Object(
          {
            namespace: Type.Optional(NameSchema),
            tier: Type.Optional(literalUnion(['low', 'medium', 'high', 'critical', 'unassessed'])),
            minTier: Type.Optional(literalUnion(['low', 'medium', 'high', 'critical'])),
            top: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 20 })),
            format: Type.Optional(literalUnion(['json', 'csv'])),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const q = request.query as { namespace?: string; tier?: string; minTier?: string; top?: number; format?: 'json' | 'csv' };
      const readable = readableNamespaces(request, deps.authorizer);
      // restrictTo leaves a caller who reads everything unfiltered; a named namespace still narrows the portfolio.
      const only = readable === undefined && q.namespace !== undefined ? [q.namespace] : restrictTo(readable, q.namespace);
      const summary = await riskSummary(store.db, { only, tier: q.tier, minTier: q.minTier, top: q.top ?? 20 });
      if (q.format === 'csv') return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="risk-summary.csv"').send(summaryCsv(summary.rows));
      const { rows: _rows, ...rest } = summary;
      return rest;
    },
  );

  app.post(
    '/api/v1/models/:ns/:name/incidents',
    {
      config: { guard: { action: 'incident.report', resource: modelInPath } },
      schema: {
        tags,
        summary: 'Open an incident or a drift alert on a model (or one version); open ones raise its risk score',
        params: ModelParams,
        body: Type.Object({ kind: literalUnion(incidentKinds), severity: literalUnion(incidentSeverities), summary: Type.String({ minLength: 1, maxLength: 2000 }), version: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const { ns, name } = request.params as { ns: string; name: string };
      const body = request.body as { kind: 'incident' | 'drift'; severity: 'low' | 'medium' | 'high' | 'critical'; summary: string; version?: number };
      const outcome = await writer.write(writeContext(request, 201), 'openIncident', { id: `inc_${randomUUID()}`, namespace: ns, model: name, number: body.version ?? null, kind: body.kind, severity: body.severity, summary: body.summary });
      return sendWrite(reply, outcome, 201);
    },
  );

  app.get(
    '/api/v1/models/:ns/:name/incidents',
    { config: { guard: { action: 'catalog.read', resource: modelInPath } }, schema: { tags, summary: "A model's incidents and drift alerts, newest first", params: ModelParams, querystring: Type.Object({ status: Type.Optional(literalUnion(['open', 'resolved'])) }, { additionalProperties: false }) } },
    async (request) => {
      const { ns, name } = request.params as { ns: string; name: string };
      const { status } = request.query as { status?: string };
      let query = store.db.selectFrom('incidents').selectAll().where('namespace', '=', ns).where('model', '=', name);
      if (status !== undefined) query = query.where('status', '=', status);
      const rows = await query.orderBy('seq', 'desc').limit(1000).execute();
      return { items: rows.map((r) => ({ id: r.id, model: modelUrn(r.namespace, r.model), version: r.number, kind: r.kind, severity: r.severity, summary: r.summary, status: r.status, openedAt: r.opened_at, openedBy: r.opened_by, resolvedAt: r.resolved_at, resolvedBy: r.resolved_by, resolution: r.resolution })) };
    },
  );

  app.post(
    '/api/v1/incidents/:id/resolve',
    { config: { guard: { action: 'incident.report', resource: incidentToResolve } }, schema: { tags, summary: 'Resolve an incident, saying how', params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }), body: Type.Object({ resolution: Reason }, { additionalProperties: false }) } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const outcome = await writer.write(writeContext(request, 200), 'resolveIncident', { id, resolution: (request.body as { resolution: string }).resolution });
      return sendWrite(reply, outcome, 200);
    },
  );
}
