import type { ModelVersion } from '../../catalog/schemas.js';
import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { StoreDialect } from '../dialect.js';
import { type AsOf, catalogSource, validAt } from './as-of.js';
import { decodeCursor, type Page, pageFrom } from './cursor.js';
import { toVersion } from './row-mappers.js';

export interface VersionSearch {
  readonly namespace?: string | undefined;
  /** The namespaces the caller may read; undefined: all. */
  readonly only?: readonly string[] | undefined;
  readonly model?: string | undefined;
  readonly tag?: string | undefined;
  readonly status?: string | undefined;
  readonly stage?: string | undefined;
  readonly license?: string | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/** Versions across models, in registration order; with `asOf`, as they stood then. */
export async function searchVersions(db: Db, dialect: StoreDialect, search: VersionSearch, asOf?: AsOf): Promise<Page<ModelVersion>> {
  const after = decodeCursor(search.cursor);
  if (search.only !== undefined && search.only.length === 0) return { items: [], nextCursor: null };
  let query = db.selectFrom(catalogSource('versions', asOf)).selectAll('versions').limit(search.limit + 1);
  if (asOf !== undefined) {
    query = query.where(validAt('versions', asOf)).orderBy('versions.id');
    if (after !== undefined) query = query.where('versions.id', '>', after);
    if (search.tag !== undefined) query = query.where(dialect.jsonArrayContains('versions.metadata', 'tags', search.tag));
  } else if (search.tag !== undefined) {
    // Walk the (tag, version_id) index in order: the cost follows the page size, not the tag's popularity.
    query = query.innerJoin('version_tags', 'version_tags.version_id', 'versions.id').where('version_tags.tag', '=', search.tag).orderBy(sql.ref('version_tags.version_id'));
    if (after !== undefined) query = query.where(sql.ref('version_tags.version_id'), '>', after);
  } else {
    query = query.orderBy('versions.id');
    if (after !== undefined) query = query.where('versions.id', '>', after);
  }
  if (search.namespace !== undefined) query = query.where('versions.namespace', '=', search.namespace);
  if (search.only !== undefined) query = query.where('versions.namespace', 'in', search.only);
  if (search.model !== undefined) query = query.where('versions.model', '=', search.model);
  if (search.status !== undefined) query = query.where('versions.status', '=', search.status);
  if (search.stage !== undefined) query = query.where('versions.stage', '=', search.stage);
  if (search.license !== undefined) query = query.where('versions.license', '=', search.license);
  const rows = await query.execute();
  return pageFrom(rows.map(toVersion), search.limit);
}
