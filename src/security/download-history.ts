/**
 * One principal's downloads per bucket: the current bucket and the
 * `baselineBuckets` before it, in a ring, with the baseline's total kept as
 * buckets enter and leave it so that reading it never scans the ring.
 *
 * Buckets are integer indexes (`Math.floor(at / bucketMs)`). The current
 * bucket only moves forward; a count for an older bucket still in the ring is
 * added to that bucket, and one for a bucket that has left the ring is dropped.
 */
export class DownloadHistory {
  readonly #counts: Float64Array;
  readonly #baselineBuckets: number;
  #current: number;
  #baselineTotal = 0;

  constructor(baselineBuckets: number, startBucket: number) {
    this.#baselineBuckets = baselineBuckets;
    this.#counts = new Float64Array(baselineBuckets + 1);
    this.#current = startBucket;
  }

  get currentBucket(): number {
    return this.#current;
  }

  get currentCount(): number {
    return this.#counts[this.#slot(this.#current)] ?? 0;
  }

  /** Downloads in the `baselineBuckets` buckets before the current one. */
  get baselineTotal(): number {
    return this.#baselineTotal;
  }

  /** Adds `count` downloads to `bucket`; false when the bucket is too old to keep. */
  add(bucket: number, count: number): boolean {
    if (bucket > this.#current) this.#advanceTo(bucket);
    const age = this.#current - bucket;
    if (age > this.#baselineBuckets) return false;
    this.#counts[this.#slot(bucket)] = (this.#counts[this.#slot(bucket)] ?? 0) + count;
    if (age > 0) this.#baselineTotal += count;
    return true;
  }

  // Costs min(steps, baselineBuckets + 1) slot updates: bounded by the ring, never by the history's length.
  #advanceTo(bucket: number): void {
    const steps = bucket - this.#current;
    if (steps > this.#baselineBuckets) {
      this.#counts.fill(0);
      this.#baselineTotal = 0;
    } else {
      for (let next = this.#current + 1; next <= bucket; next++) {
        // The bucket that becomes current reuses the slot of the one leaving the baseline.
        this.#baselineTotal += (this.#counts[this.#slot(next - 1)] ?? 0) - (this.#counts[this.#slot(next)] ?? 0);
        this.#counts[this.#slot(next)] = 0;
      }
    }
    this.#current = bucket;
  }

  #slot(bucket: number): number {
    const size = this.#counts.length;
    return ((bucket % size) + size) % size;
  }
}
