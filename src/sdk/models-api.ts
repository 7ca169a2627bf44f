import { type IfMatch, ifMatchHeader } from './if-match.js';
import { paginate } from './paginate.js';
import type { CallOptions, Query, Transport, WriteOptions } from './transport.js';
import type { CreateModel, Model, ModelRef, ModelSearch, Page, UpdateModel } from './types.js';

const base = '/api/v1/models';
const pathOf = (ref: ModelRef): string => `${base}/${encodeURIComponent(ref.namespace)}/${encodeURIComponent(ref.name)}`;

/** Models: `namespace/name`, with owners, tags, a risk profile and a lifecycle stage. */
export class ModelsApi {
  constructor(private readonly http: Transport) {}

  /** Creates a model in an existing namespace. @throws ModelKeepApiError `already_exists`, `not_found`, `invalid_metadata` */
  create(body: CreateModel, options: WriteOptions = {}): Promise<Model> {
    return this.http.json({ method: 'POST', path: base, json: body, ...options });
  }

  /** One page of models matching the query. */
  search(query: ModelSearch = {}, options: CallOptions = {}): Promise<Page<Model>> {
    return this.http.json({ method: 'GET', path: base, query: query as Query, ...options });
  }

  /** Every model matching the query, fetching pages as needed. */
  searchAll(query: Omit<ModelSearch, 'cursor'> = {}, options: CallOptions = {}): AsyncGenerator<Model, void, undefined> {
    return paginate((cursor) => this.search({ limit: 500, ...query, ...(cursor === undefined ? {} : { cursor }) }, options));
  }

  /** One model with its latest versions. @throws ModelKeepApiError `not_found` */
  get(ref: ModelRef, options: CallOptions = {}): Promise<Model> {
    return this.http.json({ method: 'GET', path: pathOf(ref), ...options });
  }

  /**
   * Changes mutable metadata. Pass `ifMatch` (the model's `revision`, or the
   * ETag read) to be refused with `version_conflict` if someone changed it meanwhile.
   */
  update(ref: ModelRef, patch: UpdateModel, options: CallOptions & { ifMatch?: IfMatch } = {}): Promise<Model> {
    const { ifMatch, ...rest } = options;
    return this.http.json({ method: 'PATCH', path: pathOf(ref), json: patch, headers: ifMatchHeader(ifMatch), ...rest });
  }
}
