import { versionLabel } from '../../../catalog/catalog-commands.js';
import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { DigestSchema, NameSchema, stages } from '../../../catalog/schemas.js';
import { RegistryError } from '../../../errors/registry-error.js';
import { type ReportedStatus, reportedStatuses } from '../../../governance/entry-payloads.js';
import { deploymentView, environmentView, reportView } from '../../../governance/views.js';
import { aliasesOfModel, findEnvironment } from '../../../store/queries/find-governance.js';
import type { App, RouteDeps } from '../../app-types.js';
import { environmentResource, MODEL_LABEL_PATTERN, modelToRollBack, parseVersionLabel, VERSION_LABEL_PATTERN, versionToDeploy, versionToReport } from '../../governance-resources.js';
import { readableNamespaces } from '../../readable-namespaces.js';
import { modelInPath } from '../../resources.js';
import { sendWrite, writeContext } from '../../write-reply.js';
import { Reason } from '../access-schemas.js';
import { Limit, literalUnion, ModelParams } from '../common-schemas.js';

import { DeploymentSchema, EnvironmentSchema, listOf, RollbackSchema } from '../../../governance/view-schemas.js';

const tags = ['deployments'];
const EnvParams = Type.Object({ env: NameSchema });
const VersionLabel = Type.String({ pattern: VERSION_LABEL_PATTERN, description: 'namespace/name@number' });
const ModelLabel = Type.String({ pattern: MODEL_LABEL_PATTERN, description: 'namespace/name' });

export function deploymentRoutes(app: App, deps: RouteDeps): void {
  const { store, writer, authorizer } = deps;

  const environmentOrFail = async (name: string) => {
    const env = await findEnvironment(store.db, name);
    if (env === undefined) throw new RegistryError('not_found', `Environment ${name} does not exist`);
    return env;
  };

  app.post(
    '/api/v1/environments',
    {
      config: { guard: { action: 'environment.manage', resource: environmentResource } },
      schema: {
        tags,
        summary: 'Create a named environment (staging, production) and the stage a version must reach to be deployed there',
        body: Type.Object({ name: NameSchema, requiredStage: literalUnion(stages.filter((s) => s !== 'retired')), description: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
        response: { 201: EnvironmentSchema },
      },
    },
    async (request, reply) => {
      const { name, requiredStage, description } = request.body;
      const outcome = await writer.write(writeContext(request, 201), 'createEnvironment', { name, requiredStage, description: description ?? '' });
      return sendWrite(reply, outcome, 201, `/api/v1/environments/${name}`);
    },
  );

  app.get('/api/v1/environments', { config: { guard: { action: 'catalog.read' } }, schema: { tags, summary: 'The environments', response: { 200: listOf(EnvironmentSchema) } } }, async () => ({
    items: (await store.db.selectFrom('environments').selectAll().orderBy('name').execute()).map(environmentView),
  }));

  app.get(
    '/api/v1/environments/:env',
    { config: { guard: { action: 'catalog.read', resource: environmentResource } }, schema: { tags, summary: 'One environment and what its aliases point at (models the caller may read)', params: EnvParams } },
    async (request) => {
      const env = await environmentOrFail(request.params.env);
      const only = readableNamespaces(request, authorizer);
      if (only?.length === 0) return { ...environmentView(env), aliases: [] };
      let query = store.db.selectFrom('aliases').selectAll().where('environment', '=', env.name).orderBy('namespace').orderBy('model');
      if (only !== undefined) query = query.where('namespace', 'in', only);
      const aliases = (await query.execute()).map((a) => ({ model: `${a.namespace}/${a.model}`, version: versionLabel(a), deploymentId: a.deployment_id, since: a.since_at }));
      return { ...environmentView(env), aliases };
    },
  );

  app.post(
    '/api/v1/environments/:env/deployments',
    {
      config: { guard: { action: 'version.deploy', resource: versionToDeploy } },
      schema: {
        tags,
        summary: "Deploy: point the environment's alias for the model at this version",
        description: 'Refused for versions that have not reached the stage the environment requires, and for quarantined, retired or draft ones. The answer carries the deployment id to tag releases with.',
        params: EnvParams,
        body: Type.Object({ version: VersionLabel, reason: Type.Optional(Reason) }, { additionalProperties: false }),
        response: { 201: DeploymentSchema },
      },
    },
    async (request, reply) => {
      const ref = parseVersionLabel(request.body.version);
      const deploymentId = randomUUID();
      const outcome = await writer.write({ ...writeContext(request, 201), reason: request.body.reason }, 'deployVersion', { deploymentId, environment: request.params.env, ref, reason: request.body.reason });
      return sendWrite(reply, outcome, 201, `/api/v1/environments/${request.params.env}/deployments/${deploymentId}`);
    },
  );

  app.get(
    '/api/v1/environments/:env/deployments',
    {
      config: { guard: { action: 'catalog.read', resource: environmentResource } },
      schema: { tags, summary: 'Deployment history of an environment, newest first', params: EnvParams, querystring: Type.Object({ model: Type.Optional(ModelLabel), limit: Limit }, { additionalProperties: false }), response: { 200: listOf(DeploymentSchema) } },
    },
    async (request) => {
      await environmentOrFail(request.params.env);
      const only = readableNamespaces(request, authorizer);
      if (only?.length === 0) return { items: [] };
      let query = store.db.selectFrom('deployments').selectAll().where('environment', '=', request.params.env).orderBy('seq', 'desc').limit(request.query.limit);
      if (request.query.model !== undefined) {
        const [namespace, model] = request.query.model.split('/') as [string, string];
        query = query.where('namespace', '=', namespace).where('model', '=', model);
      }
      if (only !== undefined) query = query.where('namespace', 'in', only);
      return { items: (await query.execute()).map(deploymentView) };
    },
  );

  app.post(
    '/api/v1/environments/:env/rollback',
    {
      config: { guard: { action: 'version.rollback', resource: modelToRollBack } },
      schema: {
        tags,
        summary: "Roll the environment's alias for a model back: to `to`, or to the last version that was healthy there",
        params: EnvParams,
        body: Type.Object({ model: ModelLabel, to: Type.Optional(Type.Integer({ minimum: 1 })), reason: Reason }, { additionalProperties: false }),
        response: { 200: RollbackSchema },
      },
    },
    async (request, reply) => {
      const [namespace, model] = request.body.model.split('/') as [string, string];
      const outcome = await writer.write({ ...writeContext(request, 200), reason: request.body.reason }, 'rollBack', {
        deploymentId: randomUUID(),
        environment: request.params.env,
        namespace,
        model,
        to: request.body.to,
        reason: request.body.reason,
      });
      return sendWrite(reply, outcome, 200);
    },
  );

  app.post(
    '/api/v1/environments/:env/reports',
    {
      config: { guard: { action: 'deployment.report', resource: versionToReport } },
      schema: {
        tags,
        summary: 'A deployment system reports what it actually runs (or that a rollout failed)',
        description: 'A report that differs from the alias (another version, another artifact digest) is kept and answered with `matchesAlias: false`. A `failed` report keeps the version out of automatic rollbacks to it.',
        params: EnvParams,
        body: Type.Object(
          {
            version: VersionLabel,
            status: literalUnion(reportedStatuses),
            deploymentId: Type.Optional(Type.String({ maxLength: 100 })),
            artifactDigest: Type.Optional(DigestSchema),
            externalId: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: "The deployment system's own release id" })),
            detail: Type.Optional(Type.String({ maxLength: 4000 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { version, status, deploymentId, artifactDigest, externalId, detail } = request.body;
      const outcome = await writer.write(writeContext(request, 201), 'reportDeployment', {
        environment: request.params.env,
        ref: parseVersionLabel(version),
        deploymentId,
        status: status as ReportedStatus,
        artifactDigest,
        externalId,
        detail: detail ?? '',
      });
      return sendWrite(reply, outcome, 201);
    },
  );

  app.get(
    '/api/v1/environments/:env/reports',
    { config: { guard: { action: 'catalog.read', resource: environmentResource } }, schema: { tags, summary: 'What deployment systems reported, newest first', params: EnvParams, querystring: Type.Object({ limit: Limit }, { additionalProperties: false }) } },
    async (request) => {
      await environmentOrFail(request.params.env);
      const only = readableNamespaces(request, authorizer);
      if (only?.length === 0) return { items: [] };
      let query = store.db.selectFrom('deployment_reports').selectAll().where('environment', '=', request.params.env).orderBy('seq', 'desc').limit(request.query.limit);
      if (only !== undefined) query = query.where('namespace', 'in', only);
      return { items: (await query.execute()).map(reportView) };
    },
  );

  app.get(
    '/api/v1/models/:ns/:name/aliases',
    { config: { guard: { action: 'catalog.read', resource: modelInPath } }, schema: { tags, summary: "Where the model runs: each environment's alias and the version it points at", params: ModelParams } },
    async (request) => {
      const rows = await aliasesOfModel(store.db, request.params.ns, request.params.name);
      return { items: rows.map((a) => ({ environment: a.environment, version: versionLabel(a), number: a.number, deploymentId: a.deployment_id, since: a.since_at, sinceSeq: Number(a.since_seq) })) };
    },
  );
}
