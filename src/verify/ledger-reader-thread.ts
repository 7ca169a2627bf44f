import { parentPort, workerData } from 'node:worker_threads';
import { hashChildren } from '../ledger/merkle.js';
import type { Subtree } from '../ledger/merkle-frontier.js';
import { openStore } from '../store/open-store.js';
import { compareStoredNodes } from './compare-stored-nodes.js';
import { hashLedgerRows } from './hash-ledger-rows.js';

/*
 * A verify thread (see readLedgerInParallel): reads the ledger rows of the
 * ranges it is sent and answers with their hashes. A range that is a whole
 * aligned subtree of the ledger's Merkle tree also gets that subtree built
 * here and compared with the stored one, so the main thread only joins roots.
 */

const { location, schema } = workerData as { location: string; schema: string | undefined };
const store = await openStore({ location, schema, inspect: true });
const port = parentPort!;

port.on('message', async (message: { from: number; to: number } | 'close') => {
  if (message === 'close') {
    await store.close();
    port.close();
    return;
  }
  try {
    const { from, to } = message;
    const rows = await store.db.selectFrom('ledger_entries').selectAll().where('seq', '>=', from).where('seq', '<', to).orderBy('seq').execute();
    const hashed = hashLedgerRows(rows);
    const whole = rows.length === to - from && Number.isInteger(Math.log2(to - from)) && from % (to - from) === 0 && hashed.seqs.every((seq, i) => seq === from + i);
    let subtree: { level: number; hash: Buffer } | undefined;
    const nodeProblems: { resource: string; problem: string }[] = [];
    if (whole) {
      const nodes: Subtree[] = [];
      let level = Array.from({ length: rows.length }, (_, i) => hashed.leaves.subarray(i * 32, i * 32 + 32));
      for (let height = 1; level.length > 1; height += 1) {
        const parents: Buffer[] = [];
        for (let i = 0; i < level.length; i += 2) {
          const hash = hashChildren(level[i]!, level[i + 1]!);
          parents.push(hash);
          nodes.push({ level: height, index: from / 2 ** height + i / 2, hash });
        }
        level = parents;
      }
      subtree = { level: Math.log2(to - from), hash: Buffer.from(level[0]!) };
      await compareStoredNodes(store.db, nodes, (resource, problem) => nodeProblems.push({ resource, problem }));
    }
    port.postMessage({ from, ...hashed, subtree, nodeProblems }, [hashed.seqs.buffer as ArrayBuffer, hashed.leaves.buffer as ArrayBuffer, hashed.flags.buffer as ArrayBuffer]);
  } catch (error) {
    port.postMessage({ from: message.from, error: (error as Error).message });
  }
});
