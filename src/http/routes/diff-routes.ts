import { Type } from '@sinclair/typebox';
import { NameSchema } from '../../catalog/schemas.js';
import { resolveAsOf } from '../../store/queries/as-of.js';
import { diffCatalog } from '../../store/queries/diff-catalog.js';
import { ledgerSize } from '../../store/queries/read-ledger.js';
import type { App, RouteDeps } from '../app-types.js';
import { readableNamespaces, requireReadable } from '../readable-namespaces.js';
import { AsOf, Cursor, Limit } from './common-schemas.js';

const FieldChange = Type.Object({ field: Type.String(), before: Type.Unknown(), after: Type.Unknown() });
const Change = Type.Object({
  urn: Type.String(),
  kind: Type.Union([Type.Literal('namespace'), Type.Literal('model'), Type.Literal('version')]),
  change: Type.Union([Type.Literal('added'), Type.Literal('changed')]),
  fields: Type.Array(FieldChange),
});

/** The answer of `GET /api/v1/diff`; the SDK's types derive from it. */
export const CatalogDiffSchema = Type.Object({
  from: Type.Integer({ description: 'The ledger entry `from` resolved to (-1: before the first)' }),
  to: Type.Integer(),
  changes: Type.Array(Change),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export function diffRoutes(app: App, { store, authorizer }: RouteDeps): void {
  app.get(
    '/api/v1/diff',
    {
      config: { guard: { action: 'catalog.read' } },
      schema: {
        tags: ['history'],
        summary: 'What changed in the catalog between two points',
        description: 'Each namespace, model and version whose state at `to` differs from its state at `from`, field by field.',
        querystring: Type.Object(
          {
            from: AsOf,
            to: Type.Optional(AsOf),
            namespace: Type.Optional(NameSchema),
            limit: Limit,
            cursor: Type.Optional(Cursor),
          },
          { additionalProperties: false },
        ),
        response: { 200: CatalogDiffSchema },
      },
    },
    async (request) => {
      const { from: fromText, to: toText, ...rest } = request.query;
      requireReadable(readableNamespaces(request, authorizer), rest.namespace);
      const from = (await resolveAsOf(store.db, fromText))!;
      const to = (await resolveAsOf(store.db, toText)) ?? (await ledgerSize(store.db)) - 1;
      return { from, to, ...(await diffCatalog(store.db, { from, to, ...rest })) };
    },
  );
}
