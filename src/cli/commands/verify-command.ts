import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { errorCatalog } from '../../errors/codes.js';
import type { VerifierKey } from '../../ledger/verifier/index.js';
import type { RegistryConfig } from '../../server/registry-config.js';
import type { VerifyReport } from '../../verify/verify-registry.js';
import { usageError } from '../cli-error.js';
import { contextOf } from '../context.js';
import { formatBytes } from '../format.js';
import { withExamples } from '../help-text.js';
import type { Output } from '../output.js';
import { phaseProgress } from '../phase-progress.js';
import { runRemoteVerify } from './verify-remote.js';

interface VerifyFlags {
  readonly data?: string;
  readonly db?: string;
  readonly skipBlobs?: boolean;
  readonly skipProjections?: boolean;
  readonly remote?: string;
  readonly since?: string;
  readonly save?: string;
  readonly key?: string;
  readonly keyText?: string;
  readonly token?: string;
}

const TAMPER_EXIT = errorCatalog.verification_failed.exit;

export function registerVerifyCommand(program: Command): void {
  withExamples(
    program
      .command('verify')
      .description(
        'check that nothing was changed behind the registry\'s back: offline against a data directory or database (ledger hashes and signed ' +
          'checkpoints, every query table against a replay of the ledger, the access log, every blob re-hashed), or with --remote, that a ' +
          "server's log today extends a checkpoint you saved. Exit 0 only when all is consistent, 8 on evidence of tampering.",
      )
      .option('--data <dir>', 'data directory to check (env MODELKEEP_DATA, default ./data)')
      .option('--db <url>', 'a postgres:// URL instead of the SQLite file in the data directory (env MODELKEEP_DB)')
      .option('--skip-blobs', 'do not re-hash the blobs')
      .option('--skip-projections', 'check the ledger, checkpoints, access log and blobs, but do not replay the ledger to compare the query tables (the slow part of a big ledger)')
      .option('--remote <url>', 'audit a running registry over HTTP instead, with signed checkpoints and a consistency proof')
      .option('--since <file>', 'with --remote: a checkpoint saved earlier; the log must extend it')
      .option('--save <file>', "with --remote: keep today's verified checkpoint here for the next --since")
      .option('--key <file>', 'the verifier key to trust (signed-note format; offline default: derived from the data directory\'s signing key)')
      .option('--key-text <key>', 'with --remote: the verifier key to trust, given inline')
      .option('--token <token>', 'with --remote: a token with ledger.read (default MODELKEEP_TOKEN, then the saved login)')
      .action(async (flags: VerifyFlags, command: Command) => {
        const ctx = contextOf(command);
        if (flags.remote !== undefined) {
          if (flags.data !== undefined || flags.db !== undefined || flags.skipBlobs === true || flags.skipProjections === true) {
            throw usageError('--remote audits a server over HTTP; --data, --db, --skip-blobs and --skip-projections are for the offline check');
          }
          const { remote: url, since, save, key, keyText, token } = flags;
          process.exitCode = await runRemoteVerify({ url, since, save, key, keyText, token, json: ctx.json, out: ctx.out, env: ctx.env });
          return;
        }
        for (const remoteOnly of ['since', 'save', 'keyText', 'token'] as const) {
          if (flags[remoteOnly] !== undefined) throw usageError(`--${remoteOnly === 'keyText' ? 'key-text' : remoteOnly} works with --remote only`);
        }
        const config = await configFrom(flags, ctx.env);
        const report = await verifyOffline(config, flags, ctx.json);
        printReport(ctx.out, report, config);
        process.exitCode = report.ok ? 0 : TAMPER_EXIT;
      }),
    'modelkeep verify --data /var/lib/modelkeep',
    'modelkeep verify --db postgres://registry@db/modelkeep --data /var/lib/modelkeep --json',
    'modelkeep verify --remote https://models.example.com --since checkpoint.txt --save checkpoint.txt',
  );
}

async function configFrom(flags: VerifyFlags, env: NodeJS.ProcessEnv): Promise<RegistryConfig> {
  const { resolveConfig } = await import('../../server/registry-config.js');
  try {
    return resolveConfig(flags, env);
  } catch (error) {
    throw usageError((error as Error).message);
  }
}

async function verifyOffline(config: RegistryConfig, flags: VerifyFlags, json: boolean): Promise<VerifyReport> {
  const { existsSync } = await import('node:fs');
  const location = config.db ?? join(config.dataDir, 'modelkeep.db');
  if (config.db === undefined && !existsSync(location)) {
    throw usageError(`There is no registry database at ${location}`, 'Point --data at the registry\'s data directory, or --db at its PostgreSQL database.');
  }
  const key = await trustedKey(config, flags.key);
  const { openStore } = await import('../../store/open-store.js');
  const { verifyRegistry } = await import('../../verify/verify-registry.js');
  const store = await openStore({ location, schema: config.dbSchema, inspect: true });
  try {
    const blobRoot = flags.skipBlobs === true ? undefined : join(config.dataDir, 'blobs');
    return await verifyRegistry({
      store,
      key,
      blobRoot,
      projections: flags.skipProjections !== true,
      database: { location, schema: config.dbSchema },
      progress: phaseProgress({ json, byteTotals: ['blobs'] }),
    });
  } finally {
    await store.close();
  }
}

/** The key checkpoints must verify with: given, or the public half of the registry's own signing key. */
async function trustedKey(config: RegistryConfig, keyFile: string | undefined): Promise<VerifierKey | undefined> {
  const { parseVerifierKey } = await import('../../ledger/verifier/index.js');
  if (keyFile !== undefined) {
    try {
      return parseVerifierKey((await readFile(keyFile, 'utf8')).trim());
    } catch (error) {
      throw usageError(`Cannot use ${keyFile} as a verifier key: ${(error as Error).message}`, 'Save the server\'s key with `curl …/api/v1/ledger/key > registry.key`.');
    }
  }
  const { LedgerSigner } = await import('../../ledger/ledger-signer.js');
  const { ledgerKeyPath } = await import('../../server/ledger-key.js');
  try {
    const pem = await readFile(ledgerKeyPath(config.dataDir, config.ledgerKey), 'utf8');
    return parseVerifierKey(LedgerSigner.fromPem(pem, config.logOrigin).verifierKey);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function printReport(out: Output, report: VerifyReport, config: RegistryConfig): void {
  out.result({ ...report, dataDir: config.dataDir }, (r) => {
    const latest = r.ledger.latestCheckpoint;
    out.line(`${mark(r.problems.every((p) => p.check !== 'ledger' && p.check !== 'tree'))} ledger: ${r.ledger.entries.toLocaleString('en-US')} entries re-hashed; root ${r.ledger.root}`);
    out.line(
      `${mark(r.problems.every((p) => p.check !== 'checkpoint' || p.severity === 'warning'))} checkpoints: ${r.ledger.checkpoints} compared` +
        (latest === undefined ? ', none signed yet' : `; latest at size ${latest.size} ${latest.matches ? 'matches' : 'DOES NOT match'}`) +
        (r.signaturesChecked ? '' : ' (no verifier key: signatures not checked; pass --key)'),
    );
    out.line(
      r.projections.compared
        ? `${mark(r.problems.every((p) => p.check !== 'projection'))} query tables: ${r.projections.rows.toLocaleString('en-US')} rows in ${r.projections.tables} tables compared with a replay of the ledger`
        : r.problems.some((p) => p.check === 'projection')
          ? '✗ query tables: not compared, the ledger could not be replayed'
          : '- query tables: skipped (--skip-projections)',
    );
    out.line(`${mark(r.problems.every((p) => p.check !== 'access-log'))} access log: ${r.accessLog.records.toLocaleString('en-US')} records in ${r.accessLog.batches} anchored batches`);
    if (r.blobs === undefined) out.line('- blobs: skipped (--skip-blobs)');
    else out.line(`${mark(r.problems.every((p) => p.check !== 'blob' || p.severity === 'warning'))} blobs: ${r.blobs.blobs} re-hashed (${formatBytes(r.blobs.bytes)}), ${r.blobs.missing} missing, ${r.blobs.unreferenced} unreferenced`);
    for (const problem of r.problems) out.line(`  ${problem.severity === 'error' ? 'error' : 'warning'}: ${problem.resource}: ${problem.problem}`);
    if (r.unlisted > 0) out.line(`  … and ${r.unlisted} more problems not listed`);
    out.line(
      r.ok
        ? `Verified in ${r.seconds.total} s: the registry is consistent with its ledger${r.warnings > 0 ? ` (${r.warnings} warnings)` : ''}.`
        : `Verification FAILED in ${r.seconds.total} s: ${r.errors} problems. Treat the registry as tampered with until each is explained; restore from a backup that verifies.`,
    );
  });
}

const mark = (ok: boolean) => (ok ? '✓' : '✗');
