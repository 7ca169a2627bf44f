import { leafHash } from '../ledger/leaf-hash.js';
import type { LedgerEntryRow } from '../store/database.js';

/** What the ledger check needs of a run of rows, computed wherever the rows were read. */
export interface HashedRows {
  readonly seqs: Float64Array;
  /** The leaf hash of each row's canonical text as stored, 32 bytes each, in row order. */
  readonly leaves: Buffer;
  /** Per row: bit 0 set when the stored leaf hash is the hash of the text; bit 1 when the text is exactly what the columns say. */
  readonly flags: Uint8Array;
}

export const STORED_LEAF_OK = 1;
export const COLUMNS_OK = 2;

/**
 * True when the canonical text is, byte for byte, an entry with the row's
 * columns around an object payload. RFC 8785 orders the keys, and writes
 * strings and integers as JSON.stringify does, so the text around the payload
 * follows from the columns alone and most entries need no parsing.
 */
export function hasColumnsAsHashed(row: LedgerEntryRow): boolean {
  const { canonical } = row;
  const head = `{"action":${JSON.stringify(row.action)},"actor":${JSON.stringify(row.actor)},"at":${JSON.stringify(row.at)},"payload":{`;
  const tail = `},"reason":${JSON.stringify(row.reason)},"seq":${Number(row.seq)},"subject":${JSON.stringify(row.subject)}}`;
  return canonical.length > head.length + tail.length - 2 && canonical.startsWith(head) && canonical.endsWith(tail);
}

export function hashLedgerRows(rows: readonly LedgerEntryRow[]): HashedRows {
  const seqs = new Float64Array(rows.length);
  // Its own ArrayBuffer, never Node's shared pool: it may be transferred to another thread.
  const leaves = Buffer.from(new ArrayBuffer(rows.length * 32));
  const flags = new Uint8Array(rows.length);
  rows.forEach((row, i) => {
    seqs[i] = Number(row.seq);
    const leaf = leafHash(row.canonical);
    leaf.copy(leaves, i * 32);
    flags[i] = (leaf.toString('hex') === row.leaf_hash ? STORED_LEAF_OK : 0) | (hasColumnsAsHashed(row) ? COLUMNS_OK : 0);
  });
  return { seqs, leaves, flags };
}
