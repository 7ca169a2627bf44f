import type { Command } from 'commander';
import type { BackupPhase, ProgressFactory } from '../../backup/backup-progress.js';
import { RegistryError } from '../../errors/registry-error.js';
import type { RegistryConfig } from '../../server/registry-config.js';
import { CliError, usageError } from '../cli-error.js';
import { type CliContext, contextOf } from '../context.js';
import { formatBytes, plural } from '../format.js';
import { withExamples } from '../help-text.js';
import { byteProgress, countProgress } from '../progress.js';

interface StoreFlags {
  readonly data?: string;
  readonly db?: string;
  readonly force?: boolean;
  readonly expectKey?: string;
}

const ARCHIVE_NOTE = `
The archive is a tar file: manifest.json, the ledger as JSON Lines of its
canonical entries, the signed checkpoint at the snapshot's size, the
verifier key, the ledger's signing key (so a restored registry keeps signing
as the same log), the access log, and every blob under blobs/sha256/. Because it holds the
signing key it is written with mode 0600: keep it as you keep the data
directory.`;

const BACKUP_NOTE = `${ARCHIVE_NOTE}

The snapshot is the ledger at its size when the backup began; the server may
keep serving and writing meanwhile. Every entry and blob is re-hashed on the
way out: a corrupt blob fails the backup, naming it, rather than being left
out (a restored registry could not serve the versions that name it). The
archive is written to a temporary file and renamed at the end, so a failed
backup leaves nothing under FILE.`;

const RESTORE_NOTE = `
Restores into an empty registry only (a new data directory, or a new
PostgreSQL schema with MODELKEEP_DB_SCHEMA). The archive is checked whole
before anything is written: every entry, the Merkle root against the signed
checkpoint, the checkpoint's signature, the key, every blob's hash. A damaged
or altered archive is refused (exit 8) and the target is left as it was.
Run it before the first \`serve\` or \`init\` on the target. The log's
signing key is restored as ledger-key.pem in the data directory (mode 0600),
so the restored registry signs as the same log and its tokens still work.

An archive vouches for itself: one rewritten whole under a new key would
pass. Give --expect-key the log's verifier key, saved from the registry
beforehand, to refuse any archive not signed by that log.`;

const hints: Readonly<Record<string, string>> = {
  already_exists: 'Choose another file name, or pass --force to replace it.',
  not_found: 'Check --data (and --db, MODELKEEP_DB_SCHEMA, MODELKEEP_LEDGER_KEY): they must be what the server runs with.',
  verification_failed: 'Run `modelkeep verify` on the source registry to see what differs, or restore another backup.',
  digest_mismatch: 'Run `modelkeep verify` to see which versions the blob belongs to, and put its original bytes back.',
  invalid_state: 'Restore into a new data directory (and with PostgreSQL a new schema, MODELKEEP_DB_SCHEMA=name).',
};

export function registerBackupCommands(program: Command): void {
  withExamples(
    program
      .command('backup')
      .description('write a consistent snapshot of the registry (ledger, checkpoint, keys, blobs) to FILE while it keeps serving')
      .argument('<file>', 'the archive to write (a tar file, mode 0600)')
      .option('--data <dir>', 'data directory of the registry (env MODELKEEP_DATA, default ./data)')
      .option('--db <url>', 'its postgres:// URL when it uses PostgreSQL (env MODELKEEP_DB; schema from MODELKEEP_DB_SCHEMA)')
      .option('--force', 'replace FILE if it exists')
      .addHelpText('after', BACKUP_NOTE)
      .action(async (file: string, flags: StoreFlags, command: Command) => {
        const ctx = contextOf(command);
        const config = await configFrom(flags, ctx.env);
        const { writeBackup } = await import('../../backup/write-backup.js');
        const summary = await withHints(interruptible((signal) => writeBackup({ config, file, overwrite: flags.force === true, progress: progressBars(ctx), signal })));
        if (summary.checkpointsSkipped > 0) {
          ctx.out.warn(`${plural(summary.checkpointsSkipped, 'kept checkpoint')} signed by another key or origin were left out of the backup.`);
        }
        ctx.out.result(summary, (s) => {
          ctx.out.line(
            `Backed up ${plural(s.entries, 'ledger entry', 'ledger entries')}, ${plural(s.accessRecords, 'access record')} and ${plural(s.blobs, 'blob')} (${formatBytes(s.blobBytes)}) to ${s.file} (${formatBytes(s.archiveBytes)}) in ${s.seconds} s.`,
          );
          ctx.out.line(`Checkpoint: size ${s.treeSize}, root ${s.rootHash} (${s.origin}).`);
          ctx.out.line(`The archive holds the signing key: keep it private. Restore with \`modelkeep restore ${s.file} --data NEW_DIR\`.`);
        });
      }),
    'modelkeep backup /backups/modelkeep-$(date +%F).tar --data /var/lib/modelkeep',
    'MODELKEEP_DB_SCHEMA=registry modelkeep backup nightly.tar --db postgres://mk@db:5432/mk --data /var/lib/modelkeep --json',
  );

  withExamples(
    program
      .command('restore')
      .description('check a backup archive whole, then restore it into an empty registry')
      .argument('<file>', 'an archive written by `modelkeep backup`')
      .option('--data <dir>', 'data directory to restore into (env MODELKEEP_DATA, default ./data)')
      .option('--db <url>', 'a postgres:// URL to restore into instead of SQLite (env MODELKEEP_DB; schema from MODELKEEP_DB_SCHEMA)')
      .option('--expect-key <key>', "refuse the archive unless the log's verifier key is this one (the text of GET /api/v1/ledger/key, or a file holding it)")
      .addHelpText('after', RESTORE_NOTE)
      .action(async (file: string, flags: StoreFlags, command: Command) => {
        const ctx = contextOf(command);
        const config = await configFrom(flags, ctx.env);
        const { restoreBackup } = await import('../../backup/restore-backup.js');
        const expectedKey = flags.expectKey === undefined ? undefined : await keyText(flags.expectKey);
        const summary = await withHints(interruptible((signal) => restoreBackup({ config, file, expectedKey, progress: progressBars(ctx), signal })));
        if (summary.serveWithLogOrigin !== undefined) {
          ctx.out.warn(`the log's origin is ${summary.serveWithLogOrigin}: serve the restored registry with MODELKEEP_LOG_ORIGIN='${summary.serveWithLogOrigin}' so its checkpoints continue that log.`);
        }
        ctx.out.result(summary, (s) => {
          ctx.out.line(
            `Checked and restored ${plural(s.entries, 'ledger entry', 'ledger entries')}, ${plural(s.accessRecords, 'access record')}, ${plural(s.blobs, 'blob')} (${formatBytes(s.blobBytes)}) and ${plural(s.checkpoints, 'checkpoint')} into ${s.dataDir} (${s.database}) in ${s.seconds} s.`,
          );
          ctx.out.line(`Root hash at size ${s.treeSize}: ${s.rootHash} (${s.origin}), the same as the backup's checkpoint.`);
          ctx.out.line(`Start it with \`modelkeep serve --data ${s.dataDir}\`; the tokens of the backed-up registry work as before.`);
        });
      }),
    'modelkeep restore /backups/modelkeep-2025-01-31.tar --data /var/lib/modelkeep-restored',
    'curl -s https://registry.example/api/v1/ledger/key > log.key; modelkeep restore nightly.tar --data ./restored --expect-key log.key',
    'MODELKEEP_DB_SCHEMA=restored modelkeep restore nightly.tar --db postgres://mk@db:5432/mk --data /srv/mk --json',
  );
}

const phases: Readonly<Record<BackupPhase, { label: string; unit?: string }>> = {
  blobs: { label: 'blobs' },
  ledger: { label: 'ledger', unit: 'entries' },
  verify: { label: 'checking' },
  restore: { label: 'restoring' },
};

function progressBars(ctx: CliContext): ProgressFactory {
  return (phase, total) => {
    const { label, unit } = phases[phase];
    return unit === undefined ? byteProgress(label, total, { json: ctx.json }) : countProgress(label, total, unit, { json: ctx.json });
  };
}

/** Ctrl-C (or SIGTERM) stops the work at its next step, so it can clean up and say where it stopped. */
async function interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** The registry's own errors, with what to do next for this command. */
async function withHints<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    const hint = hints[error.code];
    throw new CliError(error.code, error.message, { ...(hint === undefined ? {} : { hint }), extensions: { ...error.extensions }, cause: error });
  }
}

/** The key itself, or the contents of the file it names. */
async function keyText(value: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  try {
    return (await readFile(value, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && value.includes('+')) return value.trim();
    throw usageError(`--expect-key ${value}: neither a verifier key (name+hash+key) nor a readable file`);
  }
}

async function configFrom(flags: StoreFlags, env: NodeJS.ProcessEnv): Promise<RegistryConfig> {
  const { resolveConfig } = await import('../../server/registry-config.js');
  try {
    return resolveConfig(flags, env);
  } catch (error) {
    throw usageError((error as Error).message);
  }
}
