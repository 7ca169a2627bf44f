import { timingSafeEqual } from 'node:crypto';
import type { AccessLogRow, Db } from '../store/database.js';
import { accessRecordLeaf, batchRoot } from './access-record.js';
import type { AccessBatchAnchored } from './entry-payloads.js';

export interface AccessLogProblem {
  /** `access record <id>`, `access records <first>-<last>` or `access batch <seq>` (the anchoring entry's ledger seq). */
  readonly resource: string;
  readonly problem: string;
}

const ANCHOR = 'access.batch_anchored';
const PAGE = 500;

/**
 * Checks the access log against the ledger: every `access.batch_anchored`
 * entry, in ledger order, against the rows filed under its seq. Finds a
 * record whose columns no longer hash to its leaf, records removed from or
 * added to a batch, a batch whose Merkle root differs from the anchored one,
 * and records that claim a batch no entry anchors. The entries themselves
 * are the ledger verifier's to check. Reads page by page, so memory stays
 * flat; returns how much was checked.
 */
export async function verifyAccessLog(db: Db, onProblem: (p: AccessLogProblem) => void): Promise<{ batches: number; records: number }> {
  let batches = 0;
  let records = 0;
  let previous: { seq: number; lastId: number } | undefined;
  for (let afterSeq = -1; ; ) {
    const anchors = await db
      .selectFrom('ledger_entries')
      .select(['seq', 'canonical'])
      .where('action', '=', ANCHOR)
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(PAGE)
      .execute();
    for (const anchor of anchors) {
      const seq = Number(anchor.seq);
      afterSeq = seq;
      batches += 1;
      const batch = `access batch ${seq}`;
      const payload = anchoredBatch(anchor.canonical);
      if (payload === undefined) {
        onProblem({ resource: batch, problem: 'the anchoring entry does not hold a well-formed batch (count, first and last id, root)' });
        continue;
      }
      const rows = await db.selectFrom('access_log').selectAll().where('batch_seq', '=', seq).orderBy('id').execute();
      records += rows.length;
      checkBatch(seq, payload, rows, onProblem);
      // Ids are handed out under the ledger lock, so batches follow one another without gap or overlap.
      if (previous !== undefined && payload.firstId !== previous.lastId + 1) {
        onProblem({ resource: batch, problem: `anchors records from id ${payload.firstId}, but the previous batch (${previous.seq}) ended at id ${previous.lastId}` });
      }
      previous = { seq, lastId: payload.lastId };
    }
    if (anchors.length < PAGE) break;
  }
  records += await reportUnanchored(db, onProblem);
  return { batches, records };
}

function checkBatch(seq: number, anchored: AccessBatchAnchored, rows: readonly AccessLogRow[], onProblem: (p: AccessLogProblem) => void): void {
  const batch = `access batch ${seq}`;
  const { firstId, lastId } = anchored;
  if (anchored.count !== lastId - firstId + 1) {
    onProblem({ resource: batch, problem: `the anchor counts ${anchored.count} records but names ids ${firstId}-${lastId}` });
  }
  const leaves: string[] = [];
  const present: number[] = [];
  for (const row of rows) {
    const id = Number(row.id);
    const leaf = accessRecordLeaf({ id, at: row.at, actor: row.actor, action: row.action, subject: row.subject, status: Number(row.status) });
    if (leaf !== row.leaf_hash) {
      onProblem({ resource: `access record ${id}`, problem: `changed: its columns no longer hash to its stored leaf hash (batch ${seq})` });
    }
    if (id < firstId || id > lastId) {
      onProblem({ resource: `access record ${id}`, problem: `added: filed under batch ${seq}, which anchors ids ${firstId}-${lastId} only` });
      continue;
    }
    present.push(id);
    leaves.push(leaf);
  }
  for (const [from, to] of missingRanges(firstId, lastId, present)) {
    onProblem({
      resource: from === to ? `access record ${from}` : `access records ${from}-${to}`,
      problem: `removed: anchored in batch ${seq} but no longer in the access log under it`,
    });
  }
  if (!sameRoot(batchRoot(leaves), anchored.root)) {
    onProblem({ resource: batch, problem: `root mismatch: records ${firstId}-${lastId} as stored do not hash to the Merkle root the ledger anchors` });
  }
}

/** Rows filed under a seq that anchors no batch: added outside the writer. Paged by id. */
async function reportUnanchored(db: Db, onProblem: (p: AccessLogProblem) => void): Promise<number> {
  let count = 0;
  for (let afterId = 0; ; ) {
    const rows = await db
      .selectFrom('access_log')
      .select(['id', 'batch_seq'])
      .where('id', '>', afterId)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('ledger_entries').select('seq').whereRef('ledger_entries.seq', '=', 'access_log.batch_seq').where('ledger_entries.action', '=', ANCHOR))),
      )
      .orderBy('id')
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      afterId = Number(row.id);
      onProblem({ resource: `access record ${afterId}`, problem: `added: filed under batch ${Number(row.batch_seq)}, but no access.batch_anchored entry has that seq` });
    }
    count += rows.length;
    if (rows.length < PAGE) return count;
  }
}

/** The batch an anchoring entry commits to, or undefined when its payload is not one. */
function anchoredBatch(canonical: string): AccessBatchAnchored | undefined {
  try {
    const { payload } = JSON.parse(canonical) as { payload?: Partial<AccessBatchAnchored> };
    if (payload === undefined || payload === null) return undefined;
    const { count, firstId, lastId, root } = payload;
    const ids = [count, firstId, lastId].every((n) => Number.isSafeInteger(n));
    return ids && typeof root === 'string' && firstId! <= lastId! ? (payload as AccessBatchAnchored) : undefined;
  } catch {
    return undefined;
  }
}

/** Runs of ids in [first, last] absent from `present` (ascending), found in one pass over what is there. */
function missingRanges(first: number, last: number, present: readonly number[]): [number, number][] {
  const ranges: [number, number][] = [];
  let next = first;
  for (const id of present) {
    if (id > next) ranges.push([next, id - 1]);
    next = id + 1;
  }
  if (next <= last) ranges.push([next, last]);
  return ranges;
}

function sameRoot(computed: Buffer, anchoredBase64: string): boolean {
  const anchored = Buffer.from(anchoredBase64, 'base64');
  return anchored.length === computed.length && timingSafeEqual(anchored, computed);
}
