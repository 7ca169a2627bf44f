import type { Model } from '../../catalog/schemas.js';
import { sql } from 'kysely';
import type { Db } from '../database.js';
import { type StoreDialect, searchTerms } from '../dialect.js';
import { decodeCursor, type Page, pageFrom } from './cursor.js';
import { toModel } from './row-mappers.js';

export interface ModelSearch {
  readonly q?: string | undefined;
  readonly namespace?: string | undefined;
  readonly tag?: string | undefined;
  readonly stage?: string | undefined;
  readonly riskTier?: string | undefined;
  readonly owner?: string | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/** Models in registration order, filtered; full text matches every term as a word prefix. */
export async function searchModels(db: Db, dialect: StoreDialect, search: ModelSearch): Promise<Page<Model>> {
  const after = decodeCursor(search.cursor);
  let query = db.selectFrom('models').selectAll('models').limit(search.limit + 1);
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
  if (search.namespace !== undefined) query = query.where('models.namespace', '=', search.namespace);
  if (search.stage !== undefined) query = query.where('models.stage', '=', search.stage);
  if (search.riskTier !== undefined) query = query.where('models.risk_tier', '=', search.riskTier);
  if (search.q !== undefined) {
    const terms = searchTerms(search.q);
    if (terms.length > 0) query = query.where(dialect.modelTextMatch(terms));
  }
  const rows = await query.execute();
  return pageFrom(rows.map(toModel), search.limit);
}
