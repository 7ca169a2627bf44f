import { isRole, type Role } from '../../access/roles.js';
import type { ApiTokenRow, Db } from '../database.js';

export interface TokenRecord {
  readonly id: string;
  readonly name: string;
  readonly principal: string;
  /** The token's scope; null: all its holder's roles / namespaces. */
  readonly roles: readonly Role[] | null;
  readonly namespaces: readonly string[] | null;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly lastUsedAt: string | null;
}

function toTokenRecord(row: ApiTokenRow & { last_used_at?: string | null }): TokenRecord {
  const roles = JSON.parse(row.roles) as string[] | null;
  return {
    id: row.id,
    name: row.name,
    principal: row.principal,
    roles: roles === null ? null : roles.filter(isRole),
    namespaces: JSON.parse(row.scope_namespaces) as string[] | null,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    createdAt: row.created_at,
    createdBy: row.created_by,
    lastUsedAt: row.last_used_at ?? null,
  };
}

export async function findTokenByHash(db: Db, tokenHash: string): Promise<TokenRecord | undefined> {
  const row = await db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  return row === undefined ? undefined : toTokenRecord(row);
}

export async function findToken(db: Db, id: string): Promise<TokenRecord | undefined> {
  const row = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toTokenRecord(row);
}

/** Tokens with their last use, newest first; one principal's or everyone's. */
export async function listTokens(db: Db, principal?: string): Promise<TokenRecord[]> {
  let query = db
    .selectFrom('api_tokens')
    .leftJoin('token_usage', 'token_usage.token_id', 'api_tokens.id')
    .selectAll('api_tokens')
    .select('token_usage.last_used_at')
    .orderBy('api_tokens.created_at', 'desc')
    .orderBy('api_tokens.id');
  if (principal !== undefined) query = query.where('api_tokens.principal', '=', principal);
  return (await query.execute()).map(toTokenRecord);
}

export async function countTokens(db: Db): Promise<number> {
  const row = await db.selectFrom('api_tokens').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
