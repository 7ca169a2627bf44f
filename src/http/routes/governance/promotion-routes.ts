import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { NameSchema } from '../../../catalog/schemas.js';
import { RegistryError } from '../../../errors/registry-error.js';
import { promotionTargets, type PromotionTarget } from '../../../governance/gate-types.js';
import { reportFor } from '../../../governance/load-gate.js';
import { countApprovals } from '../../../governance/count-approvals.js';
import { promotionView } from '../../../governance/views.js';
import type { Role } from '../../../access/roles.js';
import { approvalsOf, findPromotion, promotionsOf, versionRowOrFail } from '../../../store/queries/find-governance.js';
import type { App, RouteDeps } from '../../app-types.js';
import { promotionToDecide, promotionToRead, versionToGovern } from '../../governance-resources.js';
import { readableNamespaces } from '../../readable-namespaces.js';
import { versionInPath } from '../../resources.js';
import { sendWrite, writeContext } from '../../write-reply.js';
import { Reason } from '../access-schemas.js';
import { Cursor, Limit, literalUnion, VersionParams } from '../common-schemas.js';

import { GateReportSchema, listOf, pageOfItems, PromotionSchema } from '../../../governance/view-schemas.js';

const tags = ['governance'];
const Target = literalUnion(promotionTargets);
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const promotionStatuses = ['pending', 'promoted', 'refused', 'rejected', 'withdrawn', 'cancelled'];

export function promotionRoutes(app: App, deps: RouteDeps): void {
  const { store, writer, authorizer, clock } = deps;

  app.get(
    '/api/v1/models/:ns/:name/versions/:n/gate',
    {
      config: { guard: { action: 'catalog.read', resource: versionInPath } },
      schema: {
        tags,
        summary: 'Evaluate the promotion gate without asking for anything: each check, passed or failed, and why',
        description: 'What CI runs before requesting a promotion (`modelkeep gate check`). Nothing is recorded.',
        params: VersionParams,
        querystring: Type.Object({ to: Target }, { additionalProperties: false }),
        response: { 200: GateReportSchema },
      },
    },
    async (request) => {
      const { ns, name, n } = request.params;
      const report = await reportFor(store.db, { namespace: ns, model: name, number: n }, request.query.to as PromotionTarget, clock());
      if (report === undefined) throw new RegistryError('not_found', `Version ${ns}/${name}@${n} does not exist`);
      return report;
    },
  );

  app.post(
    '/api/v1/models/:ns/:name/versions/:n/promotions',
    {
      config: { guard: { action: 'version.promote', resource: versionToGovern } },
      schema: {
        tags,
        summary: 'Ask to move a version to a later stage',
        description:
          'The gate is evaluated at once. Failing checks: 422 `gate_failed` with the report (the refused request is recorded all the same). ' +
          'Passing with no approval needed: promoted at once (201, status `promoted`). Otherwise 201 with status `pending`: it waits in the approvals queue.',
        params: VersionParams,
        body: Type.Object({ to: Target, rationale: Reason }, { additionalProperties: false }),
        response: { 201: PromotionSchema },
      },
    },
    async (request, reply) => {
      const { ns, name, n } = request.params;
      const id = randomUUID();
      const outcome = await writer.write(writeContext(request, 201), 'requestPromotion', {
        id,
        ref: { namespace: ns, model: name, number: n },
        to: request.body.to as PromotionTarget,
        rationale: request.body.rationale,
        now: clock().toISOString(),
      });
      const result = outcome.result;
      if (result.status === 'refused') {
        const failed = result.report.checks.filter((c) => !c.passed);
        throw new RegistryError('gate_failed', `${ns}/${name}@${n} cannot move to ${result.to}: ${failed.map((c) => `${c.name}: ${c.why}`).join('; ')}`, {
          extensions: { request: result.id, report: result.report },
        });
      }
      return sendWrite(reply, outcome, 201, `/api/v1/promotions/${result.id}`);
    },
  );

  app.get(
    '/api/v1/models/:ns/:name/versions/:n/promotions',
    { config: { guard: { action: 'catalog.read', resource: versionInPath } }, schema: { tags, summary: "A version's promotion requests, oldest first, with reports and approvals", params: VersionParams, response: { 200: listOf(PromotionSchema) } } },
    async (request) => {
      const { ns, name, n } = request.params;
      const version = await versionRowOrFail(store.db, { namespace: ns, model: name, number: n });
      const rows = await promotionsOf(store.db, version.id);
      const approvals = await approvalsOf(store.db, rows.map((r) => r.id));
      return { items: rows.map((row) => promotionView(row, approvals)) };
    },
  );

  app.get(
    '/api/v1/promotions',
    {
      config: { guard: { action: 'catalog.read' } },
      schema: {
        tags,
        summary: 'Promotion requests: the approvals queue is `status=pending`',
        querystring: Type.Object(
          {
            status: Type.Optional(literalUnion(promotionStatuses)),
            namespace: Type.Optional(NameSchema),
            limit: Limit,
            cursor: Type.Optional(Cursor),
          },
          { additionalProperties: false },
        ),
        response: { 200: pageOfItems(PromotionSchema) },
      },
    },
    async (request) => {
      const { status, namespace, limit, cursor } = request.query;
      const only = readableNamespaces(request, authorizer);
      if (only !== undefined && only.length === 0) return { items: [], nextCursor: null };
      let query = store.db.selectFrom('promotion_requests').selectAll().orderBy('seq', 'desc').limit(limit + 1);
      if (status !== undefined) query = query.where('status', '=', status);
      if (namespace !== undefined) query = query.where('namespace', '=', namespace);
      if (only !== undefined) query = query.where('namespace', 'in', only);
      if (cursor !== undefined) query = query.where('seq', '<', Number(cursor));
      const rows = await query.execute();
      const page = rows.slice(0, limit);
      const approvals = await approvalsOf(store.db, page.map((r) => r.id));
      return { items: page.map((row) => promotionView(row, approvals)), nextCursor: rows.length > limit ? String(page.at(-1)!.seq) : null };
    },
  );

  app.get(
    '/api/v1/promotions/:id',
    { config: { guard: { action: 'catalog.read', resource: promotionToRead } }, schema: { tags, summary: 'One promotion request, with its gate report, approvals and what is still needed', params: IdParams, response: { 200: PromotionSchema } } },
    async (request) => {
      const row = (await findPromotion(store.db, request.params.id))!;
      const view = promotionView(row, await approvalsOf(store.db, [row.id]));
      const needed = view.status === 'pending' ? countApprovals(view.report.approvals, view.approvals.map((a) => ({ by: a.by, roles: a.roles as Role[] }))).missing : [];
      return { ...view, stillNeeded: [...needed] };
    },
  );

  app.post(
    '/api/v1/promotions/:id/approve',
    {
      config: { guard: { action: 'promotion.approve', resource: promotionToDecide } },
      schema: {
        tags,
        summary: 'Co-sign a pending promotion with a rationale; the last approval needed promotes',
        description: 'Refused for the requester and the authors of the version; each approver counts once. The gate is evaluated again first.',
        params: IdParams,
        body: Type.Object({ rationale: Reason }, { additionalProperties: false }),
        response: { 200: PromotionSchema },
      },
    },
    async (request, reply) => {
      // The roles that count are the ones held where the version lives: the resource the guard decided on.
      const roles = [...authorizer.rolesFor(request.principal, 'promotion.approve', request.guarded!)];
      const outcome = await writer.write(writeContext(request, 200), 'approvePromotion', {
        id: request.params.id,
        approver: request.principal.id,
        roles,
        rationale: request.body.rationale,
        now: clock().toISOString(),
      });
      return sendWrite(reply, outcome, 200);
    },
  );

  app.post(
    '/api/v1/promotions/:id/reject',
    {
      config: { guard: { action: 'promotion.approve', resource: promotionToDecide } },
      schema: { tags, summary: 'Reject a pending promotion; the reason is required and recorded', params: IdParams, body: Type.Object({ reason: Reason }, { additionalProperties: false }), response: { 200: PromotionSchema } },
    },
    async (request, reply) => {
      const outcome = await writer.write(writeContext(request, 200), 'rejectPromotion', { id: request.params.id, rejecter: request.principal.id, reason: request.body.reason });
      return sendWrite(reply, outcome, 200);
    },
  );

  app.post(
    '/api/v1/promotions/:id/withdraw',
    {
      config: { guard: { action: 'version.promote', resource: promotionToRead } },
      schema: { tags, summary: 'Take back your own pending promotion request, with a reason', params: IdParams, body: Type.Object({ reason: Reason }, { additionalProperties: false }), response: { 200: PromotionSchema } },
    },
    async (request, reply) => {
      const outcome = await writer.write(writeContext(request, 200), 'withdrawPromotion', { id: request.params.id, requester: request.principal.id, reason: request.body.reason });
      return sendWrite(reply, outcome, 200);
    },
  );
}
