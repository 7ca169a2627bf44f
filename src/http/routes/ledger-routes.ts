import { Type } from '@sinclair/typebox';
import type { LedgerEntry } from '../../ledger/entry.js';
import { ledgerSize, readLedger } from '../../store/queries/read-ledger.js';
import type { App, RouteDeps } from '../app-types.js';
import { ledgerResource } from '../resources.js';

export const EntrySchema = Type.Object({
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
export const entryToWire = (e: LedgerEntry) => ({ ...e, reason: e.reason ?? null, leafHash: Buffer.from(e.leafHash, 'hex').toString('base64') });

export function ledgerRoutes(app: App, { store }: RouteDeps): void {
  app.get(
    '/api/v1/ledger/entries',
    {
      config: { guard: { action: 'ledger.read', resource: ledgerResource } },
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
      return { size, entries: entries.map(entryToWire) };
    },
  );
}
