/** How the anomaly detector buckets time and what it calls unusual. */
export interface AnomalyOptions {
  /** Width of a download-counting bucket. */
  readonly bucketMs: number;
  /** How many of the principal's own previous buckets form its baseline. */
  readonly baselineBuckets: number;
  /** A bucket is a spike when its count reaches this multiple of the baseline mean. */
  readonly spikeFactor: number;
  /** Never a spike below this many downloads in a bucket, whatever the baseline. */
  readonly minDownloads: number;
  /** Refusals within `refusalWindowMs` that make `repeated_refusals`. */
  readonly refusalThreshold: number;
  /** The sliding refusal window, and the quiet period between two `revoked_token_used` events. */
  readonly refusalWindowMs: number;
  /** Principals tracked at once; the least recently seen are forgotten beyond this. */
  readonly maxPrincipals: number;
}

export const DEFAULT_ANOMALY_OPTIONS: AnomalyOptions = Object.freeze({
  bucketMs: 3_600_000,
  baselineBuckets: 24,
  spikeFactor: 5,
  minDownloads: 50,
  refusalThreshold: 10,
  refusalWindowMs: 300_000,
  maxPrincipals: 100_000,
});

/**
 * Below this many buckets of history a mean says little (one busy hour would
 * be the whole baseline), so only `minDownloads` applies.
 */
export const MIN_BASELINE_HISTORY_BUCKETS = 3;

const isPositiveInteger = (value: number) => Number.isSafeInteger(value) && value > 0;

const rules: { readonly [K in keyof AnomalyOptions]: readonly [(value: number) => boolean, string] } = {
  bucketMs: [isPositiveInteger, 'a positive integer'],
  baselineBuckets: [(value) => Number.isSafeInteger(value) && value >= MIN_BASELINE_HISTORY_BUCKETS, `an integer of at least ${MIN_BASELINE_HISTORY_BUCKETS}`],
  spikeFactor: [(value) => Number.isFinite(value) && value > 0, 'a positive number'],
  minDownloads: [isPositiveInteger, 'a positive integer'],
  refusalThreshold: [isPositiveInteger, 'a positive integer'],
  refusalWindowMs: [isPositiveInteger, 'a positive integer'],
  maxPrincipals: [isPositiveInteger, 'a positive integer'],
};

/** The defaults overlaid with `options`; a value that cannot work is a programming error, thrown as a RangeError. */
export function resolveAnomalyOptions(options: Partial<AnomalyOptions> = {}): AnomalyOptions {
  const resolved = { ...DEFAULT_ANOMALY_OPTIONS };
  for (const name of Object.keys(rules) as (keyof AnomalyOptions)[]) {
    const value = options[name];
    if (value === undefined) continue;
    const [valid, expected] = rules[name];
    if (typeof value !== 'number' || !valid(value)) throw new RangeError(`anomaly option ${name} must be ${expected}, not ${String(value)}`);
    resolved[name] = value;
  }
  return Object.freeze(resolved);
}
