import type { EntryDraft } from '../ledger/entry.js';
import { batchRoot, type SealedAccessRecord } from './access-record.js';
import { ACCESS_LOG_SUBJECT, type AccessBatchAnchored, asPayload } from './entry-payloads.js';

/** One ledger entry committing to a batch of access records (given in id order), and to the reads dropped before it. */
export function decideAnchorAccessBatch(records: readonly SealedAccessRecord[], dropped: number): EntryDraft[] {
  const first = records[0];
  const last = records[records.length - 1];
  if (first === undefined || last === undefined) return [];
  let from = first.at;
  let to = first.at;
  for (const { at } of records) {
    if (at < from) from = at;
    if (at > to) to = at;
  }
  const payload: AccessBatchAnchored = {
    count: records.length,
    firstId: first.id,
    lastId: last.id,
    from,
    to,
    root: batchRoot(records.map((r) => r.leafHash)).toString('base64'),
    dropped,
  };
  return [{ action: 'access.batch_anchored', subject: ACCESS_LOG_SUBJECT, payload: asPayload(payload) }];
}
