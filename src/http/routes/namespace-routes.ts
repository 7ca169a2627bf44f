import { Type } from '@sinclair/typebox';
import { CreateNamespaceSchema, ExtensionKindSchema, NameSchema, NamespaceSchema, pageOf } from '../../catalog/schemas.js';
import type { JsonObject } from '../../ledger/entry.js';
import { listNamespaces } from '../../store/queries/find-catalog.js';
import type { App, RouteDeps } from '../app-types.js';
import { namespaceInPath } from '../resources.js';
import { readableNamespaces } from '../readable-namespaces.js';
import { sendWrite, writeContext } from '../write-reply.js';
import { AsOf, AsOfQuery, Cursor, Limit } from './common-schemas.js';
import { resolveAsOf } from '../../store/queries/as-of.js';

const tags = ['namespaces'];
const SchemaParams = Type.Object({ ns: NameSchema, kind: ExtensionKindSchema });

export function namespaceRoutes(app: App, { catalog, store, authorizer, sensitiveFields }: RouteDeps): void {
  app.post(
    '/api/v1/namespaces',
    { config: { guard: { action: 'namespace.create' } }, schema: { tags, summary: 'Create a namespace (team)', body: CreateNamespaceSchema, response: { 201: NamespaceSchema } } },
    async (request, reply) => {
      const outcome = await catalog.createNamespace(writeContext(request, 201), request.body);
      return sendWrite(reply, outcome, 201, `/api/v1/namespaces/${outcome.result.name}`);
    },
  );

  app.get(
    '/api/v1/namespaces',
    { config: { guard: { action: 'catalog.read' } }, schema: { tags, summary: 'List namespaces', querystring: Type.Object({ asOf: Type.Optional(AsOf), limit: Limit, cursor: Type.Optional(Cursor) }, { additionalProperties: false }), response: { 200: pageOf(NamespaceSchema) } } },
    async (request) => {
      const { limit, cursor, asOf } = request.query;
      const after = cursor === undefined ? undefined : Buffer.from(cursor, 'base64url').toString('utf8');
      const rows = await listNamespaces(store.db, after, limit, await resolveAsOf(store.db, asOf), readableNamespaces(request, authorizer));
      const items = rows.slice(0, limit);
      return { items, nextCursor: rows.length > limit ? Buffer.from(items[items.length - 1]!.name).toString('base64url') : null };
    },
  );

  app.get(
    '/api/v1/namespaces/:ns',
    { config: { guard: { action: 'catalog.read', resource: namespaceInPath } }, schema: { tags, summary: 'One namespace with its extension schemas', params: Type.Object({ ns: NameSchema }), querystring: AsOfQuery, response: { 200: NamespaceSchema } } },
    async (request) => catalog.getNamespace(request.params.ns, await resolveAsOf(store.db, request.query.asOf)),
  );

  app.put(
    '/api/v1/namespaces/:ns/schemas/:kind',
    {
      config: { guard: { action: 'namespace.configure', resource: namespaceInPath } },
      schema: {
        tags,
        summary: 'Set the JSON Schema that `extra` metadata of models or versions in this namespace must satisfy',
        description: 'Refused with `schema_incompatible` when records already published would no longer be valid.',
        params: SchemaParams,
        body: Type.Record(Type.String(), Type.Unknown(), { description: 'A JSON Schema with "type": "object"' }),
        response: { 200: NamespaceSchema },
      },
    },
    async (request, reply) => {
      const { ns, kind } = request.params;
      const outcome = await catalog.setExtensionSchema(writeContext(request, 200), ns, kind, request.body as JsonObject);
      sensitiveFields.clear();
      return sendWrite(reply, outcome, 200);
    },
  );

  app.delete(
    '/api/v1/namespaces/:ns/schemas/:kind',
    { config: { guard: { action: 'namespace.configure', resource: namespaceInPath } }, schema: { tags, summary: 'Remove an extension schema', params: SchemaParams, response: { 200: NamespaceSchema } } },
    async (request, reply) => {
      const { ns, kind } = request.params;
      const outcome = await catalog.setExtensionSchema(writeContext(request, 200), ns, kind, null);
      sensitiveFields.clear();
      return sendWrite(reply, outcome, 200);
    },
  );
}

