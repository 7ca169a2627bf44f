import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

const canonicalize = createRequire(import.meta.url)('canonicalize') as (value: unknown) => string;

export interface WireEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  reason: string | null;
  payload: unknown;
  canonical: string;
  leafHash: string;
}

/**
 * Checks entries the way an outsider would, from the wire alone: the
 * canonical text is the JCS form of the entry's fields, and the leaf hash is
 * SHA-256(0x00 || canonical) as RFC 9162 §2.1.1 defines.
 */
export function problemsWith(entries: readonly WireEntry[], firstSeq = 0): string[] {
  const problems: string[] = [];
  entries.forEach((entry, index) => {
    if (entry.seq !== firstSeq + index) problems.push(`entry ${index} has seq ${entry.seq}, expected ${firstSeq + index}`);
    const { canonical, leafHash, ...fields } = entry;
    if (canonicalize(fields) !== canonical) problems.push(`seq ${entry.seq}: canonical text does not match its fields`);
    const recomputed = createHash('sha256').update(Buffer.from([0])).update(canonical, 'utf8').digest('base64');
    if (recomputed !== leafHash) problems.push(`seq ${entry.seq}: leaf hash does not recompute`);
  });
  return problems;
}

export async function readAllEntries(url: string, token: string): Promise<WireEntry[]> {
  const all: WireEntry[] = [];
  for (;;) {
    const response = await fetch(`${url}/api/v1/ledger/entries?from=${all.length}&to=${all.length + 1000}`, { headers: { authorization: `Bearer ${token}` } });
    const page = (await response.json()) as { size: number; entries: WireEntry[] };
    all.push(...page.entries);
    if (page.entries.length === 0 || all.length >= page.size) return all;
  }
}
