import { paginate } from './paginate.js';
import type { CallOptions, Query, Transport } from './transport.js';
import type { AuditQuery, AuditRecord, ConsistencyProof, InclusionProof, LedgerEntry, LedgerSlice, Page } from './types.js';

/** The append-only ledger every change is written to, and the audit search over it. */
export class LedgerApi {
  constructor(private readonly http: Transport) {}

  /** Entries with `from <= seq < to`; the server returns at most 1000 per call, and the last 100 when no range is given. */
  entries(range: { from?: number; to?: number } = {}, options: CallOptions = {}): Promise<LedgerSlice> {
    return this.http.json({ method: 'GET', path: '/api/v1/ledger/entries', query: range, ...options });
  }

  /** The `count` most recent entries (at most 1000), oldest first. */
  async tail(count: number, options: CallOptions = {}): Promise<LedgerEntry[]> {
    const { size } = await this.entries({ from: 0, to: 0 }, options);
    if (size === 0 || count <= 0) return [];
    const { entries } = await this.entries({ from: Math.max(0, size - count), to: size }, options);
    return entries;
  }

  /**
   * The latest signed checkpoint, or the one kept for `size`: a C2SP
   * tlog-checkpoint signed note, as text. Check it with the standalone
   * verifier (`verifyCheckpoint`) and a key you trust before relying on it.
   */
  checkpoint(query: { size?: number } = {}, options: CallOptions = {}): Promise<string> {
    return this.http.text({ method: 'GET', path: '/api/v1/ledger/checkpoint', query, ...options });
  }

  /** The key that signs checkpoints, in signed-note verifier key form (`<origin>+<hash>+<key>`). Needs no token. */
  async verifierKey(options: CallOptions = {}): Promise<string> {
    return (await this.http.text({ method: 'GET', path: '/api/v1/ledger/key', ...options })).trim();
  }

  /** The proof that the ledger of `from` entries is a prefix of the ledger of `to` entries (`from` ≥ 1). */
  consistencyProof(range: { from: number; to: number }, options: CallOptions = {}): Promise<ConsistencyProof> {
    return this.http.json({ method: 'GET', path: '/api/v1/ledger/proofs/consistency', query: range, ...options });
  }

  /** The proof that entry `seq` is in the ledger of `treeSize` entries (default: the current size). */
  inclusionProof(query: { seq: number; treeSize?: number }, options: CallOptions = {}): Promise<InclusionProof> {
    return this.http.json({ method: 'GET', path: '/api/v1/ledger/proofs/inclusion', query, ...options });
  }

  /** One page of change and access records by actor, subject, action, kind and time, oldest first. */
  audit(query: AuditQuery = {}, options: CallOptions = {}): Promise<Page<AuditRecord>> {
    return this.http.json({ method: 'GET', path: '/api/v1/audit', query: query as Query, ...options });
  }

  /** Every audit record matching the query, fetching pages as needed. */
  auditAll(query: Omit<AuditQuery, 'cursor'> = {}, options: CallOptions = {}): AsyncGenerator<AuditRecord, void, undefined> {
    return paginate((cursor) => this.audit({ limit: 1000, ...query, ...(cursor === undefined ? {} : { cursor }) }, options));
  }
}
