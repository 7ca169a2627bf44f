import type { TokenCreated, TokenRevoked } from '../../access/entry-payloads.js';
import type { LedgerEntry } from '../../ledger/entry.js';
import type { Db } from '../database.js';

export async function projectTokenCreated(tx: Db, entry: LedgerEntry, payload: TokenCreated): Promise<void> {
  await tx
    .insertInto('api_tokens')
    .values({
      id: payload.id,
      name: payload.name,
      principal: payload.principal,
      roles: JSON.stringify(payload.roles),
      token_hash: payload.tokenHash,
      created_at: entry.at,
      created_by: entry.actor,
      expires_at: payload.expiresAt,
      revoked_at: null,
    })
    .execute();
}

export async function projectTokenRevoked(tx: Db, entry: LedgerEntry, payload: TokenRevoked): Promise<void> {
  await tx.updateTable('api_tokens').set({ revoked_at: entry.at }).where('id', '=', payload.id).execute();
}
