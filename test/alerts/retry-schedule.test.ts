import { describe, expect, it } from 'vitest';
import { BASE_DELAY_MS, MAX_ATTEMPTS, MAX_DELAY_MS, expectedRetrySpanMs, nextAttemptAt, nextAttemptDelayMs, retryCeilingMs } from '../../src/alerts/retry-schedule.js';

describe('webhook retry schedule', () => {
  it('doubles its ceiling from one second after each failure until ten minutes', () => {
    expect([1, 2, 3, 4, 10, 11, 12].map(retryCeilingMs)).toEqual([1000, 2000, 4000, 8000, 512_000, MAX_DELAY_MS, MAX_DELAY_MS]);
    expect(retryCeilingMs(1)).toBe(BASE_DELAY_MS);
  });

  it('draws each delay within [0, ceiling] (full jitter) for any random value', () => {
    for (let attempt = 1; attempt <= 40; attempt++) {
      expect(nextAttemptDelayMs(attempt, () => 0)).toBe(0);
      expect(nextAttemptDelayMs(attempt, () => 0.999_999)).toBeLessThan(retryCeilingMs(attempt));
      expect(nextAttemptDelayMs(attempt, () => 0.5)).toBe(retryCeilingMs(attempt) / 2);
    }
    // A random source out of contract is clamped rather than trusted.
    expect(nextAttemptDelayMs(3, () => 7)).toBe(4000);
    expect(nextAttemptDelayMs(3, () => -1)).toBe(0);
  });

  it('stays at the cap for absurd attempt counts and treats nonsense as the first attempt', () => {
    expect(nextAttemptDelayMs(5000, () => 0.5)).toBe(MAX_DELAY_MS / 2);
    expect(retryCeilingMs(0)).toBe(BASE_DELAY_MS);
    expect(retryCeilingMs(Number.NaN)).toBe(BASE_DELAY_MS);
  });

  it('keeps a delivery alive for about a day before it is dead', () => {
    const hours = expectedRetrySpanMs() / 3_600_000;
    expect(hours).toBeGreaterThan(22);
    expect(hours).toBeLessThan(26);
    const at = new Date('2025-01-01T00:00:00Z');
    expect(nextAttemptAt(MAX_ATTEMPTS - 1, at, { random: () => 0.5 })).toEqual(new Date(at.getTime() + MAX_DELAY_MS / 2));
    expect(nextAttemptAt(MAX_ATTEMPTS, at)).toBeNull();
    expect(nextAttemptAt(3, at, { maxAttempts: 3 })).toBeNull();
  });
});
