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
  /** Where the migrator keeps its own tables (PostgreSQL: the store's schema). */
  readonly migrationSchema: string | undefined;
  /** PostgreSQL: after any failed statement the transaction can only roll back. SQLite undoes just the statement. */
  readonly failedStatementAbortsTransaction: boolean;
  /** Creates the full-text index over models: an FTS5 table, or a tsvector column. */
  createModelSearchIndex(db: Db): Promise<void>;
  /** Empties the full-text index, before the projections are rebuilt. */
  clearModelSearchIndex(db: Db): Promise<void>;
  /** Keeps the full-text index in step with a model row that was just written. */
  indexModel(db: Db, model: ModelSearchText): Promise<void>;
  /** A condition that holds when the JSON array in `column` (or at its key `key`) holds the string `value`. */
  jsonArrayContains(column: string, key: string | undefined, value: string): Expression<SqlBool>;
  /** A condition on `models` that holds when every term prefixes a word of the model's text. */
  modelTextMatch(terms: readonly string[]): Expression<SqlBool>;
  close(): Promise<void>;
}

/** The plain words of a text, lower-cased: what search compares. */
export function searchWords(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Splits a user's query into plain word terms: no operator of either engine survives. */
export function searchTerms(query: string): string[] {
  return searchWords(query).slice(0, 16);
}
