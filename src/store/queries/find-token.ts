import type { Db } from '../database.js';

export interface TokenRecord {
  readonly id: string;
  readonly name: string;
  readonly principal: string;
  readonly roles: readonly string[];
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly createdAt: string;
}

export async function findTokenByHash(db: Db, tokenHash: string): Promise<TokenRecord | undefined> {
  const row = await db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  if (row === undefined) return undefined;
  return {
    id: row.id,
    name: row.name,
    principal: row.principal,
    roles: JSON.parse(row.roles) as string[],
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    createdAt: row.created_at,
  };
}

export async function countTokens(db: Db): Promise<number> {
  const row = await db.selectFrom('api_tokens').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
