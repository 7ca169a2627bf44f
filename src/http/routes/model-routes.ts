import { Type } from '@sinclair/typebox';
import { CreateModelSchema, ModelSchema, NameSchema, OwnerSchema, TagSchema, UpdateModelSchema, pageOf, riskTiers, stages } from '../../catalog/schemas.js';
import { resolveAsOf } from '../../store/queries/as-of.js';
import { searchModels } from '../../store/queries/search-models.js';
import type { App, RouteDeps } from '../app-types.js';
import { modelInPath, namespaceInBody } from '../resources.js';
import { readableNamespaces } from '../readable-namespaces.js';
import { sendWrite, writeContext } from '../write-reply.js';
import { AsOf, AsOfQuery, Cursor, Limit, literalUnion, ModelParams } from './common-schemas.js';

const tags = ['models'];

const ModelQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Full text over name, description and tags; every word must match (as a prefix)' })),
    namespace: Type.Optional(NameSchema),
    tag: Type.Optional(TagSchema),
    stage: Type.Optional(literalUnion(stages)),
    riskTier: Type.Optional(literalUnion(riskTiers)),
    owner: Type.Optional(OwnerSchema),
    asOf: Type.Optional(AsOf),
    limit: Limit,
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

export function modelRoutes(app: App, { catalog, store, authorizer }: RouteDeps): void {
  app.post(
    '/api/v1/models',
    { config: { guard: { action: 'model.create', resource: namespaceInBody } }, schema: { tags, summary: 'Create a model', body: CreateModelSchema, response: { 201: ModelSchema } } },
    async (request, reply) => {
      const outcome = await catalog.createModel(writeContext(request, 201), request.body);
      return sendWrite(reply, outcome, 201, `/api/v1/models/${outcome.result.namespace}/${outcome.result.name}`);
    },
  );

  app.get(
    '/api/v1/models',
    { config: { guard: { action: 'catalog.read' } }, schema: { tags, summary: 'Search models', querystring: ModelQuery, response: { 200: pageOf(ModelSchema) } } },
    async (request) => {
      const { asOf, ...search } = request.query;
      return searchModels(store.db, store.dialect, { ...search, only: readableNamespaces(request, authorizer) }, await resolveAsOf(store.db, asOf));
    },
  );

  app.get(
    '/api/v1/models/:ns/:name',
    {
      config: { guard: { action: 'catalog.read', resource: modelInPath } },
      schema: { tags, summary: 'One model with its latest versions', params: ModelParams, querystring: AsOfQuery, response: { 200: ModelSchema } },
    },
    async (request, reply) => {
      const asOf = await resolveAsOf(store.db, request.query.asOf);
      const model = await catalog.getModel(request.params.ns, request.params.name, 10, asOf);
      // A past state cannot be the base of a change, so it carries no ETag.
      if (asOf === undefined) reply.header('etag', `"r${model.revision}"`);
      return model;
    },
  );

  app.post(
    '/api/v1/models/:ns/:name/restore',
    {
      config: { guard: { action: 'model.update', resource: modelInPath } },
      schema: {
        tags,
        summary: "Put a model's metadata back as it stood at a past point",
        description:
          'A new ledgered change that sets description, owners, domain, tags, risk profile and extra fields to their values at `asOf`; ' +
          'history is kept. Nothing to put back: answers the model unchanged, with no entry. Send If-Match to refuse it if the model changed meanwhile.',
        params: ModelParams,
        headers: Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 200 })) }),
        body: Type.Object(
          { asOf: AsOf, reason: Type.Optional(Type.String({ maxLength: 1000, description: 'Why; recorded in the ledger.' })) },
          { additionalProperties: false },
        ),
        response: { 200: ModelSchema },
      },
    },
    async (request, reply) => {
      const { ns, name } = request.params;
      const asOf = (await resolveAsOf(store.db, request.body.asOf))!;
      const outcome = await catalog.restoreModel(writeContext(request, 200), ns, name, asOf, request.body.reason, request.headers['if-match']);
      return sendWrite(reply, outcome, 200);
    },
  );

  app.patch(
    '/api/v1/models/:ns/:name',
    {
      config: { guard: { action: 'model.update', resource: modelInPath } },
      schema: {
        tags,
        summary: 'Change mutable model metadata',
        description: 'Send If-Match with the ETag you read to refuse the change if someone else changed the model meanwhile.',
        params: ModelParams,
        headers: Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 200 })) }),
        body: UpdateModelSchema,
        response: { 200: ModelSchema },
      },
    },
    async (request, reply) => {
      const { ns, name } = request.params;
      const outcome = await catalog.updateModel(writeContext(request, 200), ns, name, request.body, request.headers['if-match']);
      return sendWrite(reply, outcome, 200);
    },
  );
}
