import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, consistencyProof, hashLeaf, rootOf } from '../../src/ledger/merkle.js';
import type { Checkpoint } from '../../src/ledger/verifier/index.js';
import { checkExtension, compareCheckpoints } from '../../src/verify-remote/check-extension.js';

const leaves = Array.from({ length: 40 }, (_, i) => hashLeaf(Buffer.from(`entry ${i}`)));
const at = (size: number, of = leaves): Checkpoint => ({ origin: 'example.org/log', size, root: rootOf(of.slice(0, size)) });

describe('deciding whether today’s checkpoint extends a saved one', () => {
  it('asks for a proof only when the log grew, and accepts an honest one', () => {
    expect(compareCheckpoints(at(13), at(40))).toEqual({ kind: 'proof-needed', from: 13, to: 40 });
    expect(checkExtension(at(13), at(40), consistencyProof(leaves, 13))).toEqual({ ok: true, detail: 'the log at size 40 extends the checkpoint you saved at size 13' });
  });

  it('refuses a proof from a history that was rewritten under the saved checkpoint', () => {
    const rewritten = leaves.map((leaf, i) => (i === 5 ? hashLeaf(Buffer.from('forged')) : leaf));
    const check = checkExtension(at(13), at(40, rewritten), consistencyProof(rewritten, 13));
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/does not extend the checkpoint you saved at size 13: the proof does not lead to the first root/);
  });

  it('calls a smaller log a rollback, and two roots for one size a fork', () => {
    expect(compareCheckpoints(at(40), at(13))).toMatchObject({ kind: 'decided', ok: false, detail: expect.stringMatching(/truncated or rolled back/) });
    const fork = { ...at(13), root: rootOf([...leaves.slice(0, 12), hashLeaf(Buffer.from('other'))]) };
    expect(compareCheckpoints(at(13), fork)).toMatchObject({ kind: 'decided', ok: false, detail: expect.stringMatching(/two different roots for size 13/) });
    expect(compareCheckpoints(at(13), at(13))).toMatchObject({ kind: 'decided', ok: true });
  });

  it('takes every log as an extension of the empty one', () => {
    expect(compareCheckpoints({ origin: 'example.org/log', size: 0, root: EMPTY_ROOT }, at(3))).toMatchObject({ kind: 'decided', ok: true });
  });
});
