import type { JsonObject } from '../ledger/entry.js';

/** The subject of every anchoring entry. */
export const ACCESS_LOG_SUBJECT = 'mk:access-log';

/**
 * What an `access.batch_anchored` entry commits to: the records with ids
 * firstId..lastId (consecutive) whose RFC 9162 Merkle root is `root`.
 */
export interface AccessBatchAnchored {
  readonly count: number;
  readonly firstId: number;
  readonly lastId: number;
  /** The earliest and latest `at` of the batch's records. */
  readonly from: string;
  readonly to: string;
  /** Base64, over the records' leaf hashes in id order. */
  readonly root: string;
  /** Reads the server had to drop (its buffer was full) since the previous anchor: a gap stated, not hidden. */
  readonly dropped: number;
}

export const asPayload = (value: AccessBatchAnchored): JsonObject => value as unknown as JsonObject;
