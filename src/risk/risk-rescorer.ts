import { modelUrn } from '../catalog/urns.js';
import type { LedgerEntry } from '../ledger/entry.js';
import type { LineageIndex } from '../lineage/lineage-index.js';
import { modelOfVersionUrn } from '../lineage/lineage-urns.js';
import type { WriteCommands } from '../server/write-commands.js';
import type { Db } from '../store/database.js';
import { ledgerSize, readLedger } from '../store/queries/read-ledger.js';
import type { Writer } from '../store/write-command.js';
import { scoreModels } from './risk-commands.js';

/*
 * Keeps risk scores current: after each commit it reads the new ledger
 * entries, works out which models they can change the score of, and rescores
 * those (a rescore writes an entry only when the score moved). Datasets,
 * advisories and deprecations reach models through the lineage graph.
 * A periodic sweep rescores everything, since time alone ages validations.
 */

const BATCH = 200;
export const RISK_SCORER = 'service:risk-scorer';

/** Actions whose subject or payload names the model (or version) they touch. */
const modelActions = new Set([
  'model.created', 'model.updated', 'version.registered', 'version.updated', 'version.amended', 'version.published', 'version.promoted',
  'version.quarantined', 'version.released', 'version.retired', 'attestation.recorded', 'incident.opened', 'incident.resolved',
]);

export interface RescorerOptions {
  readonly clock: () => Date;
  /** Rescore every model this often (0: never). */
  readonly sweepMs?: number;
  /** The least time between two catch-ups (default 250 ms). */
  readonly minIntervalMs?: number;
}

export class RiskRescorer {
  #applied = 0;
  #running: Promise<void> | null = null;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #lastStart = 0;

  constructor(
    private readonly db: Db,
    private readonly writer: Writer<WriteCommands>,
    private readonly lineage: LineageIndex,
    private readonly options: RescorerOptions,
  ) {}

  async start(): Promise<void> {
    this.#applied = await ledgerSize(this.db);
    const sweepMs = this.options.sweepMs ?? 6 * 3600_000;
    if (sweepMs > 0) {
      this.#timer = setInterval(() => void this.rescoreAll().catch(warn), sweepMs);
      this.#timer.unref();
    }
  }

  /** Stops the sweep and waits for a rescore in progress; later pokes do nothing. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    while (this.#running !== null) await this.#running;
  }

  /**
   * Something was committed: rescore what it touched, soon. Under a stream of
   * writes, catch-ups start at most every `minIntervalMs`, so scoring costs a
   * bounded share of the server however fast versions arrive.
   */
  poke(): void {
    if (this.#stopped) return;
    if (this.#running !== null) {
      this.#again = true;
      return;
    }
    const wait = this.#lastStart + (this.options.minIntervalMs ?? 250) - Date.now();
    if (wait > 0) {
      this.#again = true;
      this.#running = new Promise<void>((resolve) => setTimeout(resolve, wait).unref()).finally(() => {
        this.#running = null;
        if (this.#again) {
          this.#again = false;
          this.poke();
        }
      });
      return;
    }
    this.#lastStart = Date.now();
    this.#running = this.#catchUp()
      .catch(warn)
      .finally(() => {
        this.#running = null;
        if (this.#again) {
          this.#again = false;
          this.poke();
        }
      });
  }

  /** Resolves once everything committed before the call has been rescored. */
  async settled(): Promise<void> {
    this.poke();
    while (this.#running !== null) await this.#running;
  }

  async rescoreAll(): Promise<{ scored: number; changed: number }> {
    const rows = await this.db.selectFrom('models').select(['namespace', 'name']).orderBy('namespace').orderBy('name').execute();
    return this.rescore(rows.map((r) => modelUrn(r.namespace, r.name)));
  }

  async rescore(models: readonly string[]): Promise<{ scored: number; changed: number }> {
    let scored = 0;
    let changed = 0;
    const keys = [...new Set(models)].map((urn) => {
      const [namespace, model] = urn.slice('mk:model:'.length).split('/') as [string, string];
      return { namespace, model };
    });
    for (let i = 0; i < keys.length; i += BATCH) {
      const { revision, scores } = await scoreModels(this.db, keys.slice(i, i + BATCH), this.options.clock().toISOString());
      const outcome = await this.writer.write({ actor: RISK_SCORER }, 'recordRiskScores', { revision, scores });
      scored += outcome.result.scored;
      changed += outcome.result.changed;
    }
    return { scored, changed };
  }

  async #catchUp(): Promise<void> {
    for (;;) {
      const head = await ledgerSize(this.db);
      if (head <= this.#applied) return;
      const to = Math.min(head, this.#applied + 5000);
      const entries = await readLedger(this.db, this.#applied, to);
      const models = await this.#modelsTouchedBy(entries);
      if (models.size > 0) await this.rescore([...models]);
      this.#applied = to;
    }
  }

  async #modelsTouchedBy(entries: readonly LedgerEntry[]): Promise<Set<string>> {
    const models = new Set<string>();
    const sources = new Set<string>();
    for (const entry of entries) {
      if (entry.actor === RISK_SCORER) continue;
      const p = entry.payload as { namespace?: string; model?: string; name?: string; from?: string; urn?: string; target?: string; advisory?: { id: string } };
      if (modelActions.has(entry.action)) {
        if (entry.subject.startsWith('mk:model:')) models.add(entry.subject);
        else if (entry.subject.startsWith('mk:version:')) models.add(modelOfVersionUrn(entry.subject)!);
        else if (p.namespace !== undefined && p.model !== undefined) models.add(modelUrn(p.namespace, p.model));
      } else if (entry.action === 'lineage.node_recorded' && p.urn !== undefined) {
        sources.add(p.urn);
      } else if ((entry.action === 'lineage.edge_added' || entry.action === 'lineage.edge_removed') && p.from !== undefined) {
        const model = modelOfVersionUrn(p.from);
        if (model !== null) models.add(model);
        else sources.add(p.from);
      } else if (entry.action === 'library.deprecated' && p.target !== undefined) {
        sources.add(`mk:library:${p.target}`);
      } else if (entry.action === 'advisory.imported' && p.advisory !== undefined) {
        const rows = await this.db.selectFrom('vulnerability_findings').select('library_urn').where('advisory_id', '=', p.advisory.id).execute();
        for (const row of rows) sources.add(row.library_urn);
      } else if (entry.action === 'license_policy.set') {
        for (const row of await this.db.selectFrom('models').select(['namespace', 'name']).execute()) models.add(modelUrn(row.namespace, row.name));
      }
    }
    if (sources.size > 0) {
      const graph = await this.lineage.current();
      for (const source of sources) {
        // A deprecation may name a whole package: its versionless URN starts from every version of it.
        const reached = graph.blastRadius(source, { limit: 100_000 });
        for (const affected of reached?.affected ?? []) models.add(affected.model);
      }
    }
    return models;
  }
}

const warn = (error: unknown): void => void process.emitWarning(`risk rescoring failed: ${String(error)}`, { code: 'MODELKEEP_RISK' });
