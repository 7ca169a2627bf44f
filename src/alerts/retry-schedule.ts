/*
 * When a failed webhook delivery is tried again: exponential backoff with
 * "full jitter" (the delay is drawn uniformly below the exponential ceiling),
 * so receivers coming back up are not hit by every registry at the same
 * instant.
 *
 *   ceiling(n) = min(MAX_DELAY_MS, BASE_DELAY_MS × 2^(n−1))   after the n-th failed attempt
 *   delay(n)   = random() × ceiling(n)
 *
 *   after attempt   1    2    3    4     5     6     7      8      9      10     11+
 *   ceiling         1 s  2 s  4 s  8 s   16 s  32 s  64 s   128 s  256 s  512 s  600 s
 *
 * A delivery whose MAX_ATTEMPTS-th attempt fails is `dead`: kept and visible,
 * redelivered only by hand. With 300 attempts the expected time from the first
 * attempt to death is ½ × (1 023 s + 289 × 600 s) ≈ 24 h (the sum of ~300
 * uniform draws spreads by well under an hour), so a receiver that is down for
 * most of a day still gets every event once it is back. Twenty attempts, with
 * these base and cap, would give up after about 54 minutes.
 */

export const BASE_DELAY_MS = 1_000;
export const MAX_DELAY_MS = 10 * 60_000;
export const MAX_ATTEMPTS = 300;

/** The upper bound of the delay after `attempt` failed attempts (1 = the first one failed). */
export function retryCeilingMs(attempt: number): number {
  const n = Number.isFinite(attempt) ? Math.max(1, Math.floor(attempt)) : 1;
  // 2 ** n is Infinity beyond 1023, which Math.min turns into the cap.
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (n - 1));
}

/** Milliseconds to wait before the next attempt, after `attempt` attempts have failed. */
export function nextAttemptDelayMs(attempt: number, random: () => number = Math.random): number {
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * retryCeilingMs(attempt));
}

/** Expected time from the first attempt to a delivery being declared dead (for documentation and tests). */
export function expectedRetrySpanMs(maxAttempts: number = MAX_ATTEMPTS): number {
  let total = 0;
  for (let attempt = 1; attempt < maxAttempts; attempt++) total += retryCeilingMs(attempt) / 2;
  return total;
}

/**
 * When to try a delivery again after its `attempt`-th attempt failed at `at`,
 * or `null` when it is now dead.
 */
export function nextAttemptAt(
  attempt: number,
  at: Date,
  options: { maxAttempts?: number; random?: () => number; delayMs?: (attempt: number, random: () => number) => number } = {},
): Date | null {
  if (attempt >= (options.maxAttempts ?? MAX_ATTEMPTS)) return null;
  const delay = (options.delayMs ?? nextAttemptDelayMs)(attempt, options.random ?? Math.random);
  return new Date(at.getTime() + delay);
}
