import { randomUUID } from 'node:crypto';
import { type IfMatch, ifMatchHeader } from './if-match.js';
import { paginate } from './paginate.js';
import type { CallOptions, Query, Transport, WriteOptions } from './transport.js';
import type { ModelRef, ModelVersion, Page, RegisterVersion, UpdateVersion, VersionRef, VersionSearch, VersionStatus } from './types.js';

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

  /** One page of a model's versions, oldest first. */
  list(model: ModelRef, query: { status?: VersionStatus; limit?: number; cursor?: string } = {}, options: CallOptions = {}): Promise<Page<ModelVersion>> {
    return this.http.json({ method: 'GET', path: versionsOf(model), query, ...options });
  }

  /** Every version of a model, oldest first. */
  listAll(model: ModelRef, query: { status?: VersionStatus } = {}, options: CallOptions = {}): AsyncGenerator<ModelVersion, void, undefined> {
    return paginate((cursor) => this.list(model, { limit: 500, ...query, ...(cursor === undefined ? {} : { cursor }) }, options));
  }

  /** @throws ModelKeepApiError `not_found` */
  get(ref: VersionRef, options: CallOptions = {}): Promise<ModelVersion> {
    return this.http.json({ method: 'GET', path: pathOf(ref), ...options });
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

  /** One page of versions across models. */
  search(query: VersionSearch = {}, options: CallOptions = {}): Promise<Page<ModelVersion>> {
    return this.http.json({ method: 'GET', path: '/api/v1/versions', query: query as Query, ...options });
  }

  /** Every version matching the query, fetching pages as needed. */
  searchAll(query: Omit<VersionSearch, 'cursor'> = {}, options: CallOptions = {}): AsyncGenerator<ModelVersion, void, undefined> {
    return paginate((cursor) => this.search({ limit: 500, ...query, ...(cursor === undefined ? {} : { cursor }) }, options));
  }
}
