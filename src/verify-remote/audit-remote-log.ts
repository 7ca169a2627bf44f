import { type Checkpoint, type VerifierKey, parseVerifierKey, verifyCheckpoint } from '../ledger/verifier/index.js';
import type { ModelKeepClient } from '../sdk/modelkeep-client.js';
import { checkExtension, compareCheckpoints } from './check-extension.js';

/** Where the key the audit trusts came from: only `pinned` is chosen by the auditor for this run. */
export type KeySource = 'pinned' | 'saved' | 'server';

export type CheckName = 'verifier key' | 'latest checkpoint' | 'saved checkpoint' | 'consistency';

export interface AuditCheck {
  readonly name: CheckName;
  readonly ok: boolean;
  readonly detail: string;
}

export interface CheckpointSummary {
  readonly origin: string;
  readonly size: number;
  /** Base64, as in the checkpoint. */
  readonly root: string;
}

export interface RemoteAudit {
  readonly verified: boolean;
  readonly key: { readonly text: string; readonly source: KeySource };
  /** The server's checkpoint, once its signature verified: what `--save` keeps. */
  readonly latest?: CheckpointSummary & { readonly note: string };
  readonly saved?: CheckpointSummary;
  /** In order; the audit stops at the first that fails. */
  readonly checks: readonly AuditCheck[];
  /** What was proven, or what failed, in one sentence. */
  readonly summary: string;
}

export interface AuditInput {
  /** The key to trust (signed-note verifier key text); without one, the server's own is used. */
  readonly trusted?: { readonly key: string; readonly source: 'pinned' | 'saved' } | undefined;
  /** A checkpoint note the auditor kept from an earlier run. */
  readonly savedNote?: string | undefined;
}

const summaryOf = (c: Checkpoint): CheckpointSummary => ({ origin: c.origin, size: c.size, root: c.root.toString('base64') });
const sameKey = (a: VerifierKey, b: VerifierKey): boolean => a.name === b.name && a.publicKey.equals(b.publicKey);
const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Audits a registry from the outside, trusting nothing it says that a
 * signature or a proof does not back: its latest checkpoint must be signed by
 * the trusted key, and when a saved checkpoint is given, a consistency proof
 * must show that today's log extends it. Failed checks are the result; only
 * a call that got no usable answer throws (a ModelKeepApiError).
 */
export async function auditRemoteLog(client: ModelKeepClient, input: AuditInput): Promise<RemoteAudit> {
  const checks: AuditCheck[] = [];
  const serverKeyText = await client.ledger.verifierKey();
  const keyText = input.trusted?.key.trim() ?? serverKeyText;
  const keySource: KeySource = input.trusted?.source ?? 'server';
  const fail = (name: CheckName, detail: string, rest: Partial<RemoteAudit> = {}): RemoteAudit => ({
    verified: false,
    key: { text: keyText, source: keySource },
    ...rest,
    checks: [...checks, { name, ok: false, detail }],
    summary: detail,
  });

  let key: VerifierKey;
  try {
    key = parseVerifierKey(keyText);
  } catch (error) {
    return fail('verifier key', `the server's verifier key ${JSON.stringify(serverKeyText)} is malformed: ${reasonOf(error)}`);
  }
  if (input.trusted !== undefined) {
    let served: VerifierKey | undefined;
    try {
      served = parseVerifierKey(serverKeyText);
    } catch {
      served = undefined;
    }
    // A server announcing another key has replaced its identity: re-pin only after finding out why.
    if (served === undefined || !sameKey(served, key)) {
      return fail('verifier key', `the server now announces the verifier key ${serverKeyText}, not the ${input.trusted.source} key you trust (${keyText})`);
    }
  }
  checks.push({ name: 'verifier key', ok: true, detail: `${key.name} (${describeSource(keySource)})` });

  const latestNote = await client.ledger.checkpoint();
  let latest: Checkpoint;
  try {
    latest = verifyCheckpoint(latestNote, key);
  } catch (error) {
    return fail('latest checkpoint', `the server's latest checkpoint does not verify: ${reasonOf(error)}`);
  }
  const latestSummary = { ...summaryOf(latest), note: latestNote };
  checks.push({ name: 'latest checkpoint', ok: true, detail: `size ${latest.size}, root ${latestSummary.root}, signed by ${key.name}` });

  if (input.savedNote === undefined) {
    return {
      verified: true,
      key: { text: keyText, source: keySource },
      latest: latestSummary,
      checks,
      summary: `the server's latest checkpoint, at size ${latest.size}, is signed by ${key.name}; there was no saved checkpoint to prove it extends`,
    };
  }

  let saved: Checkpoint;
  try {
    saved = verifyCheckpoint(input.savedNote, key);
  } catch (error) {
    return fail('saved checkpoint', `the checkpoint you saved does not verify: ${reasonOf(error)}`, { latest: latestSummary });
  }
  const savedSummary = summaryOf(saved);
  checks.push({ name: 'saved checkpoint', ok: true, detail: `size ${saved.size}, root ${savedSummary.root}, signed by ${key.name}` });

  const comparison = compareCheckpoints(saved, latest);
  let outcome: { readonly ok: boolean; readonly detail: string };
  if (comparison.kind === 'decided') outcome = comparison;
  else {
    const { proof } = await client.ledger.consistencyProof({ from: comparison.from, to: comparison.to });
    outcome =
      Array.isArray(proof) && proof.every((h) => typeof h === 'string')
        ? checkExtension(saved, latest, proof.map((h) => Buffer.from(h, 'base64')))
        : { ok: false, detail: `the server's consistency proof from ${comparison.from} to ${comparison.to} is malformed` };
  }
  if (!outcome.ok) return fail('consistency', outcome.detail, { latest: latestSummary, saved: savedSummary });
  checks.push({ name: 'consistency', ok: true, detail: outcome.detail });
  return { verified: true, key: { text: keyText, source: keySource }, latest: latestSummary, saved: savedSummary, checks, summary: outcome.detail };
}

function describeSource(source: KeySource): string {
  if (source === 'pinned') return 'pinned';
  if (source === 'saved') return 'not pinned: the key saved with your checkpoint';
  return "not pinned: the server's own";
}
