import type { AdvisoryImportProgress } from '../../../sdk/dependency-types.js';
import type { ModelKeepClient } from '../../../sdk/modelkeep-client.js';
import type { ByteProgress } from '../../progress.js';

/** A record that could not be read or is not a valid OSV record: where it was, and why. */
export interface BadRecord {
  readonly source: string;
  readonly error: string;
}

export interface ImportReport extends AdvisoryImportProgress {
  readonly path: string;
  readonly bad: readonly BadRecord[];
}

export interface ImportRun {
  readonly batchSize: number;
  /** A progress bar for `total` records, or null when none is drawn (no terminal, or --json): then nothing is counted ahead. */
  readonly progress: ((total: number) => ByteProgress) | null;
  /** Where to say what was imported before a batch failed. */
  readonly note: (text: string) => void;
}

/**
 * Reads OSV records from a file, a folder or a zip and sends the good ones in
 * batches; bad ones are collected, not sent, so one broken file does not stop
 * a dump of thousands. The reader is loaded only here: it brings the zip
 * reader and the OSV schema.
 */
export async function importAdvisories(client: ModelKeepClient, path: string, run: ImportRun): Promise<ImportReport> {
  const { readOsvSource } = await import('../../../vulnerabilities/read-osv-source.js');
  // The bar needs a total, and a zip or folder tells it only once read: a first pass counts the good records.
  let total = 0;
  if (run.progress !== null) for await (const item of readOsvSource(path)) if (item.advisory !== undefined) total++;
  const bar = run.progress?.(total);
  const bad: BadRecord[] = [];
  async function* records(): AsyncGenerator<Record<string, unknown>> {
    for await (const item of readOsvSource(path)) {
      if (item.advisory !== undefined) yield item.record as Record<string, unknown>;
      else bad.push({ source: item.source, error: item.error ?? 'The record could not be read' });
    }
  }
  let sent = 0;
  let batches = 0;
  try {
    const totals = await client.advisories.import(records(), {
      batchSize: run.batchSize,
      onProgress: (progress) => {
        bar?.advance(progress.sent - sent);
        ({ sent, batches } = progress);
      },
    });
    bar?.stop();
    return { path, ...totals, bad };
  } catch (error) {
    bar?.stop();
    // Batches are all or nothing on the server, and the ones before the failure stay imported.
    if (batches > 0) run.note(`The ${sent} records of the first ${batches} batches were imported before this failure; importing again skips them.`);
    throw error;
  }
}
