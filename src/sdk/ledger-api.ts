import { paginate } from './paginate.js';
import type { CallOptions, Query, Transport } from './transport.js';
import type { AuditQuery, LedgerEntry, LedgerSlice, Page } from './types.js';

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

  /** One page of change records by actor, subject, action and time. */
  audit(query: AuditQuery = {}, options: CallOptions = {}): Promise<Page<LedgerEntry>> {
    return this.http.json({ method: 'GET', path: '/api/v1/audit', query: query as Query, ...options });
  }

  /** Every change record matching the query, fetching pages as needed. */
  auditAll(query: Omit<AuditQuery, 'cursor'> = {}, options: CallOptions = {}): AsyncGenerator<LedgerEntry, void, undefined> {
    return paginate((cursor) => this.audit({ limit: 1000, ...query, ...(cursor === undefined ? {} : { cursor }) }, options));
  }
}
