import { type AnomalyOptions, MIN_BASELINE_HISTORY_BUCKETS, resolveAnomalyOptions } from './anomaly-options.js';
import { downloadSpikeEvent, repeatedRefusalsEvent, revokedTokenUsedEvent } from './describe-event.js';
import { DownloadHistory } from './download-history.js';
import { RefusalWindow } from './refusal-window.js';
import type { ObservedRequest, SecurityEvent } from './security-event.js';

export { type AnomalyOptions, DEFAULT_ANOMALY_OPTIONS, MIN_BASELINE_HISTORY_BUCKETS, resolveAnomalyOptions } from './anomaly-options.js';
export type { ObservedRequest, SecurityEvent, SecurityEventKind } from './security-event.js';

// Date can represent instants up to 8.64e15 ms either side of the epoch (ECMA-262 §21.4.1.1).
const MAX_TIME_MS = 8.64e15;

interface PrincipalState {
  /** Earliest bucket the principal was seen in, by any request or seeded count. */
  firstBucket: number;
  downloads: DownloadHistory | undefined;
  spikeRaisedInBucket: number | undefined;
  refusals: RefusalWindow | undefined;
  /** When the last repeated_refusals was raised, until the principal is re-armed. */
  refusalsRaisedAt: number | undefined;
  revokedRaisedAt: number | undefined;
  revokedUnreported: number;
}

/**
 * Watches answered requests for unusual access, principal by principal, and
 * says so as security events. It is pure: time comes from the observations and
 * nothing is written anywhere; the caller decides what to do with the events.
 *
 * Memory is bounded by `maxPrincipals × (baselineBuckets + refusalThreshold)`
 * numbers; a principal's rings are allocated only when it first downloads or
 * is refused. An observation costs constant work, except that moving a
 * principal's download bucket forward by k buckets clears min(k,
 * baselineBuckets + 1) slots. A forgotten (evicted) principal comes back as a
 * new one: no baseline, and its alert suppression starts afresh.
 */
export class AnomalyDetector {
  readonly #options: AnomalyOptions;
  // A Map iterates in insertion order; re-inserting on every sighting makes its first key the least recently seen.
  readonly #principals = new Map<string, PrincipalState>();

  constructor(options?: Partial<AnomalyOptions>) {
    this.#options = resolveAnomalyOptions(options);
  }

  /** How many principals are tracked now; never more than `maxPrincipals`. */
  get trackedPrincipals(): number {
    return this.#principals.size;
  }

  /**
   * Seeds a principal's download baseline, e.g. from the access log at
   * startup: counts per bucket start (epoch ms). Counts add to what is already
   * known; a bucket with a count of zero still says the principal was around.
   */
  seed(actor: string, bucketCounts: ReadonlyMap<number, number> | Iterable<[number, number]>): void {
    for (const [start, count] of bucketCounts) {
      assertTime(start);
      if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`a seeded download count must be a non-negative integer, not ${String(count)}`);
      const bucket = Math.floor(start / this.#options.bucketMs);
      const state = this.#sighted(actor, bucket);
      if (count > 0) this.#downloadsOf(state, bucket).add(bucket, count);
    }
  }

  /** Returns the events this observation raises (usually none). */
  observe(request: ObservedRequest): SecurityEvent[] {
    assertTime(request.at);
    const state = this.#sighted(request.actor, Math.floor(request.at / this.#options.bucketMs));
    switch (request.kind) {
      case 'artifact_download':
        return this.#download(state, request);
      case 'refused':
        return this.#refused(state, request);
      case 'revoked_token':
        return this.#revokedToken(state, request);
      default:
        return [];
    }
  }

  #download(state: PrincipalState, { at, actor }: ObservedRequest): SecurityEvent[] {
    const { bucketMs, baselineBuckets, spikeFactor, minDownloads } = this.#options;
    const bucket = Math.floor(at / bucketMs);
    const downloads = this.#downloadsOf(state, bucket);
    // A late download still shapes the baseline, but a bucket that has closed raises nothing.
    if (!downloads.add(bucket, 1) || bucket !== downloads.currentBucket) return [];
    if (state.spikeRaisedInBucket === bucket) return [];

    const historyBuckets = Math.min(baselineBuckets, bucket - state.firstBucket);
    const baseline = historyBuckets < MIN_BASELINE_HISTORY_BUCKETS ? null : downloads.baselineTotal / historyBuckets;
    // Counts are integers, so the ceiling is the first count that reaches the factor.
    const threshold = baseline === null ? minDownloads : Math.max(minDownloads, Math.ceil((spikeFactor * downloads.baselineTotal) / historyBuckets));
    if (downloads.currentCount < threshold) return [];

    state.spikeRaisedInBucket = bucket;
    return [
      downloadSpikeEvent({
        principal: actor,
        at,
        bucketStart: bucket * bucketMs,
        bucketMs,
        downloads: downloads.currentCount,
        threshold,
        historyBuckets,
        baseline,
        minHistoryBuckets: MIN_BASELINE_HISTORY_BUCKETS,
      }),
    ];
  }

  #refused(state: PrincipalState, { at, actor, subject }: ObservedRequest): SecurityEvent[] {
    const { refusalThreshold, refusalWindowMs } = this.#options;
    state.refusals ??= new RefusalWindow(refusalThreshold, refusalWindowMs);
    const refusals = state.refusals;
    // Re-armed once a whole window has passed since the event and the sliding count has since dropped below the
    // threshold. The count only falls between refusals, so checking just before this one sees its lowest point.
    if (state.refusalsRaisedAt !== undefined && at >= state.refusalsRaisedAt + refusalWindowMs && !refusals.isFullAt(at)) {
      state.refusalsRaisedAt = undefined;
    }
    if (!refusals.record(at) || state.refusalsRaisedAt !== undefined || !refusals.isFullAt(at)) return [];

    state.refusalsRaisedAt = at;
    return [repeatedRefusalsEvent({ principal: actor, at, refusals: refusalThreshold, windowMs: refusalWindowMs, firstRefusalAt: refusals.oldestRetained, subject })];
  }

  #revokedToken(state: PrincipalState, { at, actor, subject }: ObservedRequest): SecurityEvent[] {
    const { refusalWindowMs } = this.#options;
    if (state.revokedRaisedAt !== undefined && at - state.revokedRaisedAt < refusalWindowMs) {
      state.revokedUnreported += 1;
      return [];
    }
    const event = revokedTokenUsedEvent({ principal: actor, at, subject, unreportedUses: state.revokedUnreported, windowMs: refusalWindowMs });
    state.revokedRaisedAt = at;
    state.revokedUnreported = 0;
    return [event];
  }

  #downloadsOf(state: PrincipalState, bucket: number): DownloadHistory {
    state.downloads ??= new DownloadHistory(this.#options.baselineBuckets, bucket);
    return state.downloads;
  }

  /** The principal's state, now the most recently seen, created (evicting the least recently seen) if new. */
  #sighted(actor: string, bucket: number): PrincipalState {
    let state = this.#principals.get(actor);
    if (state) {
      this.#principals.delete(actor);
      state.firstBucket = Math.min(state.firstBucket, bucket);
    } else {
      state = {
        firstBucket: bucket,
        downloads: undefined,
        spikeRaisedInBucket: undefined,
        refusals: undefined,
        refusalsRaisedAt: undefined,
        revokedRaisedAt: undefined,
        revokedUnreported: 0,
      };
      if (this.#principals.size >= this.#options.maxPrincipals) {
        const leastRecent = this.#principals.keys().next();
        if (!leastRecent.done) this.#principals.delete(leastRecent.value);
      }
    }
    this.#principals.set(actor, state);
    return state;
  }
}

function assertTime(at: number): void {
  if (!Number.isFinite(at) || Math.abs(at) > MAX_TIME_MS) throw new RangeError(`an observation time must be epoch milliseconds, not ${String(at)}`);
}
