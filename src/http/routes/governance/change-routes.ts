import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { NameSchema, VersionMetadataSchema } from '../../../catalog/schemas.js';
import { checkVersionMetadata } from '../../../catalog/validate-metadata.js';
import { changeTemplates } from '../../../governance/entry-payloads.js';
import { changeView } from '../../../governance/views.js';
import { findChange } from '../../../store/queries/find-governance.js';
import type { App, RouteDeps } from '../../app-types.js';
import { changeToDecide, changeToRead, versionToGovern } from '../../governance-resources.js';
import { readableNamespaces } from '../../readable-namespaces.js';
import { sendWrite, writeContext } from '../../write-reply.js';
import { Reason } from '../access-schemas.js';
import { Cursor, Limit, literalUnion, VersionParams } from '../common-schemas.js';

import { ChangeSchema, pageOfItems } from '../../../governance/view-schemas.js';

const tags = ['change control'];
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

/** The workflow templates, for clients that offer them as forms. */
export const changeTemplateDescriptions = {
  correction: 'fix metadata of a published version (an amendment; the original values stay visible)',
  deprecation: 'mark a version deprecated, ahead of retirement, so its users move off it',
  retrain: 'ask for the model to be retrained (drift, new data, a finding); recorded and tracked until decided',
} as const;

export function changeRoutes(app: App, deps: RouteDeps): void {
  const { store, writer, authorizer } = deps;

  app.post(
    '/api/v1/models/:ns/:name/versions/:n/changes',
    {
      config: { guard: { action: 'version.update', resource: versionToGovern } },
      schema: {
        tags,
        summary: 'Ask for a change to a published version: a correction, a deprecation or a retraining',
        description: 'Someone other than the requester approves it (POST /api/v1/changes/{id}/approve). A correction is then applied as an amendment that keeps the original values.',
        params: VersionParams,
        body: Type.Object(
          {
            template: literalUnion(changeTemplates),
            changes: Type.Optional(VersionMetadataSchema),
            rationale: Reason,
            impact: Type.String({ minLength: 3, maxLength: 4000, description: 'Who and what the change affects' }),
          },
          { additionalProperties: false },
        ),
        response: { 201: ChangeSchema },
      },
    },
    async (request, reply) => {
      const { ns, name, n } = request.params;
      const { template, changes, rationale, impact } = request.body;
      if (changes !== undefined) checkVersionMetadata(changes);
      const id = randomUUID();
      const outcome = await writer.write(writeContext(request, 201), 'requestChange', {
        id,
        ref: { namespace: ns, model: name, number: n },
        template: template as (typeof changeTemplates)[number],
        changes: changes ?? {},
        rationale,
        impact,
      });
      return sendWrite(reply, outcome, 201, `/api/v1/changes/${id}`);
    },
  );

  app.get('/api/v1/change-templates', { config: { guard: { action: 'catalog.read' } }, schema: { tags, summary: 'The change request templates and what each is for' } }, async () => ({
    items: Object.entries(changeTemplateDescriptions).map(([template, description]) => ({ template, description })),
  }));

  app.get(
    '/api/v1/changes',
    {
      config: { guard: { action: 'catalog.read' } },
      schema: {
        tags,
        summary: 'Change requests, newest first (`status=pending` is the queue)',
        querystring: Type.Object(
          {
            status: Type.Optional(literalUnion(['pending', 'approved', 'rejected', 'withdrawn'])),
            template: Type.Optional(literalUnion(changeTemplates)),
            namespace: Type.Optional(NameSchema),
            limit: Limit,
            cursor: Type.Optional(Cursor),
          },
          { additionalProperties: false },
        ),
        response: { 200: pageOfItems(ChangeSchema) },
      },
    },
    async (request) => {
      const { status, template, namespace, limit, cursor } = request.query;
      const only = readableNamespaces(request, authorizer);
      if (only !== undefined && only.length === 0) return { items: [], nextCursor: null };
      let query = store.db.selectFrom('change_requests').selectAll().orderBy('seq', 'desc').limit(limit + 1);
      if (status !== undefined) query = query.where('status', '=', status);
      if (template !== undefined) query = query.where('template', '=', template);
      if (namespace !== undefined) query = query.where('namespace', '=', namespace);
      if (only !== undefined) query = query.where('namespace', 'in', only);
      if (cursor !== undefined) query = query.where('seq', '<', Number(cursor));
      const rows = await query.execute();
      const page = rows.slice(0, limit);
      return { items: page.map(changeView), nextCursor: rows.length > limit ? String(page.at(-1)!.seq) : null };
    },
  );

  app.get(
    '/api/v1/changes/:id',
    { config: { guard: { action: 'catalog.read', resource: changeToRead } }, schema: { tags, summary: 'One change request', params: IdParams, response: { 200: ChangeSchema } } },
    async (request) => changeView((await findChange(store.db, request.params.id))!),
  );

  app.post(
    '/api/v1/changes/:id/approve',
    {
      config: { guard: { action: 'change.approve', resource: changeToDecide } },
      schema: { tags, summary: 'Approve a change request (not your own); it is applied at once', params: IdParams, body: Type.Object({ rationale: Reason }, { additionalProperties: false }), response: { 200: ChangeSchema } },
    },
    async (request, reply) => {
      const outcome = await writer.write(writeContext(request, 200), 'approveChange', { id: request.params.id, approver: request.principal.id, rationale: request.body.rationale });
      return sendWrite(reply, outcome, 200);
    },
  );

  app.post(
    '/api/v1/changes/:id/reject',
    {
      config: { guard: { action: 'change.approve', resource: changeToDecide } },
      schema: { tags, summary: 'Reject a change request with a reason', params: IdParams, body: Type.Object({ reason: Reason }, { additionalProperties: false }), response: { 200: ChangeSchema } },
    },
    async (request, reply) => {
      const outcome = await writer.write(writeContext(request, 200), 'rejectChange', { id: request.params.id, reason: request.body.reason });
      return sendWrite(reply, outcome, 200);
    },
  );

  app.post(
    '/api/v1/changes/:id/withdraw',
    {
      config: { guard: { action: 'version.update', resource: changeToRead } },
      schema: { tags, summary: 'Take back your own pending change request, with a reason', params: IdParams, body: Type.Object({ reason: Reason }, { additionalProperties: false }), response: { 200: ChangeSchema } },
    },
    async (request, reply) => {
      const outcome = await writer.write(writeContext(request, 200), 'withdrawChange', { id: request.params.id, requester: request.principal.id, reason: request.body.reason });
      return sendWrite(reply, outcome, 200);
    },
  );
}
