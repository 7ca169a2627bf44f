import { EMPTY_ROOT, hashChildren } from './merkle.js';

/** A complete subtree: `level` 0 is a leaf; it covers leaves [index·2^level, (index+1)·2^level). */
export interface Subtree {
  readonly level: number;
  readonly index: number;
  readonly hash: Buffer;
}

/**
 * The right edge of a Merkle tree of `size` leaves: the roots of its complete
 * subtrees, largest first, one per set bit of `size`. Appending a leaf merges
 * equal neighbours, which yields exactly the new complete subtrees to store,
 * so an append costs O(log n) in memory and O(1) stored nodes on average.
 */
export class MerkleFrontier {
  private constructor(
    private size: number,
    private readonly peaks: Subtree[],
  ) {}

  static empty(): MerkleFrontier {
    return new MerkleFrontier(0, []);
  }

  /** Rebuilds the frontier from its stored form: the size and the peak hashes, largest first. */
  static restore(size: number, peakHashes: readonly Buffer[]): MerkleFrontier {
    const peaks: Subtree[] = [];
    let covered = 0;
    for (let level = 52; level >= 0; level -= 1) {
      const span = 2 ** level;
      if (Math.floor(size / span) % 2 === 1) {
        peaks.push({ level, index: covered / span, hash: peakHashes[peaks.length]! });
        covered += span;
      }
    }
    if (peaks.length !== peakHashes.length || peaks.some((p) => p.hash === undefined)) {
      throw new Error(`a tree of ${size} leaves has ${peaks.length} peaks, not ${peakHashes.length}`);
    }
    return new MerkleFrontier(size, peaks);
  }

  get treeSize(): number {
    return this.size;
  }

  get peakHashes(): Buffer[] {
    return this.peaks.map((p) => p.hash);
  }

  /** Adds a leaf; returns the complete subtrees of level 1 and up that it completes. */
  append(leafHash: Buffer): Subtree[] {
    return this.appendSubtree(0, leafHash);
  }

  /**
   * Adds 2^level leaves at once, given the root of the complete subtree they
   * form (computed elsewhere, e.g. on another thread); the tree's size must be
   * a multiple of 2^level. Returns the subtrees above `level` it completes.
   */
  appendSubtree(level: number, hash: Buffer): Subtree[] {
    const span = 2 ** level;
    if (this.size % span !== 0) throw new RangeError(`a subtree of level ${level} cannot start at leaf ${this.size}`);
    const completed: Subtree[] = [];
    let node: Subtree = { level, index: this.size / span, hash };
    while (this.peaks.length > 0 && this.peaks[this.peaks.length - 1]!.level === node.level) {
      const left = this.peaks.pop()!;
      node = { level: node.level + 1, index: left.index / 2, hash: hashChildren(left.hash, node.hash) };
      completed.push(node);
    }
    this.peaks.push(node);
    this.size += span;
    return completed;
  }

  /** RFC 9162 MTH of the whole tree: the peaks folded from the right. */
  root(): Buffer {
    if (this.peaks.length === 0) return EMPTY_ROOT;
    let acc = this.peaks[this.peaks.length - 1]!.hash;
    for (let i = this.peaks.length - 2; i >= 0; i -= 1) acc = hashChildren(this.peaks[i]!.hash, acc);
    return acc;
  }

  clone(): MerkleFrontier {
    return new MerkleFrontier(this.size, [...this.peaks]);
  }
}
