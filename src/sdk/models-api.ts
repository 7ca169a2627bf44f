import { asOfParam, asOfQuery } from './as-of.js';
import { type IfMatch, ifMatchHeader } from './if-match.js';
import { paginate } from './paginate.js';
import type { CallOptions, Query, Transport, WriteOptions } from './transport.js';
import type { AsOf, CreateModel, Model, ModelRef, ModelSearch, Page, ReadOptions, UpdateModel } from './types.js';

const base = '/api/v1/models';
const pathOf = (ref: ModelRef): string => `${base}/${encodeURIComponent(ref.namespace)}/${encodeURIComponent(ref.name)}`;

/** Models: `namespace/name`, with owners, tags, a risk profile and a lifecycle stage. */
export class ModelsApi {
  constructor(private readonly http: Transport) {}

  /** Creates a model in an existing namespace. @throws ModelKeepApiError `already_exists`, `not_found`, `invalid_metadata` */
  create(body: CreateModel, options: WriteOptions = {}): Promise<Model> {
    return this.http.json({ method: 'POST', path: base, json: body, ...options });
  }

  /** One page of models matching the query; with `asOf`, the models as they stood then. */
  async search(query: ModelSearch = {}, options: ReadOptions = {}): Promise<Page<Model>> {
    const { asOf, ...rest } = options;
    return this.http.json({ method: 'GET', path: base, query: { ...(query as Query), ...asOfQuery(asOf) }, ...rest });
  }

  /** Every model matching the query, fetching pages as needed; with `asOf`, the models as they stood then. */
  searchAll(query: Omit<ModelSearch, 'cursor'> = {}, options: ReadOptions = {}): AsyncGenerator<Model, void, undefined> {
    return paginate((cursor) => this.search({ limit: 500, ...query, ...(cursor === undefined ? {} : { cursor }) }, options));
  }

  /**
   * One model with its latest versions; with `asOf`, as it stood then.
   * @throws ModelKeepApiError `not_found`, also when it did not exist yet at `asOf`
   */
  async get(ref: ModelRef, options: ReadOptions = {}): Promise<Model> {
    const { asOf, ...rest } = options;
    return this.http.json({ method: 'GET', path: pathOf(ref), query: asOfQuery(asOf), ...rest });
  }

  /**
   * Puts the model's metadata (description, owners, domain, tags, risk
   * profile, extra) back as it stood at `asOf`, as a new ledgered change;
   * history is added to, never rewritten. When the metadata already is that,
   * nothing is written and the model comes back unchanged (same `revision`).
   * Versions and stage are not touched. Pass `ifMatch` (the `revision` or ETag
   * you read) to be refused with `version_conflict` if it changed meanwhile.
   * @throws ModelKeepApiError `not_found` (also when the model did not exist yet at `asOf`), `version_conflict`
   */
  async restore(ref: ModelRef, asOf: AsOf, options: WriteOptions & { reason?: string; ifMatch?: IfMatch } = {}): Promise<Model> {
    const { reason, ifMatch, ...rest } = options;
    const json = { asOf: asOfParam(asOf), ...(reason === undefined ? {} : { reason }) };
    return this.http.json({ method: 'POST', path: `${pathOf(ref)}/restore`, json, headers: ifMatchHeader(ifMatch), ...rest });
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
