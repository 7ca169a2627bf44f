import type { CommandTable, Writer } from '../store/write-command.js';

/** A writer that calls `afterCommit` once each write that appended entries has committed. */
export function observedWriter<T extends CommandTable>(writer: Writer<T>, afterCommit: () => void): Writer<T> {
  return {
    async write(context, name, args) {
      const outcome = await writer.write(context, name, args);
      if (outcome.entries.length > 0 && !outcome.replayed) afterCommit();
      return outcome;
    },
    idle: () => writer.idle(),
    close: () => writer.close(),
  };
}
