import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { amendmentView, attestationView, changeView, deploymentView, noteView, promotionView } from '../../../governance/views.js';
import { aliasesAt, allAttestations, approvalsOf, promotionsOf, versionRowOrFail } from '../../../store/queries/find-governance.js';
import type { App, RouteDeps } from '../../app-types.js';
import { versionToGovern } from '../../governance-resources.js';
import { versionInPath } from '../../resources.js';
import { sendWrite, writeContext } from '../../write-reply.js';
import { Reason } from '../access-schemas.js';
import { VersionParams } from '../common-schemas.js';

import { QuarantineSchema } from '../../../governance/view-schemas.js';

const tags = ['governance'];
const ReasonBody = Type.Object({ reason: Reason }, { additionalProperties: false });

export function lifecycleRoutes(app: App, deps: RouteDeps): void {
  const { store, writer } = deps;
  const refOf = (params: { ns: string; name: string; n: number }) => ({ namespace: params.ns, model: params.name, number: params.n });

  app.post(
    '/api/v1/models/:ns/:name/versions/:n/quarantine',
    {
      config: { guard: { action: 'version.quarantine', resource: versionToGovern } },
      schema: {
        tags,
        summary: 'Quarantine a version: no promotion or deployment, downloads for investigators only, and every environment running it rolls back to its last healthy version, in one step',
        params: VersionParams,
        body: ReasonBody,
        response: { 200: QuarantineSchema },
      },
    },
    async (request, reply) => {
      const outcome = await writer.write({ ...writeContext(request, 200), reason: request.body.reason }, 'quarantineVersion', { ref: refOf(request.params), reason: request.body.reason, idSeed: randomUUID() });
      return sendWrite(reply, outcome, 200);
    },
  );

  app.post(
    '/api/v1/models/:ns/:name/versions/:n/release',
    { config: { guard: { action: 'version.quarantine', resource: versionToGovern } }, schema: { tags, summary: 'Lift a quarantine once the investigation clears the version (it is not redeployed anywhere)', params: VersionParams, body: ReasonBody } },
    async (request, reply) => {
      const outcome = await writer.write({ ...writeContext(request, 200), reason: request.body.reason }, 'releaseVersion', { ref: refOf(request.params), reason: request.body.reason });
      return sendWrite(reply, outcome, 200);
    },
  );

  app.post(
    '/api/v1/models/:ns/:name/versions/:n/retire',
    { config: { guard: { action: 'version.promote', resource: versionToGovern } }, schema: { tags, summary: 'Retire a version: archived with its reason, its record kept for good; refused while an environment runs it', params: VersionParams, body: ReasonBody } },
    async (request, reply) => {
      const outcome = await writer.write({ ...writeContext(request, 200), reason: request.body.reason }, 'retireVersion', { ref: refOf(request.params), reason: request.body.reason });
      return sendWrite(reply, outcome, 200);
    },
  );

  app.get(
    '/api/v1/models/:ns/:name/versions/:n/governance',
    { config: { guard: { action: 'catalog.read', resource: versionInPath } }, schema: { tags, summary: "Everything governance knows of a version: stage, status, attestations, promotions, where it runs, notes, change requests and amendments", params: VersionParams } },
    async (request) => {
      const { ns, name, n } = request.params;
      const version = await versionRowOrFail(store.db, refOf(request.params));
      const id = version.id;
      const promotions = await promotionsOf(store.db, id);
      const approvals = await approvalsOf(store.db, promotions.map((p) => p.id));
      const deployments = await store.db.selectFrom('deployments').selectAll().where('namespace', '=', ns).where('model', '=', name).where('number', '=', n).orderBy('seq').execute();
      return {
        version: `${ns}/${name}@${n}`,
        status: version.status,
        stage: version.stage,
        attestations: (await allAttestations(store.db, id)).map(attestationView),
        promotions: promotions.map((p) => promotionView(p, approvals)),
        servingIn: (await aliasesAt(store.db, refOf(request.params))).map((a) => ({ environment: a.environment, deploymentId: a.deployment_id, since: a.since_at })),
        deployments: deployments.map(deploymentView),
        notes: (await store.db.selectFrom('version_notes').selectAll().where('version_id', '=', id).orderBy('seq').execute()).map(noteView),
        changes: (await store.db.selectFrom('change_requests').selectAll().where('version_id', '=', id).orderBy('seq').execute()).map(changeView),
        amendments: (await store.db.selectFrom('version_amendments').selectAll().where('version_id', '=', id).orderBy('seq').execute()).map(amendmentView),
      };
    },
  );
}
