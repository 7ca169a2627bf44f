import { Type } from '@sinclair/typebox';
import {
  ModelVersionSchema,
  NameSchema,
  PublishVersionSchema,
  RegisterVersionSchema,
  TagSchema,
  UpdateVersionSchema,
  pageOf,
  stages,
  versionStatuses,
} from '../../catalog/schemas.js';
import { resolveAsOf } from '../../store/queries/as-of.js';
import { searchVersions } from '../../store/queries/search-versions.js';
import type { App, RouteDeps } from '../app-types.js';
import { authorizeManifestBlobs, modelInPath, modelToRegisterIn, versionInPath } from '../resources.js';
import { readableNamespaces } from '../readable-namespaces.js';
import { sendWrite, writeContext } from '../write-reply.js';
import { AsOf, AsOfQuery, Cursor, Limit, literalUnion, ModelParams, VersionParams } from './common-schemas.js';

const tags = ['versions'];

const VersionQuery = Type.Object(
  {
    namespace: Type.Optional(NameSchema),
    model: Type.Optional(Type.String({ pattern: '^([a-z0-9][a-z0-9._-]{0,62}/)?[a-z0-9][a-z0-9._-]{0,62}$', description: 'name, or namespace/name' })),
    tag: Type.Optional(TagSchema),
    status: Type.Optional(literalUnion(versionStatuses)),
    stage: Type.Optional(literalUnion(stages)),
    license: Type.Optional(Type.String({ maxLength: 500 })),
    asOf: Type.Optional(AsOf),
    limit: Limit,
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

const ModelVersionsQuery = Type.Object(
  { status: Type.Optional(literalUnion(versionStatuses)), asOf: Type.Optional(AsOf), limit: Limit, cursor: Type.Optional(Cursor) },
  { additionalProperties: false },
);

export function versionRoutes(app: App, deps: RouteDeps): void {
  const { catalog, store, authorizer } = deps;
  app.post(
    '/api/v1/models/:ns/:name/versions',
    {
      config: { guard: { action: 'version.register', resource: modelToRegisterIn } },
      schema: {
        tags,
        summary: 'Register a version; the server assigns its number',
        description: 'Every blob in the manifest must already be uploaded. Send Idempotency-Key so a retry does not register twice.',
        params: ModelParams,
        body: RegisterVersionSchema,
        response: { 201: ModelVersionSchema },
      },
    },
    async (request, reply) => {
      const { ns, name } = request.params;
      await authorizeManifestBlobs(request, deps, request.body.manifest);
      const outcome = await catalog.registerVersion(writeContext(request, 201), ns, name, request.body);
      return sendWrite(reply, outcome, 201, `/api/v1/models/${ns}/${name}/versions/${outcome.result.number}`);
    },
  );

  app.get(
    '/api/v1/models/:ns/:name/versions',
    { config: { guard: { action: 'catalog.read', resource: modelInPath } }, schema: { tags, summary: "A model's versions, oldest first", params: ModelParams, querystring: ModelVersionsQuery, response: { 200: pageOf(ModelVersionSchema) } } },
    async (request) => {
      const { asOf: asOfText, ...search } = request.query;
      const asOf = await resolveAsOf(store.db, asOfText);
      await catalog.getModel(request.params.ns, request.params.name, 0, asOf);
      return searchVersions(store.db, store.dialect, { ...search, namespace: request.params.ns, model: request.params.name }, asOf);
    },
  );

  app.get(
    '/api/v1/models/:ns/:name/versions/:n',
    {
      config: { guard: { action: 'catalog.read', resource: versionInPath } },
      schema: { tags, summary: 'One version', params: VersionParams, querystring: AsOfQuery, response: { 200: ModelVersionSchema } },
    },
    async (request, reply) => {
      const { ns, name, n } = request.params;
      const asOf = await resolveAsOf(store.db, request.query.asOf);
      const version = await catalog.getVersion({ namespace: ns, model: name, number: n }, asOf);
      if (asOf === undefined) reply.header('etag', `"r${version.revision}"`);
      return version;
    },
  );

  app.patch(
    '/api/v1/models/:ns/:name/versions/:n',
    {
      config: { guard: { action: 'version.update', resource: versionInPath } },
      schema: {
        tags,
        summary: "Change a draft's manifest or metadata",
        description: 'Requires If-Match with the ETag last read. A published version answers 409 `immutable`.',
        params: VersionParams,
        headers: Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 200 })) }),
        body: UpdateVersionSchema,
        response: { 200: ModelVersionSchema },
      },
    },
    async (request, reply) => {
      const { ns, name, n } = request.params;
      await authorizeManifestBlobs(request, deps, request.body.manifest);
      const outcome = await catalog.updateVersion(writeContext(request, 200), { namespace: ns, model: name, number: n }, request.body, request.headers['if-match']);
      return sendWrite(reply, outcome, 200);
    },
  );

  app.post(
    '/api/v1/models/:ns/:name/versions/:n/publish',
    {
      config: { guard: { action: 'version.publish', resource: versionInPath } },
      schema: { tags, summary: 'Publish a draft: from then on it never changes', params: VersionParams, body: Type.Optional(PublishVersionSchema), response: { 200: ModelVersionSchema } },
    },
    async (request, reply) => {
      const { ns, name, n } = request.params;
      const outcome = await catalog.publishVersion(writeContext(request, 200), { namespace: ns, model: name, number: n }, request.body?.reason);
      return sendWrite(reply, outcome, 200);
    },
  );

  app.get(
    '/api/v1/versions',
    { config: { guard: { action: 'catalog.read' } }, schema: { tags, summary: 'Search versions across models', querystring: VersionQuery, response: { 200: pageOf(ModelVersionSchema) } } },
    async (request) => {
      const { asOf, model, ...rest } = request.query;
      const [namespace, name] = model?.includes('/') ? model.split('/') : [rest.namespace, model];
      if (rest.namespace !== undefined && namespace !== rest.namespace) return { items: [], nextCursor: null };
      return searchVersions(store.db, store.dialect, { ...rest, namespace, model: name, only: readableNamespaces(request, authorizer) }, await resolveAsOf(store.db, asOf));
    },
  );
}
