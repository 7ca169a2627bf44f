import type { Expression, SqlBool } from 'kysely';
import type { Db } from './database.js';

/** The text of a model that full-text search covers. */
export interface ModelSearchText {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly searchTags: string;
}

/**
 * Everything that differs between SQLite and PostgreSQL, and nothing else.
 * Both implementations live under the same file name in their own folder.
 */
export interface StoreDialect {
  readonly name: 'sqlite' | 'postgres';
  readonly db: Db;
  /** PostgreSQL: after any failed statement the transaction can only roll back. SQLite undoes just the statement. */
  readonly failedStatementAbortsTransaction: boolean;
  /** Creates the full-text index over models: an FTS5 table, or a tsvector column. */
  createModelSearchIndex(db: Db): Promise<void>;
  /** Keeps the full-text index in step with a model row that was just written. */
  indexModel(db: Db, model: ModelSearchText): Promise<void>;
  /** A condition on `models` that holds when every term prefixes a word of the model's text. */
  modelTextMatch(terms: readonly string[]): Expression<SqlBool>;
  close(): Promise<void>;
}

/** Splits a user's query into plain word terms: no operator of either engine survives. */
export function searchTerms(query: string): string[] {
  return (query.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 16);
}
