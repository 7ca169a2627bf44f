import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { registryResource, type Resource } from '../../../access/resource.js';
import { RegistryError, notFound } from '../../../errors/registry-error.js';
import { declarableKinds } from '../../../lineage/lineage-commands.js';
import { edgeTypes, nodeKinds, type EdgeType, type NodeKind } from '../../../lineage/graph-types.js';
import { kindOfUrn, namespaceOfUrn } from '../../../lineage/lineage-urns.js';
import { canonicalUrn } from '../../../lineage/canonical-purl.js';
import type { Visibility } from '../../../lineage/graph-types.js';
import type { App, ResourceOf, RouteDeps } from '../../app-types.js';
import { readableNamespaces } from '../../readable-namespaces.js';
import { namespaceResource } from '../../resources.js';
import { sendWrite, writeContext } from '../../write-reply.js';
import { Reason } from '../access-schemas.js';
import { literalUnion } from '../common-schemas.js';

const tags = ['lineage'];
const Urn = Type.String({ minLength: 4, maxLength: 600, description: 'A lineage URN: mk:<kind>:<path>' });
const csvOf = (values: readonly string[], what: string) => Type.String({ maxLength: 400, description: `Comma-separated ${what}: ${values.join(', ')}` });
const level = literalUnion(['low', 'medium', 'high'] as const);

const NodeBody = Type.Object(
  {
    urn: Urn,
    attributes: Type.Object(
      {
        name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        description: Type.Optional(Type.String({ maxLength: 4000 })),
        owner: Type.Optional(Type.String({ minLength: 1, maxLength: 254 })),
        sensitivity: Type.Optional(level),
        pii: Type.Optional(Type.Boolean()),
        license: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'An SPDX expression' })),
        usageTerms: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50, uniqueItems: true, description: 'Labels from the data-usage agreement: non-commercial, research-only, no-derivatives, share-alike, internal-only, no-redistribution…' })),
        agreement: Type.Optional(Type.String({ maxLength: 500, description: 'The data-usage agreement: a label, never fetched' })),
        digest: Type.Optional(Type.String({ pattern: '^sha256:[0-9a-f]{64}$' })),
        endpoint: Type.Optional(Type.String({ maxLength: 500, description: 'A label, never fetched' })),
        extra: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.Unknown(), { maxProperties: 100 })),
      },
      { additionalProperties: false },
    ),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false },
);
const EdgeBody = Type.Object({ from: Urn, type: literalUnion(edgeTypes), to: Urn, reason: Type.Optional(Reason) }, { additionalProperties: false });

function checkedUrn(urn: string): NodeKind {
  const kind = kindOfUrn(urn);
  if (kind === null) throw new RegistryError('invalid_request', `${urn} is not a lineage URN; expected mk:<kind>:<path> with kind one of ${nodeKinds.join(', ')} (e.g. mk:dataset:fraud/transactions@2024-06, mk:library:pkg:pypi/numpy@1.26.4)`);
  return kind;
}

/** A namespaced node is guarded by its namespace; libraries, images and services are shared, so any grant of the action counts. */
const nodeResource = (urn: string): Resource => {
  const namespace = namespaceOfUrn(urn);
  return namespace === null ? registryResource : namespaceResource(namespace, `Namespace ${namespace} does not exist`);
};
const nodeInBody: ResourceOf = (request) => nodeResource(String((request.body as { urn: string }).urn));
const edgeSource: ResourceOf = (request) => nodeResource(String((request.body as { from: string }).from));

/** Hides nodes of namespaces the caller may not read (and does not walk through them): asked once per namespace, not per node. */
function visibleTo(request: FastifyRequest, deps: RouteDeps): Visibility {
  const only = readableNamespaces(request, deps.authorizer);
  if (only === undefined) return {};
  const readable = new Set(only);
  return { readableNamespace: (namespace) => readable.has(namespace) };
}

function listOf<T extends string>(text: string | undefined, allowed: readonly T[], what: string): T[] | undefined {
  if (text === undefined || text === '') return undefined;
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = items.filter((s) => !(allowed as readonly string[]).includes(s));
  if (unknown.length > 0) throw new RegistryError('invalid_request', `Unknown ${what} ${unknown.join(', ')}; use ${allowed.join(', ')}`);
  return items as T[];
}

function visibleStart(urn: string, visibility: Visibility): void {
  const namespace = namespaceOfUrn(urn);
  if (namespace !== null && visibility.readableNamespace !== undefined && !visibility.readableNamespace(namespace)) throw notFound(`Node ${urn}`);
}

export function lineageRoutes(app: App, deps: RouteDeps): void {
  const { writer, lineage } = deps;

  app.get(
    '/api/v1/lineage/*',
    {
      config: { guard: { action: 'catalog.read' } },
      schema: {
        tags,
        summary: 'The graph around a node: upstream (what it depends on), downstream (what depends on it) or both',
        description: 'A model URN starts from all its versions; a library URN without a version (mk:library:pkg:pypi/numpy) from every version of the package. `kind`, `stage` and `environment` filter the nodes returned (the walk passes through the others); `edgeType` restricts the edges walked. Each node has `via`, its parent on a shortest path, so the answer draws as a tree. Nodes of namespaces you may not read are left out.',
        querystring: Type.Object(
          {
            direction: Type.Optional(literalUnion(['upstream', 'downstream', 'both'] as const)),
            depth: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 3 })),
            kind: Type.Optional(csvOf(nodeKinds, 'node kinds')),
            edgeType: Type.Optional(csvOf(edgeTypes, 'edge types')),
            stage: Type.Optional(Type.String({ maxLength: 20 })),
            environment: Type.Optional(Type.String({ maxLength: 63 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 500 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const urn = canonicalUrn((request.params as { '*': string })['*']);
      checkedUrn(urn);
      const q = request.query as { direction?: 'upstream' | 'downstream' | 'both'; depth?: number; kind?: string; edgeType?: string; stage?: string; environment?: string; limit?: number };
      const visible = visibleTo(request, deps);
      visibleStart(urn, visible);
      const graph = await lineage.current();
      const kinds = listOf<NodeKind>(q.kind, nodeKinds, 'node kind');
      const types = listOf<EdgeType>(q.edgeType, edgeTypes, 'edge type');
      const result = graph.traverse(urn, {
        direction: q.direction ?? 'both',
        depth: q.depth ?? 3,
        limit: q.limit ?? 500,
        ...(kinds === undefined ? {} : { kinds }),
        ...(types === undefined ? {} : { edgeTypes: types }),
        ...(q.stage === undefined ? {} : { stage: q.stage }),
        ...(q.environment === undefined ? {} : { environment: q.environment }),
        ...visible,
      });
      if (result === null) throw notFound(`Node ${urn} (nothing records it or links to it)`);
      return result;
    },
  );

  app.get(
    '/api/v1/lineage-paths',
    {
      config: { guard: { action: 'catalog.read' } },
      schema: {
        tags,
        summary: 'Why does `from` depend on `to`: the shortest dependency paths between them (e.g. a model and a library)',
        querystring: Type.Object(
          { from: Urn, to: Urn, maxPaths: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 5 })), maxDepth: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const given = request.query as { from: string; to: string; maxPaths?: number; maxDepth?: number };
      const q = { ...given, from: canonicalUrn(given.from), to: canonicalUrn(given.to) };
      checkedUrn(q.from);
      checkedUrn(q.to);
      const visible = visibleTo(request, deps);
      visibleStart(q.from, visible);
      visibleStart(q.to, visible);
      const graph = await lineage.current();
      const paths = graph.whyPaths(q.from, q.to, { maxPaths: q.maxPaths ?? 5, maxDepth: q.maxDepth ?? 10, ...visible });
      if (paths === null) throw notFound(`${graph.hasNode(q.from) ? q.to : q.from} (nothing records it or links to it)`);
      return { from: q.from, to: q.to, connected: paths.length > 0, paths };
    },
  );

  app.get(
    '/api/v1/impact',
    {
      config: { guard: { action: 'catalog.read' } },
      schema: {
        tags,
        summary: 'Blast radius: the model versions downstream of a node (a dataset, a library, an image…), each with the path it is reached through',
        querystring: Type.Object(
          {
            urn: Urn,
            stage: Type.Optional(Type.String({ maxLength: 20, description: 'e.g. production' })),
            environment: Type.Optional(Type.String({ maxLength: 63 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 500 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const given = request.query as { urn: string; stage?: string; environment?: string; limit?: number };
      const q = { ...given, urn: canonicalUrn(given.urn) };
      checkedUrn(q.urn);
      const visible = visibleTo(request, deps);
      visibleStart(q.urn, visible);
      const graph = await lineage.current();
      const result = graph.blastRadius(q.urn, { limit: q.limit ?? 500, ...(q.stage === undefined ? {} : { stage: q.stage }), ...(q.environment === undefined ? {} : { environment: q.environment }), ...visible });
      if (result === null) throw notFound(`Node ${q.urn} (nothing records it or links to it)`);
      const models = new Set(result.affected.map((a) => a.model));
      return { urn: q.urn, filters: { stage: q.stage ?? null, environment: q.environment ?? null }, models: models.size, ...result };
    },
  );

  app.put(
    '/api/v1/lineage-nodes',
    {
      config: { guard: { action: 'lineage.record', resource: nodeInBody } },
      schema: { tags, summary: 'Describe a dataset (sensitivity, PII, license, usage terms, owner), feature set, pipeline, run, library, image or service; recording it again replaces the description', body: NodeBody },
    },
    async (request, reply) => {
      const given = request.body as { urn: string; attributes: Record<string, unknown>; reason?: string };
      const body = { ...given, urn: canonicalUrn(given.urn) };
      const kind = checkedUrn(body.urn);
      if (!(declarableKinds as readonly string[]).includes(kind)) {
        throw new RegistryError('invalid_request', `A ${kind} is described by the catalog, not here; describe ${declarableKinds.join(', ')} nodes`);
      }
      const outcome = await writer.write({ ...writeContext(request, 200), reason: body.reason }, 'recordLineageNode', { urn: body.urn, kind, namespace: namespaceOfUrn(body.urn), attributes: body.attributes });
      return sendWrite(reply, outcome, outcome.result.created ? 201 : 200);
    },
  );

  app.get(
    '/api/v1/lineage-nodes',
    { config: { guard: { action: 'catalog.read' } }, schema: { tags, summary: 'One node: its description and its edges in the tables (derived and declared)', querystring: Type.Object({ urn: Urn }, { additionalProperties: false }) } },
    async (request) => {
      const urn = canonicalUrn((request.query as { urn: string }).urn);
      const kind = checkedUrn(urn);
      visibleStart(urn, visibleTo(request, deps));
      const db = deps.store.db;
      const node = await db.selectFrom('lineage_nodes').selectAll().where('urn', '=', urn).executeTakeFirst();
      const out = await db.selectFrom('lineage_edges').select(['type', 'to_urn', 'owner']).where('from_urn', '=', urn).orderBy('type').orderBy('to_urn').limit(5000).execute();
      const into = await db.selectFrom('lineage_edges').select(['type', 'from_urn', 'owner']).where('to_urn', '=', urn).orderBy('type').orderBy('from_urn').limit(5000).execute();
      if (node === undefined && out.length === 0 && into.length === 0) throw notFound(`Node ${urn} (nothing records it or links to it)`);
      const origin = (owner: string) => (owner === '' ? 'declared' : { derivedFrom: owner });
      return {
        urn,
        kind,
        described: node !== undefined,
        attributes: node === undefined ? {} : (JSON.parse(node.attributes) as unknown),
        updatedAt: node?.updated_at ?? null,
        updatedBy: node?.updated_by ?? null,
        outgoing: out.map((e) => ({ type: e.type, to: e.to_urn, origin: origin(e.owner) })),
        incoming: into.map((e) => ({ type: e.type, from: e.from_urn, origin: origin(e.owner) })),
      };
    },
  );

  app.post(
    '/api/v1/lineage-edges',
    { config: { guard: { action: 'lineage.record', resource: edgeSource } }, schema: { tags, summary: "Declare an edge a version's record does not say (`from` `type` `to`, e.g. a version `uses` a feature set)", body: EdgeBody } },
    async (request, reply) => {
      const given = request.body as { from: string; type: EdgeType; to: string; reason?: string };
      const body = { ...given, from: canonicalUrn(given.from), to: canonicalUrn(given.to) };
      checkedUrn(body.from);
      checkedUrn(body.to);
      const outcome = await writer.write({ ...writeContext(request, 201), reason: body.reason }, 'addLineageEdge', body);
      return sendWrite(reply, outcome, 201);
    },
  );

  app.delete(
    '/api/v1/lineage-edges',
    { config: { guard: { action: 'lineage.record', resource: edgeSource } }, schema: { tags, summary: 'Remove a declared edge (a derived one changes with the record it comes from)', body: EdgeBody } },
    async (request, reply) => {
      const given = request.body as { from: string; type: EdgeType; to: string; reason?: string };
      const body = { ...given, from: canonicalUrn(given.from), to: canonicalUrn(given.to) };
      checkedUrn(body.from);
      checkedUrn(body.to);
      const outcome = await writer.write({ ...writeContext(request, 200), reason: body.reason }, 'removeLineageEdge', body);
      return sendWrite(reply, outcome, 200);
    },
  );
}
