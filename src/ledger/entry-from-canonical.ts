import { canonicalJson } from './canonical-json.js';
import { type JsonObject, type LedgerAction, type LedgerEntry, ledgerActions } from './entry.js';
import { leafHash } from './leaf-hash.js';

/**
 * Reads an entry back from the exact text that was hashed, refusing text
 * that is not a ledger entry or not in RFC 8785 form (the same entry written
 * differently would hash differently). Returns the reason it is refused as a
 * string, so a verifier can report it against the entry.
 */
export function entryFromCanonical(canonical: string): LedgerEntry | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(canonical);
  } catch {
    return 'is not JSON';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'is not a JSON object';
  const e = parsed as Record<string, unknown>;
  const keys = Object.keys(e).sort().join(',');
  if (keys !== 'action,actor,at,payload,reason,seq,subject') return `has the fields ${keys}, not those of a ledger entry`;
  if (!Number.isSafeInteger(e.seq) || (e.seq as number) < 0) return 'has no valid seq';
  if (typeof e.at !== 'string' || Number.isNaN(Date.parse(e.at))) return 'has no valid time';
  if (typeof e.actor !== 'string' || typeof e.subject !== 'string') return 'has no actor or subject';
  if (!(ledgerActions as readonly unknown[]).includes(e.action)) return `has an unknown action ${JSON.stringify(e.action)}`;
  if (e.reason !== null && typeof e.reason !== 'string') return 'has a reason that is not text';
  if (typeof e.payload !== 'object' || e.payload === null || Array.isArray(e.payload)) return 'has a payload that is not an object';
  if (canonicalJson(parsed) !== canonical) return 'is not in RFC 8785 canonical form';
  return {
    seq: e.seq as number,
    at: e.at,
    actor: e.actor,
    action: e.action as LedgerAction,
    subject: e.subject,
    reason: e.reason ?? undefined,
    payload: e.payload as JsonObject,
    canonical,
    leafHash: leafHash(canonical).toString('hex'),
  };
}
