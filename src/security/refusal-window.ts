/**
 * The times of one principal's last `threshold` refusals, in a ring. That is
 * all a sliding-window threshold needs: the window holds `threshold` refusals
 * exactly when the oldest of the last `threshold` is still inside it.
 */
export class RefusalWindow {
  readonly #times: Float64Array;
  readonly #windowMs: number;
  #next = 0;
  #recorded = 0;
  #latest = Number.NEGATIVE_INFINITY;

  constructor(threshold: number, windowMs: number) {
    this.#times = new Float64Array(threshold);
    this.#windowMs = windowMs;
  }

  /**
   * Records a refusal; false when it is too old to fall in any window still
   * open. A refusal reported after a later one is counted at the later time,
   * keeping the ring in order (the difference is the few milliseconds between
   * two concurrent answers).
   */
  record(at: number): boolean {
    if (at <= this.#latest - this.#windowMs) return false;
    this.#latest = Math.max(this.#latest, at);
    this.#times[this.#next] = this.#latest;
    this.#next = (this.#next + 1) % this.#times.length;
    this.#recorded = Math.min(this.#recorded + 1, this.#times.length);
    return true;
  }

  /** Whether the window ending at `at`, that is (at - windowMs, at], holds `threshold` refusals. */
  isFullAt(at: number): boolean {
    return this.#recorded === this.#times.length && this.oldestRetained > at - this.#windowMs;
  }

  /** The oldest of the last `threshold` refusals. */
  get oldestRetained(): number {
    return this.#recorded === this.#times.length ? (this.#times[this.#next] ?? 0) : (this.#times[0] ?? 0);
  }
}
