import { canonicalJson } from './canonical-json.js';
import type { EntryDraft, JsonObject, LedgerEntry } from './entry.js';
import { hashedView } from './entry.js';
import { leafHash } from './leaf-hash.js';

/**
 * Gives a draft its place in the ledger: sequence, time, actor, canonical
 * form and leaf hash. The payload is read back from the canonical text, so
 * the projections see exactly what a replay of the ledger sees (same key
 * order, no undefined fields) and a rebuild matches the live tables byte for byte.
 */
export function sealEntry(draft: EntryDraft, seq: number, at: Date, actor: string): LedgerEntry {
  const placed = { ...draft, seq, at: at.toISOString(), actor };
  const canonical = canonicalJson(hashedView(placed));
  const payload = (JSON.parse(canonical) as { payload: JsonObject }).payload;
  return { ...placed, payload, canonical, leafHash: leafHash(canonical).toString('hex') };
}
