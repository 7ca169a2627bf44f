import { asOfQuery } from './as-of.js';
import { paginate } from './paginate.js';
import type { CallOptions, Transport, WriteOptions } from './transport.js';
import type { CreateNamespace, ExtensionKind, Namespace, Page, ReadOptions } from './types.js';

const base = '/api/v1/namespaces';
const seg = encodeURIComponent;

/** Namespaces (teams): they own models, and may constrain their `extra` metadata with JSON Schemas. */
export class NamespacesApi {
  constructor(private readonly http: Transport) {}

  /** Creates a namespace. @throws ModelKeepApiError `already_exists`, `invalid_request`, `forbidden` */
  create(body: CreateNamespace, options: WriteOptions = {}): Promise<Namespace> {
    return this.http.json({ method: 'POST', path: base, json: body, ...options });
  }

  /** One page of namespaces, in name order; with `asOf`, as they stood then. */
  async list(query: { limit?: number; cursor?: string } = {}, options: ReadOptions = {}): Promise<Page<Namespace>> {
    const { asOf, ...rest } = options;
    return this.http.json({ method: 'GET', path: base, query: { ...query, ...asOfQuery(asOf) }, ...rest });
  }

  /** Every namespace, fetching pages as needed; with `asOf`, as they stood then. */
  listAll(options: ReadOptions = {}): AsyncGenerator<Namespace, void, undefined> {
    return paginate((cursor) => this.list({ limit: 500, ...(cursor === undefined ? {} : { cursor }) }, options));
  }

  /** One namespace; with `asOf`, as it stood then. @throws ModelKeepApiError `not_found`, also when it did not exist yet at `asOf` */
  async get(name: string, options: ReadOptions = {}): Promise<Namespace> {
    const { asOf, ...rest } = options;
    return this.http.json({ method: 'GET', path: `${base}/${seg(name)}`, query: asOfQuery(asOf), ...rest });
  }

  /**
   * Sets the JSON Schema (with `"type": "object"`) that the `extra` metadata of
   * models or versions in the namespace must satisfy.
   * @throws ModelKeepApiError `schema_incompatible` when published records would no longer be valid
   */
  setSchema(name: string, kind: ExtensionKind, schema: Readonly<Record<string, unknown>>, options: CallOptions = {}): Promise<Namespace> {
    return this.http.json({ method: 'PUT', path: `${base}/${seg(name)}/schemas/${kind}`, json: schema, ...options });
  }

  /** Removes an extension schema. */
  deleteSchema(name: string, kind: ExtensionKind, options: CallOptions = {}): Promise<Namespace> {
    return this.http.json({ method: 'DELETE', path: `${base}/${seg(name)}/schemas/${kind}`, ...options });
  }
}
