import { asOfParam } from './as-of.js';
import type { CallOptions, Transport } from './transport.js';
import type { AsOf, CatalogChange, CatalogDiff, DiffQuery } from './types.js';

/**
 * The catalog's history as a whole. Reading one record as it stood at a point
 * is the `asOf` option of the `get`/`list`/`search` methods; putting a model's
 * metadata back is `models.restore`.
 */
export class HistoryApi {
  constructor(private readonly http: Transport) {}

  /**
   * One page of what changed in the catalog between two points: each
   * namespace, model and version whose state at `to` (default: now) differs
   * from its state at `from`, field by field. `from` and `to` in the answer
   * are the ledger entries the points resolved to (-1: before the first).
   * @throws ModelKeepApiError `invalid_request` when `from` is after `to`, or for a cursor not from this range
   */
  async diff(query: DiffQuery, options: CallOptions = {}): Promise<CatalogDiff> {
    const { from, to, ...rest } = query;
    return this.http.json({ method: 'GET', path: '/api/v1/diff', query: { ...rest, ...range(from, to) }, ...options });
  }

  /**
   * Every page of the diff, following `nextCursor`. After the first page the
   * range is pinned to the entries it resolved to, so writes made while paging
   * (which move "now") cannot shift later pages.
   */
  async *diffPages(query: Omit<DiffQuery, 'cursor'>, options: CallOptions = {}): AsyncGenerator<CatalogDiff, void, undefined> {
    let page = await this.diff({ limit: 500, ...query }, options);
    yield page;
    const pinned: DiffQuery = { ...query, from: pin(page.from, query.from), to: pin(page.to, query.to) };
    while (page.nextCursor !== null) {
      page = await this.diff({ limit: 500, ...pinned, cursor: page.nextCursor }, options);
      yield page;
    }
  }

  /** Every change between two points (see {@link HistoryApi.diff}), fetching pages as needed. */
  async *diffAll(query: Omit<DiffQuery, 'cursor'>, options: CallOptions = {}): AsyncGenerator<CatalogChange, void, undefined> {
    for await (const page of this.diffPages(query, options)) yield* page.changes;
  }
}

function range(from: AsOf, to: AsOf | undefined): { from: string; to?: string } {
  return { from: asOfParam(from), ...(to === undefined ? {} : { to: asOfParam(to) }) };
}

/**
 * The resolved entry, which the API takes back as a point; -1 ("before the
 * first entry") is not one, but the point that gave it still means the same.
 */
const pin = <T extends AsOf | undefined>(resolved: number, asked: T): number | T => (resolved >= 0 ? resolved : asked);
