import { canonicalJson } from './canonical-json.js';
import type { EntryDraft, LedgerEntry } from './entry.js';
import { hashedView } from './entry.js';
import { leafHash } from './leaf-hash.js';

/** Gives a draft its place in the ledger: sequence, time, actor, canonical form and leaf hash. */
export function sealEntry(draft: EntryDraft, seq: number, at: Date, actor: string): LedgerEntry {
  const placed = { ...draft, seq, at: at.toISOString(), actor };
  const canonical = canonicalJson(hashedView(placed));
  return { ...placed, canonical, leafHash: leafHash(canonical).toString('hex') };
}
