import { readFile } from 'node:fs/promises';
import { errorCatalog } from '../../errors/codes.js';
import { parseVerifierKey } from '../../ledger/verifier/index.js';
import { ModelKeepClient } from '../../sdk/modelkeep-client.js';
import { type RemoteAudit, auditRemoteLog } from '../../verify-remote/audit-remote-log.js';
import { keyFileOf, saveCheckpoint } from '../../verify-remote/save-checkpoint.js';
import { CliError, usageError } from '../cli-error.js';
import { configPath, readLogin } from '../credentials.js';
import type { Output } from '../output.js';

export interface RemoteVerifyOptions {
  /** The registry to audit, e.g. `https://models.example.com`. */
  readonly url: string;
  /** A checkpoint note saved earlier (by `--save`, or as the server served it). */
  readonly since?: string | undefined;
  /** Where to keep today's checkpoint once it verifies (and `<file>.key` beside it). */
  readonly save?: string | undefined;
  /** A token with `ledger.read`; default MODELKEEP_TOKEN, then the saved login for this server. */
  readonly token?: string | undefined;
  /** A file holding the verifier key to trust (`--key`). */
  readonly key?: string | undefined;
  /** The verifier key to trust itself (`--key-text`). */
  readonly keyText?: string | undefined;
  readonly json: boolean;
  readonly out: Output;
  readonly env?: NodeJS.ProcessEnv | undefined;
}

export const VERIFIED_EXIT = 0;
export const TAMPER_EXIT = errorCatalog.verification_failed.exit;

/**
 * `modelkeep verify --remote URL [--since FILE] [--save FILE]`: proves from
 * the outside, with the server's signatures and a consistency proof, that
 * the registry's log today extends the checkpoint saved earlier. Returns 0
 * when everything verifies and the `verification_failed` exit (8) when a
 * signature or proof does not; a bad command line, an unreachable server or
 * a refused token throw, for the CLI's entry point to report.
 */
export async function runRemoteVerify(options: RemoteVerifyOptions): Promise<number> {
  const env = options.env ?? process.env;
  const url = remoteUrl(options.url);
  const pinned = await pinnedKey(options);
  const since = options.since === undefined ? undefined : await readSavedCheckpoint(options.since);
  const trusted = pinned ?? (since?.key === undefined ? undefined : { key: since.key, source: 'saved' as const });
  const token = await tokenFor(url, options.token, env);
  const client = new ModelKeepClient({ baseUrl: url, token });

  const audit = await auditRemoteLog(client, { trusted, savedNote: since?.note });
  const saved = audit.verified && options.save !== undefined && audit.latest !== undefined ? options.save : undefined;
  if (saved !== undefined) await saveCheckpoint(saved, audit.latest!.note, audit.key.text);
  report(options.out, url, audit, { since: options.since, saved, unsavedBecauseFailed: !audit.verified && options.save !== undefined });
  return audit.verified ? VERIFIED_EXIT : TAMPER_EXIT;
}

function report(out: Output, url: string, audit: RemoteAudit, files: { since: string | undefined; saved: string | undefined; unsavedBecauseFailed: boolean }): void {
  const exit = audit.verified ? VERIFIED_EXIT : TAMPER_EXIT;
  const { note: _note, ...latest } = audit.latest ?? { note: undefined };
  out.result(
    {
      url,
      verified: audit.verified,
      exit,
      ...(audit.verified ? {} : { code: 'verification_failed' }),
      summary: audit.summary,
      key: { ...audit.key, pinned: audit.key.source === 'pinned' },
      ...(audit.latest === undefined ? {} : { latest }),
      ...(audit.saved === undefined ? {} : { since: { file: files.since, ...audit.saved } }),
      ...(files.saved === undefined ? {} : { savedTo: files.saved }),
      checks: audit.checks,
    },
    () => {
      out.line(`Auditing ${url}`);
      for (const check of audit.checks) out.line(`  ${check.ok ? 'ok    ' : 'FAILED'}  ${check.name.padEnd(17)}  ${check.detail}`);
      out.line(audit.verified ? `Verified: ${audit.summary}.` : `NOT VERIFIED: ${audit.summary}.`);
      if (files.saved !== undefined) out.line(`Saved the checkpoint at size ${audit.latest!.size} to ${files.saved} (its key to ${keyFileOf(files.saved)}).`);
    },
  );
  if (audit.key.source !== 'pinned' && audit.checks.length > 1) {
    const whose = audit.key.source === 'saved' ? `the one saved beside ${files.since}` : "the server's own, which a dishonest server chooses";
    out.note(`note: the verifier key was not pinned; this audit trusted ${whose}. Pin the key you trust with --key FILE or --key-text KEY.`);
  }
  if (!audit.verified) {
    out.error(`error: ${audit.summary}`);
    out.error('hint: This is evidence that the registry\'s log is not the one that was signed or saved. Keep the checkpoint file and this output, and raise it with the registry\'s owners.');
    if (files.unsavedBecauseFailed) out.error('note: nothing was saved, since the checks failed.');
  }
}

function remoteUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`--remote ${JSON.stringify(text)} is not a URL`, 'Give the registry\'s full URL, e.g. --remote https://models.example.com');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(`--remote must be http or https, not ${url.protocol}`);
  return url.toString().replace(/\/+$/, '');
}

async function pinnedKey(options: RemoteVerifyOptions): Promise<{ key: string; source: 'pinned' } | undefined> {
  if (options.key !== undefined && options.keyText !== undefined) throw usageError('Give the key to trust once: --key FILE or --key-text KEY, not both');
  const text = options.keyText ?? (options.key === undefined ? undefined : await readText(options.key, '--key'));
  if (text === undefined) return undefined;
  try {
    parseVerifierKey(text);
  } catch (error) {
    throw usageError(`The pinned key is not a verifier key: ${(error as Error).message}`, 'Copy it from `GET /api/v1/ledger/key` (name+hash+key) when you first trust the registry.');
  }
  return { key: text.trim(), source: 'pinned' };
}

/** The note, and the key saved beside it by an earlier `--save`, if any. */
async function readSavedCheckpoint(file: string): Promise<{ note: string; key: string | undefined }> {
  const note = await readText(file, '--since');
  // Only the shape is checked here; whether the note verifies is the audit's finding, not a usage error.
  if (!note.includes('\n\n\u2014 ') || !note.endsWith('\n')) {
    throw usageError(`${file} is not a signed checkpoint note`, 'Give a file written by `modelkeep verify --remote URL --save FILE`, or a note served by GET /api/v1/ledger/checkpoint.');
  }
  let key: string | undefined;
  try {
    key = (await readFile(keyFileOf(file), 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return { note, key: key === '' ? undefined : key };
}

async function readText(file: string, option: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw usageError(`${option} ${file} cannot be read: ${(error as Error).message}`);
  }
}

/** A token is only ever sent to the server it belongs to (as the CLI's login rules have it). */
async function tokenFor(url: string, flag: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  if (flag !== undefined && flag !== '') return flag;
  if (env.MODELKEEP_TOKEN && (!env.MODELKEEP_URL || sameOrigin(env.MODELKEEP_URL, url))) return env.MODELKEEP_TOKEN;
  const stored = await readLogin(configPath(env));
  if (stored !== undefined && sameOrigin(stored.url, url)) return stored.token;
  throw new CliError('unauthenticated', `No token for ${url}: reading its checkpoints and proofs needs one with ledger.read`, {
    hint: `Pass --token TOKEN, set MODELKEEP_TOKEN, or run \`modelkeep login --url ${url} --token TOKEN\`.`,
  });
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
