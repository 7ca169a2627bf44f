import { describe, expect, it } from 'vitest';
import { AnomalyDetector, DEFAULT_ANOMALY_OPTIONS, type SecurityEvent } from '../../src/security/anomaly-detector.js';
import { DownloadHistory } from '../../src/security/download-history.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const SECOND = 1_000;
/** Midnight UTC, Monday 6 January 2025: hour n of the tests starts at T0 + n × HOUR. */
const T0 = Date.UTC(2025, 0, 6);
const hour = (n: number) => T0 + n * HOUR;

/** `count` downloads spread evenly over hour `n`; the events they raise. */
function downloadInHour(detector: AnomalyDetector, actor: string, n: number, count: number): SecurityEvent[] {
  const events: SecurityEvent[] = [];
  for (let i = 0; i < count; i++) {
    events.push(...detector.observe({ at: hour(n) + Math.floor((i * HOUR) / count), actor, kind: 'artifact_download', subject: `/api/v1/blobs/sha256:${i}` }));
  }
  return events;
}

/** Hours `from` to `to` exclusive, `perHour(n)` downloads in hour n. */
function downloadEveryHour(detector: AnomalyDetector, actor: string, from: number, to: number, perHour: (n: number) => number): SecurityEvent[] {
  const events: SecurityEvent[] = [];
  for (let n = from; n < to; n++) events.push(...downloadInHour(detector, actor, n, perHour(n)));
  return events;
}

const refuse = (detector: AnomalyDetector, actor: string, at: number) => detector.observe({ at, actor, kind: 'refused', subject: '/api/v1/models/fraud/scorer' });
const useRevoked = (detector: AnomalyDetector, actor: string, at: number) => detector.observe({ at, actor, kind: 'revoked_token', subject: '/api/v1/models' });

describe('anomaly detector options', () => {
  it('defaults to hourly buckets, a day of baseline, 5× over at least 50, and 10 refusals in 5 minutes', () => {
    expect(DEFAULT_ANOMALY_OPTIONS).toEqual({
      bucketMs: 3_600_000,
      baselineBuckets: 24,
      spikeFactor: 5,
      minDownloads: 50,
      refusalThreshold: 10,
      refusalWindowMs: 300_000,
      maxPrincipals: 100_000,
    });
  });

  it('refuses options that cannot work', () => {
    expect(() => new AnomalyDetector({ bucketMs: 0 })).toThrow(RangeError);
    expect(() => new AnomalyDetector({ baselineBuckets: 2 })).toThrow(/baselineBuckets/);
    expect(() => new AnomalyDetector({ spikeFactor: Number.NaN })).toThrow(RangeError);
    expect(() => new AnomalyDetector({ refusalThreshold: 2.5 })).toThrow(RangeError);
    expect(() => new AnomalyDetector({ maxPrincipals: -1 })).toThrow(RangeError);
  });

  it('refuses an observation without a usable time', () => {
    const detector = new AnomalyDetector();
    expect(() => detector.observe({ at: Number.NaN, actor: 'user:alice', kind: 'other', subject: '/' })).toThrow(RangeError);
    expect(() => detector.seed('user:alice', [[hour(0), -1]])).toThrow(RangeError);
  });
});

describe('download spikes', () => {
  it('never flags a principal that downloads steadily', () => {
    const detector = new AnomalyDetector();
    expect(downloadEveryHour(detector, 'user:alice', 0, 72, (n) => (n % 2 === 0 ? 15 : 25))).toEqual([]);
  });

  it('flags a tenfold spike against the principal’s own baseline, once per bucket', () => {
    const detector = new AnomalyDetector();
    downloadEveryHour(detector, 'user:bob', 0, 24, () => 20);

    const first = downloadInHour(detector, 'user:bob', 24, 200);
    expect(first).toEqual([
      {
        kind: 'download_spike',
        principal: 'user:bob',
        at: expect.stringMatching(/^2025-01-07T00:/),
        summary: 'user:bob downloaded 100 artifacts in the hour starting 2025-01-07T00:00:00.000Z; their baseline is 20 per hour',
        detail: { downloads: 100, threshold: 100, baselinePerBucket: 20, historyBuckets: 24, bucketStart: '2025-01-07T00:00:00.000Z', bucketMs: HOUR },
      },
    ]);

    // The spiking hour is now part of the baseline, (23 × 20 + 200) / 24 = 27.5, and 200 still exceeds 5× that.
    const second = downloadInHour(detector, 'user:bob', 25, 200);
    expect(second).toHaveLength(1);
    expect(second[0]?.detail).toMatchObject({ threshold: 138, baselinePerBucket: 27.5 });
  });

  it('does not flag a new principal below minDownloads', () => {
    const detector = new AnomalyDetector();
    expect(downloadInHour(detector, 'user:newcomer', 0, 49)).toEqual([]);
    expect(downloadInHour(detector, 'user:newcomer', 1, 49)).toEqual([]);
  });

  it('flags a principal with under 3 buckets of history on the floor alone, saying so', () => {
    const detector = new AnomalyDetector();
    downloadInHour(detector, 'user:newcomer', 0, 40);
    const events = downloadInHour(detector, 'user:newcomer', 1, 60);
    expect(events).toHaveLength(1);
    expect(events[0]?.summary).toBe(
      'user:newcomer downloaded 50 artifacts in the hour starting 2025-01-06T01:00:00.000Z; they have less than 3 hours of history, so only the floor of 50 applies',
    );
    expect(events[0]?.detail).toMatchObject({ baselinePerBucket: 'none', historyBuckets: 1 });
  });

  it('does not flag a heavy but steady principal while flagging a light one that spikes to 60', () => {
    const detector = new AnomalyDetector();
    downloadEveryHour(detector, 'service:ci', 0, 24, () => 500);
    downloadEveryHour(detector, 'user:carol', 0, 24, () => 5);

    const events = [...downloadInHour(detector, 'service:ci', 24, 500), ...downloadInHour(detector, 'user:carol', 24, 60)];
    expect(events.map(({ kind, principal }) => ({ kind, principal }))).toEqual([{ kind: 'download_spike', principal: 'user:carol' }]);
  });

  it('counts empty hours as zero in the baseline but not the hours before the principal was first seen', () => {
    const detector = new AnomalyDetector();
    // Seen 3 hours before its burst, with 60 downloads then: a baseline of 20 per hour, so 60 does not reach 5 × 20.
    downloadInHour(detector, 'user:dana', 0, 60);
    expect(downloadInHour(detector, 'user:dana', 3, 60)).toEqual([]);

    // The same 60 downloads a day before, followed by silence, make a baseline of 60 / 24 = 2.5: only the floor of 50 applies.
    const quiet = new AnomalyDetector();
    downloadInHour(quiet, 'user:dana', 0, 60);
    expect(downloadInHour(quiet, 'user:dana', 24, 60)).toHaveLength(1);
  });

  it('counts a late download into its own bucket and ignores one older than the baseline', () => {
    const detector = new AnomalyDetector();
    downloadEveryHour(detector, 'user:erin', 0, 24, () => 10);
    detector.observe({ at: hour(24), actor: 'user:erin', kind: 'artifact_download', subject: '/a' });

    // 240 late downloads for hour 23 raise nothing (that hour has closed) but lift the baseline to 20 per hour.
    const late = downloadInHour(detector, 'user:erin', 23, 240);
    expect(late).toEqual([]);
    // Too old for the ring: ignored.
    expect(downloadInHour(detector, 'user:erin', -5, 1000)).toEqual([]);

    expect(downloadInHour(detector, 'user:erin', 24, 98)).toEqual([]);
    const spike = downloadInHour(detector, 'user:erin', 24, 1);
    expect(spike[0]?.detail).toMatchObject({ downloads: 100, threshold: 100, baselinePerBucket: 20 });
  });

  it('treats principal ids as opaque keys', () => {
    const detector = new AnomalyDetector();
    expect(downloadInHour(detector, '__proto__', 0, 50)).toHaveLength(1);
    expect(downloadInHour(detector, 'constructor', 0, 49)).toEqual([]);
  });
});

describe('seeding from history', () => {
  it('gives a seeded principal its baseline from its first request', () => {
    const history = new Map(Array.from({ length: 24 }, (_, n) => [hour(n), 300] as [number, number]));
    const detector = new AnomalyDetector();
    detector.seed('service:nightly', history);

    expect(downloadInHour(detector, 'service:nightly', 24, 400)).toEqual([]);
    // Without the history the same hour is a spike.
    expect(downloadInHour(detector, 'service:unseeded', 24, 400)).toHaveLength(1);
  });

  it('accepts any iterable of bucket starts and counts, and still spots a spike over the seeded baseline', () => {
    const detector = new AnomalyDetector();
    detector.seed('user:frank', (function* () {
      for (let n = 23; n >= 0; n--) yield [hour(n), 20] as [number, number];
    })());
    const events = downloadInHour(detector, 'user:frank', 24, 200);
    expect(events).toHaveLength(1);
    expect(events[0]?.detail).toMatchObject({ threshold: 100, baselinePerBucket: 20, historyBuckets: 24 });
  });

  it('drops seeded buckets older than the baseline but counts them as history', () => {
    const detector = new AnomalyDetector();
    // 1000 downloads a week ago say the principal is not new; they are not part of today's baseline.
    detector.seed('user:gina', [[hour(-7 * 24), 1000]]);
    const events = downloadInHour(detector, 'user:gina', 0, 60);
    expect(events).toHaveLength(1);
    expect(events[0]?.detail).toMatchObject({ baselinePerBucket: 0, historyBuckets: 24, threshold: 50 });
  });
});

describe('repeated refusals', () => {
  it('raises once when refusals reach the threshold within the sliding window', () => {
    const detector = new AnomalyDetector();
    const events: SecurityEvent[] = [];
    for (let i = 0; i < 9; i++) events.push(...refuse(detector, 'user:mallory', T0 + i * 30 * SECOND));
    expect(events).toEqual([]);

    const tenth = refuse(detector, 'user:mallory', T0 + 270 * SECOND);
    expect(tenth).toEqual([
      {
        kind: 'repeated_refusals',
        principal: 'user:mallory',
        at: new Date(T0 + 270 * SECOND).toISOString(),
        summary: 'user:mallory was refused 10 times within 5 minutes',
        detail: { refusals: 10, windowMs: 300_000, firstRefusalAt: new Date(T0).toISOString(), lastSubject: '/api/v1/models/fraud/scorer' },
      },
    ]);
  });

  it('does not count refusals that have slid out of the window', () => {
    const detector = new AnomalyDetector();
    const events: SecurityEvent[] = [];
    // One a minute: never more than 5 inside any 5 minutes.
    for (let i = 0; i < 60; i++) events.push(...refuse(detector, 'user:slow', T0 + i * MINUTE));
    expect(events).toEqual([]);
  });

  it('keeps each principal’s refusals apart', () => {
    const detector = new AnomalyDetector();
    const events: SecurityEvent[] = [];
    for (let i = 0; i < 9; i++) {
      events.push(...refuse(detector, 'user:one', T0 + i * SECOND), ...refuse(detector, 'user:two', T0 + i * SECOND));
    }
    expect(events).toEqual([]);
  });

  it('stays quiet while refusals continue, and raises again only after the window has passed below the threshold', () => {
    const detector = new AnomalyDetector();
    const events: SecurityEvent[] = [];
    // 20 minutes at one refusal every 10 seconds: one sustained episode.
    for (let t = 0; t < 20 * MINUTE; t += 10 * SECOND) events.push(...refuse(detector, 'user:mallory', T0 + t));
    expect(events).toHaveLength(1);

    // A pause of 10 minutes, then another burst: a new episode.
    const again: SecurityEvent[] = [];
    for (let i = 0; i < 10; i++) again.push(...refuse(detector, 'user:mallory', T0 + 30 * MINUTE + i * SECOND));
    expect(again).toHaveLength(1);
  });

  it('does not raise twice within one window when the count dips below the threshold and recovers', () => {
    const detector = new AnomalyDetector();
    const events: SecurityEvent[] = [];
    events.push(...refuse(detector, 'user:mallory', T0));
    for (let i = 0; i < 9; i++) events.push(...refuse(detector, 'user:mallory', T0 + 250 * SECOND + i * SECOND));
    expect(events).toHaveLength(1);

    // At 301 s the refusal at 0 s has slid out (9 left); one more makes 10 again, 43 s after the event.
    events.push(...refuse(detector, 'user:mallory', T0 + 301 * SECOND));
    expect(events).toHaveLength(1);

    // A window after the event, and the count has fallen below the threshold: a new episode may raise.
    for (let i = 0; i < 10; i++) events.push(...refuse(detector, 'user:mallory', T0 + 15 * MINUTE + i * SECOND));
    expect(events).toHaveLength(2);
  });
});

describe('revoked tokens', () => {
  it('reports a revoked token once per window however often a script retries it', () => {
    const detector = new AnomalyDetector();
    const events: SecurityEvent[] = [];
    for (let i = 0; i < 1000; i++) events.push(...useRevoked(detector, 'service:old-ci', T0 + i * 250));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'revoked_token_used', principal: 'service:old-ci', summary: 'service:old-ci presented a revoked token' });

    // 250 seconds later the loop is still going; 5 minutes after the first event it is reported again, with the count it hid.
    const next = useRevoked(detector, 'service:old-ci', T0 + 5 * MINUTE);
    expect(next).toHaveLength(1);
    expect(next[0]?.detail).toMatchObject({ unreportedUses: 999 });
    expect(next[0]?.summary).toBe('service:old-ci presented a revoked token; 999 more uses since the previous alert were not reported separately');
  });

  it('reports every principal’s first revoked use', () => {
    const detector = new AnomalyDetector();
    expect([...useRevoked(detector, 'user:a', T0), ...useRevoked(detector, 'user:b', T0)]).toHaveLength(2);
  });

  it('never raises for other requests', () => {
    const detector = new AnomalyDetector();
    const events: SecurityEvent[] = [];
    for (let i = 0; i < 500; i++) events.push(...detector.observe({ at: T0 + i, actor: 'user:busy', kind: 'other', subject: '/api/v1/models' }));
    expect(events).toEqual([]);
  });
});

describe('memory bound', () => {
  it('tracks no more than maxPrincipals principals', () => {
    const detector = new AnomalyDetector({ maxPrincipals: 3 });
    for (let i = 0; i < 1000; i++) detector.observe({ at: T0 + i, actor: `user:${i}`, kind: 'artifact_download', subject: '/a' });
    expect(detector.trackedPrincipals).toBe(3);
  });

  it('forgets the least recently seen principal first', () => {
    const detector = new AnomalyDetector({ maxPrincipals: 3 });
    const steady = Array.from({ length: 24 }, (_, n) => [hour(n), 100] as [number, number]);
    for (const actor of ['user:a', 'user:b', 'user:c']) detector.seed(actor, steady);
    detector.observe({ at: hour(24), actor: 'user:a', kind: 'other', subject: '/' });
    detector.observe({ at: hour(24), actor: 'user:d', kind: 'other', subject: '/' });

    // user:a keeps its baseline of 100 per hour; user:b was forgotten and comes back new, with only the floor.
    expect(downloadInHour(detector, 'user:a', 24, 60)).toEqual([]);
    expect(downloadInHour(detector, 'user:b', 24, 60)).toHaveLength(1);
    expect(detector.trackedPrincipals).toBe(3);
  });
});

describe('download history ring', () => {
  it('keeps the same current count and baseline total as recounting every bucket, over jumps, gaps and late counts', () => {
    const baselineBuckets = 5;
    const ring = new DownloadHistory(baselineBuckets, 0);
    const recount = new Map<number, number>();
    let current = 0;
    // A fixed linear congruential sequence: reproducible, and wide enough to jump past the ring and back into it.
    let state = 12345;
    const next = (bound: number) => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % bound;
    };
    for (let step = 0; step < 5000; step++) {
      const bucket = current + (next(20) === 0 ? 4 + next(6) : next(10) - 7);
      const count = 1 + next(4);
      const kept = ring.add(bucket, count);
      current = Math.max(current, bucket);
      expect(kept).toBe(current - bucket <= baselineBuckets);
      if (kept) recount.set(bucket, (recount.get(bucket) ?? 0) + count);

      let baseline = 0;
      for (let b = current - baselineBuckets; b < current; b++) baseline += recount.get(b) ?? 0;
      expect(ring.currentBucket).toBe(current);
      expect(ring.currentCount).toBe(recount.get(current) ?? 0);
      expect(ring.baselineTotal).toBe(baseline);
    }
  });
});
