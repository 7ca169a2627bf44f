import type { Grant } from '../../access/principal.js';
import { isRole } from '../../access/roles.js';
import type { Db } from '../database.js';

export interface HeldGrants {
  readonly groups: readonly string[];
  readonly grants: readonly Grant[];
  /** When the grants that lapse by themselves lapse (elevations, bindings with an expiry). */
  readonly expiries: readonly string[];
}

/**
 * A principal's live grants: its own bindings and those of its groups (the
 * registry's groups plus any its identity provider vouches for), expired ones
 * left out, so a grant lapses the moment its time is up.
 */
export async function findGrants(db: Db, principal: string, claimedGroups: readonly string[], now: string): Promise<HeldGrants> {
  const memberOf = await db.selectFrom('group_members').select('group_id').where('member', '=', principal).execute();
  const groups = [...new Set([...memberOf.map((row) => row.group_id), ...claimedGroups])];
  const rows = await db
    .selectFrom('role_bindings')
    .select(['principal', 'role', 'namespace', 'via', 'expires_at'])
    .where('principal', 'in', [principal, ...groups])
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .execute();
  const grants: Grant[] = [];
  const expiries: string[] = [];
  for (const row of rows) {
    if (row.expires_at !== null) expiries.push(row.expires_at);
    if (!isRole(row.role)) continue;
    const via = row.principal === principal ? (row.via === 'binding' ? 'binding' : row.via) : row.principal;
    grants.push({ role: row.role, namespace: row.namespace, via });
  }
  return { groups, grants, expiries };
}
