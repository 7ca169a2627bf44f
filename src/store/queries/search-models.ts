import type { Model } from '../../catalog/schemas.js';
import { sql } from 'kysely';
import type { Db } from '../database.js';
import { type StoreDialect, searchTerms } from '../dialect.js';
import { type AsOf, catalogSource, validAt } from './as-of.js';
import { decodeCursor, type Page, pageFrom } from './cursor.js';
import { toModel } from './row-mappers.js';

export interface ModelSearch {
  readonly q?: string | undefined;
  readonly namespace?: string | undefined;
  /** The namespaces the caller may read; undefined: all. */
  readonly only?: readonly string[] | undefined;
  readonly tag?: string | undefined;
  readonly stage?: string | undefined;
  readonly riskTier?: string | undefined;
  readonly owner?: string | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/**
 * Models in registration order, filtered; full text matches every term as a
 * word prefix. With `asOf`, the same filters over the models as they stood then.
 */
export async function searchModels(db: Db, dialect: StoreDialect, search: ModelSearch, asOf?: AsOf): Promise<Page<Model>> {
  const after = decodeCursor(search.cursor);
  if (search.only !== undefined && search.only.length === 0) return { items: [], nextCursor: null };
  let query = db.selectFrom(catalogSource('models', asOf)).selectAll('models').limit(search.limit + 1);
  const terms = search.q === undefined ? [] : searchTerms(search.q);
  if (asOf !== undefined) {
    query = query.where(validAt('models', asOf)).orderBy('models.id');
    if (after !== undefined) query = query.where('models.id', '>', after);
    if (search.tag !== undefined) query = query.where(dialect.jsonArrayContains('models.tags', undefined, search.tag));
    if (search.owner !== undefined) query = query.where(dialect.jsonArrayContains('models.owners', undefined, search.owner));
    for (const term of terms) query = query.where(sql`' ' || ${sql.ref('models.search_words')}`, 'like', `% ${term}%`);
  } else {
    // With a tag or owner, walk that index in model order; otherwise the primary key.
    if (search.tag !== undefined) {
      query = query.innerJoin('model_tags', 'model_tags.model_id', 'models.id').where('model_tags.tag', '=', search.tag).orderBy(sql.ref('model_tags.model_id'));
      if (after !== undefined) query = query.where(sql.ref('model_tags.model_id'), '>', after);
    } else {
      query = query.orderBy('models.id');
      if (after !== undefined) query = query.where('models.id', '>', after);
    }
    if (search.owner !== undefined) {
      query = query.innerJoin('model_owners', 'model_owners.model_id', 'models.id').where('model_owners.owner', '=', search.owner);
    }
    if (terms.length > 0) query = query.where(dialect.modelTextMatch(terms));
  }
  if (search.namespace !== undefined) query = query.where('models.namespace', '=', search.namespace);
  if (search.only !== undefined) query = query.where('models.namespace', 'in', search.only);
  if (search.stage !== undefined) query = query.where('models.stage', '=', search.stage);
  if (search.riskTier !== undefined) query = query.where('models.risk_tier', '=', search.riskTier);
  const rows = await query.execute();
  return pageFrom(rows.map(toModel), search.limit);
}
