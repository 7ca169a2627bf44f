import { RegistryError } from '../../errors/registry-error.js';

export const auditKinds = ['change', 'access'] as const;
export type AuditKind = (typeof auditKinds)[number];

/** Where a page of the audit ended: records are ordered by time, then kind (changes first), then seq or id. */
export interface AuditPosition {
  readonly at: string;
  readonly kind: AuditKind;
  readonly id: number;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Opaque to clients, like every cursor: the last record's sort key, base64url-encoded. */
export function encodeAuditCursor(position: AuditPosition): string {
  return Buffer.from(JSON.stringify([position.at, position.kind, position.id])).toString('base64url');
}

export function decodeAuditCursor(cursor: string | undefined): AuditPosition | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 3) {
      const [at, kind, id] = parsed as unknown[];
      if (typeof at === 'string' && ISO_TIME.test(at) && (kind === 'change' || kind === 'access') && Number.isSafeInteger(id)) {
        return { at, kind, id: id as number };
      }
    }
  } catch {
    // fall through to the refusal below
  }
  throw new RegistryError('invalid_request', 'The cursor is not one this registry issued; start again without it.');
}

const rank: Readonly<Record<AuditKind, number>> = { change: 0, access: 1 };

/** The total order of audit records; the queries' ORDER BY and keyset conditions follow it. */
export function compareAudit(a: AuditPosition, b: AuditPosition): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  if (a.kind !== b.kind) return rank[a.kind] - rank[b.kind];
  return a.id - b.id;
}

/**
 * The keyset condition for one kind's table after `position`: records at a
 * later time, or at the same time and later in the order.
 */
export function keysetAfter(kind: AuditKind, position: AuditPosition): { readonly at: string; readonly sameTime: 'all' | 'none' | { readonly idAfter: number } } {
  if (rank[kind] > rank[position.kind]) return { at: position.at, sameTime: 'all' };
  if (rank[kind] < rank[position.kind]) return { at: position.at, sameTime: 'none' };
  return { at: position.at, sameTime: { idAfter: position.id } };
}
