import { Type } from '@sinclair/typebox';
import { ledgerSize, readLedger, searchLedger } from '../../store/queries/read-ledger.js';
import { decodeCursor, encodeCursor } from '../../store/queries/cursor.js';
import type { App, RouteDeps } from '../app-types.js';
import { Cursor } from './common-schemas.js';

const EntrySchema = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  subject: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  payload: Type.Unknown(),
  canonical: Type.String({ description: 'The RFC 8785 JSON that was hashed' }),
  leafHash: Type.String({ description: 'base64 SHA-256(0x00 || canonical), RFC 9162 §2.1.1' }),
});

const MAX_ENTRIES = 1000;

// Hashes are base64 across the ledger API, as in proofs and checkpoints.
const toWire = (e: Awaited<ReturnType<typeof readLedger>>[number]) => ({ ...e, reason: e.reason ?? null, leafHash: Buffer.from(e.leafHash, 'hex').toString('base64') });

export function ledgerRoutes(app: App, { store }: RouteDeps): void {
  app.get(
    '/api/v1/ledger/entries',
    {
      config: { guard: { action: 'ledger.read' } },
      schema: {
        tags: ['ledger'],
        summary: `Ledger entries with from <= seq < to (at most ${MAX_ENTRIES} per call)`,
        querystring: Type.Object(
          { from: Type.Optional(Type.Integer({ minimum: 0 })), to: Type.Optional(Type.Integer({ minimum: 0 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ size: Type.Integer(), entries: Type.Array(EntrySchema) }) },
      },
    },
    async (request) => {
      const size = await ledgerSize(store.db);
      const from = request.query.from ?? Math.max(0, size - 100);
      const to = Math.min(request.query.to ?? size, from + MAX_ENTRIES, size);
      const entries = to > from ? await readLedger(store.db, from, to) : [];
      return { size, entries: entries.map(toWire) };
    },
  );

  app.get(
    '/api/v1/audit',
    {
      config: { guard: { action: 'audit.read' } },
      schema: {
        tags: ['ledger'],
        summary: 'Change records by actor, subject, action and time',
        querystring: Type.Object(
          {
            actor: Type.Optional(Type.String({ maxLength: 300 })),
            subject: Type.Optional(Type.String({ maxLength: 300 })),
            action: Type.Optional(Type.String({ maxLength: 100 })),
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
            cursor: Type.Optional(Cursor),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(EntrySchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (request) => {
      const { cursor, from, to, ...filter } = request.query;
      const rows = await searchLedger(store.db, {
        ...filter,
        from: from === undefined ? undefined : new Date(from).toISOString(),
        to: to === undefined ? undefined : new Date(to).toISOString(),
        afterSeq: decodeCursor(cursor),
      });
      const items = rows.slice(0, filter.limit);
      const last = items[items.length - 1];
      return { items: items.map(toWire), nextCursor: rows.length > filter.limit && last ? encodeCursor(last.seq) : null };
    },
  );
}
