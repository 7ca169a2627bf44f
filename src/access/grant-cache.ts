import type { Db } from '../store/database.js';
import { findGrants, type HeldGrants } from '../store/queries/find-grants.js';

/** How stale another server's change to grants may look here; changes made through this server are seen at once. */
const TTL_MS = 1000;

interface Cached {
  readonly held: HeldGrants;
  readonly until: number;
}

/**
 * A principal's grants, read once a second at most instead of on every
 * request. Any grant change written through this server clears it (see
 * `invalidate`); an entry never outlives the earliest expiry among its
 * grants, so an elevation still lapses on time.
 */
export class GrantCache {
  private readonly entries = new Map<string, Cached>();

  constructor(
    private readonly db: Db,
    private readonly maxEntries = 10_000,
  ) {}

  async grantsOf(principal: string, claimedGroups: readonly string[], now: Date): Promise<HeldGrants> {
    const key = claimedGroups.length === 0 ? principal : `${principal}\n${[...claimedGroups].sort().join('\n')}`;
    const at = now.getTime();
    const cached = this.entries.get(key);
    if (cached !== undefined && at < cached.until) return cached.held;
    const held = await findGrants(this.db, principal, claimedGroups, now.toISOString());
    let until = at + TTL_MS;
    for (const expiry of held.expiries) until = Math.min(until, Date.parse(expiry));
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { held, until });
    return held;
  }

  invalidate(): void {
    this.entries.clear();
  }
}
