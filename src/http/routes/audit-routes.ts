import { Type } from '@sinclair/typebox';
import { accessActions } from '../../audit/access-actions.js';
import { auditKinds, decodeAuditCursor, encodeAuditCursor } from '../../store/queries/audit-cursor.js';
import { type AuditRecord, searchAudit } from '../../store/queries/search-audit.js';
import type { App, RouteDeps } from '../app-types.js';
import { auditLogResource } from '../resources.js';
import { Cursor } from './common-schemas.js';
import { EntrySchema, entryToWire } from './ledger-routes.js';

const ChangeRecordSchema = Type.Object({ kind: Type.Literal('change'), ...EntrySchema.properties });

const AccessRecordSchema = Type.Object({
  kind: Type.Literal('access'),
  id: Type.Integer({ description: 'Position in the access log, from 1' }),
  at: Type.String(),
  actor: Type.String(),
  action: Type.String({ description: `One of ${accessActions.join(', ')}` }),
  subject: Type.String({ description: 'The URN or sha256: digest read, or the path and query of a search' }),
  status: Type.Integer({ description: 'HTTP status of the answer' }),
  batchSeq: Type.Integer({ description: 'Ledger seq of the access.batch_anchored entry whose Merkle root covers this record' }),
  leafHash: Type.String({ description: 'base64 SHA-256(0x00 || RFC 8785 JSON of id, at, actor, action, subject, status)' }),
});

const AuditQuery = Type.Object(
  {
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    subject: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    action: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Inclusive' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Exclusive' })),
    kind: Type.Optional(Type.Union(auditKinds.map((kind) => Type.Literal(kind)), { description: 'Default: both' })),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

const toWire = (record: AuditRecord) =>
  record.kind === 'change'
    ? { ...entryToWire(record), kind: record.kind }
    : { ...record, leafHash: Buffer.from(record.leafHash, 'hex').toString('base64') };

const isoOrUndefined = (time: string | undefined): string | undefined => (time === undefined ? undefined : new Date(time).toISOString());

export function auditRoutes(app: App, { store }: RouteDeps): void {
  app.get(
    '/api/v1/audit',
    {
      config: { guard: { action: 'audit.read', resource: auditLogResource } },
      schema: {
        tags: ['audit'],
        summary: 'Change records (ledger entries) and access records (reads), by actor, subject, action and time, oldest first',
        querystring: AuditQuery,
        response: {
          200: Type.Object({
            items: Type.Array(Type.Union([ChangeRecordSchema, AccessRecordSchema])),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (request) => {
      const { cursor, from, to, ...filter } = request.query;
      const page = await searchAudit(store.db, { ...filter, from: isoOrUndefined(from), to: isoOrUndefined(to), after: decodeAuditCursor(cursor) });
      return { items: page.items.map(toWire), nextCursor: page.next === undefined ? null : encodeAuditCursor(page.next) };
    },
  );
}
