import type { Db } from '../database.js';

export interface ReviewOptions {
  readonly unusedDays: number;
  readonly now: Date;
}

type Flag = 'unused' | 'never_used' | 'expired' | 'no_expiry' | 'expired_not_revoked';

const later = (a: string | null | undefined, b: string | null | undefined): string | null => (a == null ? (b ?? null) : b == null ? a : a > b ? a : b);

/**
 * Who holds what: every grant, expanded through groups to their members,
 * with the holder's last use (its tokens, its audited reads) and what a
 * reviewer should look at: grants unused for N days, lapsed grants still
 * listed, tokens past their expiry that were never revoked.
 */
export async function reviewAccess(db: Db, options: ReviewOptions) {
  const now = options.now.toISOString();
  const staleBefore = new Date(options.now.getTime() - options.unusedDays * 86_400_000).toISOString();
  const [bindings, members, tokens, usage, reads] = await Promise.all([
    db.selectFrom('role_bindings').selectAll().orderBy('principal').orderBy('role').execute(),
    db.selectFrom('group_members').selectAll().execute(),
    db.selectFrom('api_tokens').selectAll().orderBy('principal').execute(),
    db.selectFrom('token_usage').innerJoin('api_tokens', 'api_tokens.id', 'token_usage.token_id').select(['api_tokens.principal', 'token_usage.last_used_at']).execute(),
    db.selectFrom('access_log').select(['actor']).select((eb) => eb.fn.max('at').as('last')).groupBy('actor').execute(),
  ]);
  const lastUse = new Map<string, string>();
  for (const row of usage) lastUse.set(row.principal, later(lastUse.get(row.principal), row.last_used_at)!);
  for (const row of reads) if (row.last !== null) lastUse.set(row.actor, later(lastUse.get(row.actor), String(row.last))!);
  const membersOf = new Map<string, string[]>();
  for (const m of members) membersOf.set(m.group_id, [...(membersOf.get(m.group_id) ?? []), m.member]);

  const grants = [];
  for (const binding of bindings) {
    const holders = binding.principal.startsWith('group:') ? (membersOf.get(binding.principal) ?? []) : [binding.principal];
    for (const holder of holders) {
      const used = lastUse.get(holder) ?? null;
      const flags: Flag[] = [];
      if (binding.expires_at !== null && binding.expires_at <= now) flags.push('expired');
      if (used === null && binding.created_at < staleBefore) flags.push('never_used');
      else if (used !== null && used < staleBefore) flags.push('unused');
      grants.push({
        principal: holder,
        role: binding.role,
        namespace: binding.namespace,
        through: binding.principal === holder ? binding.via : binding.principal,
        bindingId: binding.id,
        grantedAt: binding.created_at,
        grantedBy: binding.created_by,
        expiresAt: binding.expires_at,
        lastUsedAt: used,
        flags,
      });
    }
  }
  const tokenRows = tokens.map((t) => {
    const flags: Flag[] = [];
    if (t.revoked_at === null && t.expires_at === null) flags.push('no_expiry');
    if (t.revoked_at === null && t.expires_at !== null && t.expires_at <= now) flags.push('expired_not_revoked');
    return { id: t.id, name: t.name, principal: t.principal, expiresAt: t.expires_at, revokedAt: t.revoked_at, createdAt: t.created_at, flags };
  });
  const flaggedTokens = tokenRows.filter((t) => t.flags.length > 0);
  return {
    generatedAt: now,
    unusedDays: options.unusedDays,
    summary: {
      grants: grants.length,
      flaggedGrants: grants.filter((g) => g.flags.length > 0).length,
      tokens: tokenRows.filter((t) => t.revokedAt === null).length,
      flaggedTokens: flaggedTokens.length,
    },
    grants,
    tokens: flaggedTokens,
  };
}
