import { appendAccessRecords, nextAccessId } from '../store/access-log/append-access-records.js';
import type { WriteSteps } from '../store/write-command.js';
import { type AccessRead, type SealedAccessRecord, sealAccessRecord } from './access-record.js';
import { decideAnchorAccessBatch } from './decide-anchor.js';

export interface AnchoredBatch {
  /** The ledger seq of the anchoring entry; absent when there was nothing to anchor. */
  readonly seq?: number;
  readonly count: number;
}

/** Writes of the access log, run by the writer like every other write. */
export const accessCommands = {
  /**
   * Appends a batch of reads to the access log and one ledger entry with
   * their Merkle root, in one transaction: the records and their anchor
   * commit together or not at all.
   */
  anchorAccessBatch: (args: { reads: readonly AccessRead[]; dropped: number }): WriteSteps<AnchoredBatch> => {
    let sealed: SealedAccessRecord[] = [];
    return {
      decide: async (tx) => {
        const firstId = await nextAccessId(tx);
        sealed = args.reads.map((read, index) => sealAccessRecord(read, firstId + index));
        return decideAnchorAccessBatch(sealed, args.dropped);
      },
      respond: async (tx, entries) => {
        const anchor = entries[0];
        if (anchor === undefined) return { count: 0 };
        await appendAccessRecords(tx, sealed, anchor.seq);
        return { seq: anchor.seq, count: sealed.length };
      },
    };
  },
};
