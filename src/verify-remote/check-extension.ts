import { type Checkpoint, verifyConsistency } from '../ledger/verifier/index.js';

/** What comparing a saved checkpoint with today's needs: a proof only when the log grew. */
export type Extension =
  | { readonly kind: 'proof-needed'; readonly from: number; readonly to: number }
  | { readonly kind: 'decided'; readonly ok: boolean; readonly detail: string };

const extendsSentence = (saved: Checkpoint, latest: Checkpoint): string =>
  `the log at size ${latest.size} extends the checkpoint you saved at size ${saved.size}`;

/** Decides what it can from the two signed checkpoints alone. */
export function compareCheckpoints(saved: Checkpoint, latest: Checkpoint): Extension {
  if (saved.size > latest.size) {
    return {
      kind: 'decided',
      ok: false,
      detail: `the log now has ${latest.size} entries, fewer than the ${saved.size} of the checkpoint you saved: it was truncated or rolled back`,
    };
  }
  if (saved.size === latest.size) {
    // Equal sizes: the same tree or a fork; there is nothing to prove between them.
    return saved.root.equals(latest.root)
      ? { kind: 'decided', ok: true, detail: `the log is still at size ${latest.size}, with the root you saved` }
      : { kind: 'decided', ok: false, detail: `the log signed two different roots for size ${latest.size}: the one you saved and today's (a fork)` };
  }
  // Every tree extends the empty one; RFC 9162 has no proof for it.
  if (saved.size === 0) return { kind: 'decided', ok: true, detail: extendsSentence(saved, latest) };
  return { kind: 'proof-needed', from: saved.size, to: latest.size };
}

/**
 * RFC 9162 §2.1.4.2 against the roots the two checkpoints sign, never the
 * roots the server sends beside the proof.
 */
export function checkExtension(saved: Checkpoint, latest: Checkpoint, proof: readonly Buffer[]): { readonly ok: boolean; readonly detail: string } {
  const check = verifyConsistency(saved.size, latest.size, proof, saved.root, latest.root);
  return check.valid
    ? { ok: true, detail: extendsSentence(saved, latest) }
    : { ok: false, detail: `the log at size ${latest.size} does not extend the checkpoint you saved at size ${saved.size}: ${check.reason}` };
}
