import type { Writer } from '../store/write-command.js';
import type { WriteCommands } from '../server/write-commands.js';

/** A cache of something the ledger decides, and the entry actions that change it. */
export interface Invalidation {
  readonly changedBy: RegExp;
  readonly clear: () => void;
}

/** The routes' writer: a write whose entries change what a cache holds clears it, so the change counts from the next request. */
export function clearingCachesOnChange(writer: Writer<WriteCommands>, caches: readonly Invalidation[]): Writer<WriteCommands> {
  return {
    async write(context, name, args) {
      const outcome = await writer.write(context, name, args);
      for (const cache of caches) if (outcome.entries.some((entry) => cache.changedBy.test(entry.action))) cache.clear();
      return outcome;
    },
    idle: () => writer.idle(),
    close: () => writer.close(),
  };
}
