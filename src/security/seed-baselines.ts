import type { Db } from '../store/database.js';
import { hourlyDownloads } from '../store/queries/download-counts.js';
import type { AnomalyDetector } from './anomaly-detector.js';
import type { AnomalyOptions } from './anomaly-options.js';

const HOUR = 3_600_000;

/**
 * Gives each principal its download baseline back after a restart, from the
 * access log, so the first hour after a restart is judged like any other.
 * Only for hourly buckets, the unit the log is counted in.
 */
export async function seedDownloadBaselines(db: Db, detector: AnomalyDetector, options: Pick<AnomalyOptions, 'bucketMs' | 'baselineBuckets'>, now: Date): Promise<number> {
  if (options.bucketMs !== HOUR) return 0;
  const since = new Date(Math.floor(now.getTime() / HOUR) * HOUR - options.baselineBuckets * HOUR);
  const counts = await hourlyDownloads(db, since);
  const byActor = new Map<string, [number, number][]>();
  for (const { actor, hourStart, count } of counts) byActor.set(actor, [...(byActor.get(actor) ?? []), [hourStart, count]]);
  for (const [actor, buckets] of byActor) detector.seed(actor, buckets);
  return byActor.size;
}
