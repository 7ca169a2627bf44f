import { RegistryError } from '../../errors/registry-error.js';

/** Cursors are opaque to clients: the last row's key, base64url-encoded. */
export function encodeCursor(id: number): string {
  return Buffer.from(JSON.stringify({ after: id })).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'number' && Number.isSafeInteger(parsed.after)) return parsed.after;
  } catch {
    // fall through to the refusal below
  }
  throw new RegistryError('invalid_request', 'The cursor is not one this registry issued; start again without it.');
}

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/** Queries fetch one row more than asked; its presence says there is a next page. */
export function pageFrom<T extends { id: number }>(rows: T[], limit: number): Page<Omit<T, 'id'>> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return {
    items: items.map(({ id: _id, ...rest }) => rest),
    nextCursor: more && last !== undefined ? encodeCursor(last.id) : null,
  };
}
