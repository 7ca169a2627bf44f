import type { TokenCreated, TokenRevoked, TokenRotated } from '../../access/entry-payloads.js';
import type { LedgerEntry } from '../../ledger/entry.js';
import type { Db } from '../database.js';

export async function projectTokenCreated(tx: Db, entry: LedgerEntry, payload: TokenCreated): Promise<void> {
  const legacy = !('namespaces' in payload);
  await tx
    .insertInto('api_tokens')
    .values({
      id: payload.id,
      name: payload.name,
      principal: payload.principal,
      roles: JSON.stringify(legacy ? null : payload.roles),
      scope_namespaces: JSON.stringify(payload.namespaces ?? null),
      token_hash: payload.tokenHash,
      created_at: entry.at,
      created_by: entry.actor,
      expires_at: payload.expiresAt,
      revoked_at: null,
    })
    .execute();
  // Before bindings existed, a token's roles were its holder's grants: they become bindings, ending with the token.
  if (legacy && payload.roles !== null && payload.roles.length > 0) {
    await tx
      .insertInto('role_bindings')
      .values(
        payload.roles.map((role) => ({
          id: `token:${payload.id}:${role}`,
          principal: payload.principal,
          role,
          namespace: null,
          via: `token:${payload.id}`,
          reason: `granted with token ${payload.name} before role bindings existed`,
          created_at: entry.at,
          created_by: entry.actor,
          expires_at: payload.expiresAt,
        })),
      )
      .execute();
  }
}

export async function projectTokenRevoked(tx: Db, entry: LedgerEntry, payload: TokenRevoked): Promise<void> {
  await tx.updateTable('api_tokens').set({ revoked_at: entry.at }).where('id', '=', payload.id).execute();
  await tx.deleteFrom('role_bindings').where('via', '=', `token:${payload.id}`).execute();
}

export async function projectTokenRotated(tx: Db, entry: LedgerEntry, payload: TokenRotated): Promise<void> {
  await tx.updateTable('api_tokens').set({ expires_at: payload.oldExpiresAt }).where('id', '=', payload.oldId).execute();
  await projectTokenCreated(tx, entry, payload.token);
}
