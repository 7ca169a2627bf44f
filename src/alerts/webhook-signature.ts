import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { RegistryError } from '../errors/registry-error.js';

/*
 * Standard Webhooks 1.0 (https://www.standardwebhooks.com/, spec "Signature
 * scheme"): the sender signs `{webhook-id}.{webhook-timestamp}.{raw body}` with
 * HMAC-SHA256 under a symmetric secret written `whsec_<base64>`, and sends
 * `webhook-signature: v1,<base64 mac>`, several space-separated while a secret
 * is being rotated. Exported for SDK users who verify what they receive.
 */

export const WEBHOOK_SECRET_PREFIX = 'whsec_';
export const SIGNATURE_VERSION = 'v1';
/** The spec asks for secrets of 24 to 64 bytes; shorter keys are refused, not padded. */
export const MIN_SECRET_BYTES = 24;
export const MAX_SECRET_BYTES = 64;
export const NEW_SECRET_BYTES = 32;
/** Five minutes either way, as the spec recommends against replay. */
export const DEFAULT_TOLERANCE_SEC = 300;

export const webhookHeaders = { id: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' } as const;

/** Node's `IncomingHttpHeaders`, a plain record, or a fetch `Headers`. */
export type HeaderSource = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;
export type WebhookBody = string | Uint8Array;

export type VerifyFailure = 'missing_header' | 'invalid_timestamp' | 'timestamp_out_of_tolerance' | 'no_matching_signature';
export type VerifyResult =
  | { readonly valid: true; readonly id: string; readonly timestampSec: number }
  | { readonly valid: false; readonly reason: VerifyFailure };

export function newWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(NEW_SECRET_BYTES).toString('base64');
}

/** The HMAC key behind a `whsec_` secret; a malformed secret is a configuration error. */
export function webhookSecretKey(secret: string): Buffer {
  const encoded = secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : undefined;
  // Buffer.from(…, 'base64') skips junk silently, so the text is checked first.
  if (encoded === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
    throw new RegistryError('invalid_request', `A webhook secret is written ${WEBHOOK_SECRET_PREFIX}<base64>`);
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    throw new RegistryError('invalid_request', `A webhook secret holds ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes, not ${key.length}`);
  }
  return key;
}

function mac(key: Buffer, id: string, timestampSec: number, body: WebhookBody): string {
  return createHmac('sha256', key).update(`${id}.${timestampSec}.`).update(body).digest('base64');
}

/**
 * The three Standard Webhooks headers for one delivery. Several secrets (old
 * and new, during a rotation) give one signature each, so a receiver holding
 * either accepts the delivery.
 */
export function signWebhook(secret: string | readonly string[], id: string, timestampSec: number, body: WebhookBody): Record<string, string> {
  if (!Number.isSafeInteger(timestampSec) || timestampSec < 0) {
    throw new RegistryError('invalid_request', 'A webhook timestamp is whole unix seconds');
  }
  // The id travels in a header: visible ASCII only, so it cannot split or fold one.
  if (!/^[\x21-\x7e]+$/.test(id)) throw new RegistryError('invalid_request', 'A webhook id is non-empty visible ASCII');
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (secrets.length === 0) throw new RegistryError('invalid_request', 'Signing a webhook needs at least one secret');
  const signatures = secrets.map((s) => `${SIGNATURE_VERSION},${mac(webhookSecretKey(s), id, timestampSec, body)}`);
  return {
    [webhookHeaders.id]: id,
    [webhookHeaders.timestamp]: String(timestampSec),
    [webhookHeaders.signature]: signatures.join(' '),
  };
}

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return typeof value === 'string' ? value : value?.join(' ');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Checks a received webhook against one secret, or several while the receiver
 * rotates its own. `body` must be the raw bytes as received: a body parsed and
 * re-serialised does not verify. Signatures of other versions (e.g. `v1a`) are
 * skipped, as the spec asks.
 */
export function verifyWebhook(
  secret: string | readonly string[],
  headers: HeaderSource,
  body: WebhookBody,
  options: { toleranceSec?: number; nowSec?: number } = {},
): VerifyResult {
  const keys = (typeof secret === 'string' ? [secret] : secret).map(webhookSecretKey);
  const id = header(headers, webhookHeaders.id);
  const timestamp = header(headers, webhookHeaders.timestamp);
  const signatures = header(headers, webhookHeaders.signature);
  if (!id || !timestamp || !signatures) return { valid: false, reason: 'missing_header' };
  if (!/^\d{1,15}$/.test(timestamp)) return { valid: false, reason: 'invalid_timestamp' };
  const timestampSec = Number(timestamp);
  const nowSec = options.nowSec ?? Math.floor(Date.now() / 1000);
  if (Math.abs(nowSec - timestampSec) > (options.toleranceSec ?? DEFAULT_TOLERANCE_SEC)) {
    return { valid: false, reason: 'timestamp_out_of_tolerance' };
  }
  const offered = signatures
    .split(' ')
    .filter((s) => s.startsWith(`${SIGNATURE_VERSION},`))
    .map((s) => s.slice(SIGNATURE_VERSION.length + 1));
  const expected = keys.map((key) => mac(key, id, timestampSec, body));
  // Every pair is compared, so the time taken does not say which one matched.
  let matched = false;
  for (const candidate of offered) for (const wanted of expected) matched = sameText(candidate, wanted) || matched;
  return matched ? { valid: true, id, timestampSec } : { valid: false, reason: 'no_matching_signature' };
}
