import { asPayload } from '../catalog/entry-payloads.js';
import type { EntryDraft } from '../ledger/entry.js';
import type { WriteSteps } from '../store/write-command.js';
import type { Advisory } from './advisory.js';
import type { AdvisoryImported, LibraryDeprecated } from './entry-payloads.js';

export interface ImportSummary {
  readonly imported: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Findings (advisory × library) the batch's advisories now give. */
  readonly findings: number;
  readonly ids: readonly string[];
}

export const advisoryCommands = {
  /**
   * Imports a batch of advisories: one entry per advisory that is new or
   * whose `modified` time moved; an advisory seen before unchanged is skipped,
   * so re-importing a whole dump costs nothing.
   */
  importAdvisories: (args: { advisories: readonly Advisory[] }): WriteSteps<ImportSummary> => {
    let imported = 0;
    let updated = 0;
    return {
      decide: async (tx) => {
        const drafts: EntryDraft[] = [];
        const latest = new Map<string, Advisory>();
        for (const advisory of args.advisories) {
          const seen = latest.get(advisory.id);
          if (seen === undefined || seen.modified < advisory.modified) latest.set(advisory.id, advisory);
        }
        const ids = [...latest.keys()];
        const known = new Map<string, string>();
        for (let i = 0; i < ids.length; i += 500) {
          const rows = await tx.selectFrom('advisories').select(['id', 'modified']).where('id', 'in', ids.slice(i, i + 500)).execute();
          for (const row of rows) known.set(row.id, row.modified);
        }
        for (const advisory of latest.values()) {
          const before = known.get(advisory.id);
          if (before !== undefined && before >= advisory.modified) continue;
          if (before === undefined) imported++;
          else updated++;
          const payload: AdvisoryImported = { advisory };
          drafts.push({ action: 'advisory.imported', subject: `mk:advisory:${advisory.id}`, payload: asPayload(payload) });
        }
        return drafts;
      },
      respond: async (tx) => {
        const ids = [...new Set(args.advisories.map((a) => a.id))];
        let findings = 0;
        for (let i = 0; i < ids.length; i += 500) {
          const row = await tx.selectFrom('vulnerability_findings').select((eb) => eb.fn.countAll<string>().as('n')).where('advisory_id', 'in', ids.slice(i, i + 500)).executeTakeFirst();
          findings += Number(row?.n ?? 0);
        }
        return { imported, updated, unchanged: ids.length - imported - updated, findings, ids };
      },
    };
  },

  deprecateLibrary: (args: LibraryDeprecated): WriteSteps<LibraryDeprecated & { libraries: number }> => ({
    decide: async () => [{ action: 'library.deprecated', subject: `mk:library:${args.target}`, reason: args.reason, payload: asPayload(args) }],
    respond: async (tx) => {
      const row = await tx.selectFrom('libraries').select((eb) => eb.fn.countAll<string>().as('n')).where((eb) => eb.or([eb('package', '=', args.target), eb('purl', '=', args.target)])).executeTakeFirst();
      return { ...args, libraries: Number(row?.n ?? 0) };
    },
  }),
};
