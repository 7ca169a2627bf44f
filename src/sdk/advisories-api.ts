import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type {
  AdvisoryBatchResult,
  AdvisoryDetail,
  AdvisoryImportOptions,
  AdvisoryImportProgress,
  DeprecationResult,
  LibraryDeprecation,
  VersionFindings,
} from './dependency-types.js';
import type { VersionRefLike } from './governance-api.js';
import { parseVersionRef } from './refs.js';
import type { CallOptions, Transport, WriteOptions } from './transport.js';

const seg = encodeURIComponent;

/** The server refuses more records than this in one request. */
export const MAX_ADVISORIES_PER_BATCH = 1000;
/**
 * A batch is also cut before its JSON passes this size: the server takes up to
 * 32 MiB, and an osv.dev record listing every affected version can be large.
 */
const MAX_BATCH_BYTES = 8 * 1024 * 1024;

/**
 * Vulnerability advisories (OSV records), deprecated libraries, and what they
 * mean for a version: its findings.
 *
 * @example
 * const records = JSON.parse(await readFile('GHSA-xxxx.json', 'utf8'));
 * const summary = await client.advisories.import([records]);
 * const findings = await client.advisories.findings('fraud/scorer@3');
 */
export class AdvisoriesApi {
  constructor(private readonly http: Transport) {}

  /**
   * Imports OSV records (https://ossf.github.io/osv-schema/) in batches of up to `batchSize` (at most 1000).
   * Each batch is all or nothing on the server: one malformed record refuses its batch, naming it, and the
   * import stops there (batches already sent stay imported; sending them again costs nothing, since an
   * advisory seen before with the same `modified` time is skipped). Each batch is sent with its own
   * Idempotency-Key, so a retry after a lost answer never imports it twice.
   * @returns the totals over every batch
   * @throws ModelKeepApiError `invalid_request` (with `violations`) for a batch holding a malformed record, `forbidden` without `vulnerability.manage`
   */
  async import(records: Iterable<unknown> | AsyncIterable<unknown>, options: AdvisoryImportOptions & CallOptions = {}): Promise<AdvisoryImportProgress> {
    const { batchSize = MAX_ADVISORIES_PER_BATCH, onProgress, ...call } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_ADVISORIES_PER_BATCH) {
      throw new RangeError(`batchSize must be a whole number from 1 to ${MAX_ADVISORIES_PER_BATCH}, not ${batchSize}`);
    }
    let totals: AdvisoryImportProgress = { sent: 0, batches: 0, imported: 0, updated: 0, unchanged: 0, findings: 0 };
    let batch: string[] = [];
    let bytes = 0;
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const result = await this.#importBatch(batch, call);
      totals = {
        sent: totals.sent + batch.length,
        batches: totals.batches + 1,
        imported: totals.imported + result.imported,
        updated: totals.updated + result.updated,
        unchanged: totals.unchanged + result.unchanged,
        findings: totals.findings + result.findings,
      };
      batch = [];
      bytes = 0;
      onProgress?.(totals, result);
    };
    for await (const record of records) {
      // Serialised once here, so the batch's size is known before it is sent. A value without JSON
      // (undefined) goes as null, which the server refuses by its index like any other bad record.
      const json = JSON.stringify(record) ?? 'null';
      const size = Buffer.byteLength(json) + 1;
      if (batch.length > 0 && (batch.length >= batchSize || bytes + size > MAX_BATCH_BYTES)) await flush();
      batch.push(json);
      bytes += size;
    }
    await flush();
    return totals;
  }

  async #post<T>(path: string, json: unknown, options: WriteOptions): Promise<T> {
    const { idempotencyKey = randomUUID(), ...rest } = options;
    return this.http.json({ method: 'POST', path, json, idempotencyKey, ...rest });
  }

  /** One request of records already serialised, so none is stringified twice; the same bytes are sent again on a retry. */
  #importBatch(records: readonly string[], options: CallOptions): Promise<AdvisoryBatchResult> {
    const body = Buffer.from(`{"advisories":[${records.join(',')}]}`, 'utf8');
    return this.http.json({ method: 'POST', path: '/api/v1/advisories', body: () => Readable.from([body]), headers: { 'content-type': 'application/json' }, idempotencyKey: randomUUID(), ...options });
  }

  /** One imported advisory, normalized, with the libraries it affects. @throws ModelKeepApiError `not_found` */
  async get(id: string, options: CallOptions = {}): Promise<AdvisoryDetail> {
    return this.http.json({ method: 'GET', path: `/api/v1/advisories/${seg(id)}`, ...options });
  }

  /**
   * Marks a library deprecated: a package (`pkg:pypi/nose`) or one version of it (`pkg:pypi/nose@1.3.7`).
   * Models using it are flagged and rescored.
   * @throws ModelKeepApiError `invalid_request` for something that is not a package URL, `forbidden` without `vulnerability.manage`
   */
  async deprecate(purl: string, reason: string, replacement?: string, options: WriteOptions = {}): Promise<DeprecationResult> {
    return this.#post('/api/v1/library-deprecations', { purl, reason, ...(replacement === undefined ? {} : { replacement }) }, options);
  }

  /** Every library marked deprecated. */
  async deprecations(options: CallOptions = {}): Promise<LibraryDeprecation[]> {
    const { items } = await this.http.json<{ items: LibraryDeprecation[] }>({ method: 'GET', path: '/api/v1/library-deprecations', ...options });
    return items;
  }

  /**
   * A version's dependency findings: vulnerabilities of its libraries (most severe first), deprecated libraries,
   * and its license against the license policy and its training datasets.
   * @throws ModelKeepApiError `not_found`
   */
  async findings(version: VersionRefLike, options: CallOptions = {}): Promise<VersionFindings> {
    const { namespace, model, number } = typeof version === 'string' ? parseVersionRef(version) : version;
    return this.http.json({ method: 'GET', path: `/api/v1/models/${seg(namespace)}/${seg(model)}/versions/${number}/findings`, ...options });
  }
}
