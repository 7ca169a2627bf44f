import type { Subtree } from '../ledger/merkle-frontier.js';
import type { Db } from '../store/database.js';
import { LOWEST_STORED_LEVEL } from '../store/merkle/insert-nodes.js';

/** The stored subtrees proofs are served from must be the ones the entries make. */
export async function compareStoredNodes(db: Db, completed: readonly Subtree[], onProblem: (resource: string, problem: string) => void): Promise<void> {
  const byLevel = new Map<number, Subtree[]>();
  for (const node of completed) {
    if (node.level < LOWEST_STORED_LEVEL) continue;
    const list = byLevel.get(node.level) ?? [];
    list.push(node);
    byLevel.set(node.level, list);
  }
  for (const [level, nodes] of byLevel) {
    const first = nodes[0]!.index;
    const last = nodes[nodes.length - 1]!.index;
    const rows = await db.selectFrom('ledger_nodes').select(['idx', 'hash']).where('level', '=', level).where('idx', '>=', first).where('idx', '<=', last).execute();
    const stored = new Map(rows.map((r) => [Number(r.idx), r.hash]));
    for (const node of nodes) {
      const hash = stored.get(node.index);
      const resource = `tree node level ${level} index ${node.index}`;
      if (hash === undefined) onProblem(resource, 'is missing; proofs over it cannot be served');
      else if (hash !== node.hash.toString('hex')) onProblem(resource, 'differs from the hash of the entries beneath it');
    }
  }
}

