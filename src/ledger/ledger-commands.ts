import type { WriteSteps } from '../store/write-command.js';

/** Ledger bookkeeping that goes through the writer but makes no ledger entry of its own. */
export const ledgerCommands = {
  /** Keeps a signed checkpoint; the first one stored for a size stays. Returns the stored note. */
  recordCheckpoint: (args: { size: number; root: string; note: string; at: string }): WriteSteps<string> => ({
    decide: async () => [],
    respond: async (tx) => {
      await tx
        .insertInto('ledger_checkpoints')
        .values({ size: args.size, root: args.root, note: args.note, created_at: args.at })
        .onConflict((oc) => oc.column('size').doNothing())
        .execute();
      const row = await tx.selectFrom('ledger_checkpoints').select('note').where('size', '=', args.size).executeTakeFirstOrThrow();
      return row.note;
    },
  }),
};
