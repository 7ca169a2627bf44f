import { randomUUID } from 'node:crypto';
import { asOfQuery } from './as-of.js';
import { type IfMatch, ifMatchHeader } from './if-match.js';
import { paginate } from './paginate.js';
import type { CallOptions, Query, Transport, WriteOptions } from './transport.js';
import type { ModelRef, ModelVersion, Page, ReadOptions, RegisterVersion, UpdateVersion, VersionRef, VersionSearch, VersionStatus } from './types.js';

const seg = encodeURIComponent;
const versionsOf = (ref: ModelRef): string => `/api/v1/models/${seg(ref.namespace)}/${seg(ref.name)}/versions`;
const pathOf = (ref: VersionRef): string => `${versionsOf({ namespace: ref.namespace, name: ref.model })}/${ref.number}`;

/** Model versions: `namespace/name@N`, a manifest of blobs plus metadata; immutable once published. */
export class VersionsApi {
  constructor(private readonly http: Transport) {}

  /**
   * Registers a version; the server assigns its number. Every blob in the
   * manifest must already be uploaded. An Idempotency-Key is always sent (a
   * random UUID unless given), so a retry after a lost answer cannot register twice.
   * @throws ModelKeepApiError `blobs_missing`, `size_mismatch`, `unsafe_path`, `invalid_metadata`, `not_found`
   */
  register(model: ModelRef, body: RegisterVersion, options: WriteOptions = {}): Promise<ModelVersion> {
    const { idempotencyKey = randomUUID(), ...rest } = options;
    return this.http.json({ method: 'POST', path: versionsOf(model), json: body, idempotencyKey, ...rest });
  }

  /** One page of a model's versions, oldest first; with `asOf`, as they stood then. */
  async list(model: ModelRef, query: { status?: VersionStatus; limit?: number; cursor?: string } = {}, options: ReadOptions = {}): Promise<Page<ModelVersion>> {
    const { asOf, ...rest } = options;
    return this.http.json({ method: 'GET', path: versionsOf(model), query: { ...query, ...asOfQuery(asOf) }, ...rest });
  }

  /** Every version of a model, oldest first; with `asOf`, as they stood then. */
  listAll(model: ModelRef, query: { status?: VersionStatus } = {}, options: ReadOptions = {}): AsyncGenerator<ModelVersion, void, undefined> {
    return paginate((cursor) => this.list(model, { limit: 500, ...query, ...(cursor === undefined ? {} : { cursor }) }, options));
  }

  /** One version; with `asOf`, as it stood then. @throws ModelKeepApiError `not_found`, also when it did not exist yet at `asOf` */
  async get(ref: VersionRef, options: ReadOptions = {}): Promise<ModelVersion> {
    const { asOf, ...rest } = options;
    return this.http.json({ method: 'GET', path: pathOf(ref), query: asOfQuery(asOf), ...rest });
  }

  /**
   * Changes a draft's manifest or metadata. The server requires `ifMatch` (the
   * version's `revision` or ETag). @throws ModelKeepApiError `immutable` once
   * published, `version_conflict` when stale, `precondition_required` without ifMatch
   */
  update(ref: VersionRef, patch: UpdateVersion, options: CallOptions & { ifMatch?: IfMatch } = {}): Promise<ModelVersion> {
    const { ifMatch, ...rest } = options;
    return this.http.json({ method: 'PATCH', path: pathOf(ref), json: patch, headers: ifMatchHeader(ifMatch), ...rest });
  }

  /** Publishes a draft: from then on it never changes. @throws ModelKeepApiError `invalid_state` when not a draft */
  publish(ref: VersionRef, options: WriteOptions & { reason?: string } = {}): Promise<ModelVersion> {
    const { reason, ...rest } = options;
    return this.http.json({ method: 'POST', path: `${pathOf(ref)}/publish`, json: reason === undefined ? {} : { reason }, ...rest });
  }

  /** One page of versions across models; with `asOf`, as they stood then. */
  async search(query: VersionSearch = {}, options: ReadOptions = {}): Promise<Page<ModelVersion>> {
    const { asOf, ...rest } = options;
    return this.http.json({ method: 'GET', path: '/api/v1/versions', query: { ...(query as Query), ...asOfQuery(asOf) }, ...rest });
  }

  /** Every version matching the query, fetching pages as needed; with `asOf`, as they stood then. */
  searchAll(query: Omit<VersionSearch, 'cursor'> = {}, options: ReadOptions = {}): AsyncGenerator<ModelVersion, void, undefined> {
    return paginate((cursor) => this.search({ limit: 500, ...query, ...(cursor === undefined ? {} : { cursor }) }, options));
  }
}
