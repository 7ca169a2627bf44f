import { MerkleFrontier } from '../../ledger/merkle-frontier.js';
import type { LedgerHeadRow } from '../database.js';

/** The ledger head's stored frontier, as an object. */
export function frontierOf(head: Pick<LedgerHeadRow, 'size' | 'frontier'>): MerkleFrontier {
  return MerkleFrontier.restore(Number(head.size), (JSON.parse(head.frontier) as string[]).map((h) => Buffer.from(h, 'hex')));
}

/** The frontier in the form the ledger head stores. */
export function storedFrontier(frontier: MerkleFrontier): string {
  return JSON.stringify(frontier.peakHashes.map((h) => h.toString('hex')));
}
