import type { SecurityEvent } from './security-event.js';

const units = [
  [3_600_000, 'hour'],
  [60_000, 'minute'],
  [1_000, 'second'],
] as const;

/** `5 minutes`, `1 hour`, `1500 ms`: a span in the largest unit that divides it. */
export function durationText(ms: number): string {
  for (const [size, unit] of units) {
    if (ms % size === 0) return `${ms / size} ${unit}${ms === size ? '' : 's'}`;
  }
  return `${ms} ms`;
}

/** `hour`, `2 hours`: what follows "per" or "in the". */
function periodText(ms: number): string {
  const text = durationText(ms);
  return text.startsWith('1 ') ? text.slice(2) : text;
}

const iso = (at: number) => new Date(at).toISOString();
const oneDecimal = (value: number) => Math.round(value * 10) / 10;

export interface DownloadSpike {
  readonly principal: string;
  readonly at: number;
  readonly bucketStart: number;
  readonly bucketMs: number;
  readonly downloads: number;
  readonly threshold: number;
  /** Buckets of history behind the baseline. */
  readonly historyBuckets: number;
  /** Mean downloads per bucket, or null when the history is too short for one. */
  readonly baseline: number | null;
  readonly minHistoryBuckets: number;
}

export function downloadSpikeEvent(spike: DownloadSpike): SecurityEvent {
  const period = periodText(spike.bucketMs);
  const opening = `${spike.principal} downloaded ${spike.downloads} artifacts in the ${period} starting ${iso(spike.bucketStart)}`;
  const reason =
    spike.baseline === null
      ? `they have less than ${durationText(spike.minHistoryBuckets * spike.bucketMs)} of history, so only the floor of ${spike.threshold} applies`
      : `their baseline is ${oneDecimal(spike.baseline)} per ${period}`;
  return {
    kind: 'download_spike',
    principal: spike.principal,
    at: iso(spike.at),
    summary: `${opening}; ${reason}`,
    detail: {
      downloads: spike.downloads,
      threshold: spike.threshold,
      baselinePerBucket: spike.baseline === null ? 'none' : oneDecimal(spike.baseline),
      historyBuckets: spike.historyBuckets,
      bucketStart: iso(spike.bucketStart),
      bucketMs: spike.bucketMs,
    },
  };
}

export interface RepeatedRefusals {
  readonly principal: string;
  readonly at: number;
  readonly refusals: number;
  readonly windowMs: number;
  readonly firstRefusalAt: number;
  readonly subject: string;
}

export function repeatedRefusalsEvent(refusals: RepeatedRefusals): SecurityEvent {
  return {
    kind: 'repeated_refusals',
    principal: refusals.principal,
    at: iso(refusals.at),
    summary: `${refusals.principal} was refused ${refusals.refusals} times within ${durationText(refusals.windowMs)}`,
    detail: {
      refusals: refusals.refusals,
      windowMs: refusals.windowMs,
      firstRefusalAt: iso(refusals.firstRefusalAt),
      lastSubject: refusals.subject,
    },
  };
}

export interface RevokedTokenUse {
  readonly principal: string;
  readonly at: number;
  readonly subject: string;
  /** Uses since the previous event for this principal that raised none of their own. */
  readonly unreportedUses: number;
  readonly windowMs: number;
}

export function revokedTokenUsedEvent(use: RevokedTokenUse): SecurityEvent {
  const n = use.unreportedUses;
  const since = n === 0 ? '' : `; ${n} more ${n === 1 ? 'use' : 'uses'} since the previous alert ${n === 1 ? 'was' : 'were'} not reported separately`;
  return {
    kind: 'revoked_token_used',
    principal: use.principal,
    at: iso(use.at),
    summary: `${use.principal} presented a revoked token${since}`,
    detail: { subject: use.subject, unreportedUses: use.unreportedUses, windowMs: use.windowMs },
  };
}
