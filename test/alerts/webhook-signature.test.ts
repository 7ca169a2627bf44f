import { describe, expect, it } from 'vitest';
import { newWebhookSecret, signWebhook, verifyWebhook, webhookSecretKey } from '../../src/alerts/webhook-signature.js';
import { RegistryError } from '../../src/errors/registry-error.js';

// The Standard Webhooks reference test vector (spec repository, library tests).
const vector = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const at = { nowSec: vector.timestamp };

describe('Standard Webhooks signatures', () => {
  it('signs the reference vector to the published signature and verifies it', () => {
    const headers = signWebhook(vector.secret, vector.id, vector.timestamp, vector.body);
    expect(headers).toEqual({ 'webhook-id': vector.id, 'webhook-timestamp': '1614265330', 'webhook-signature': vector.signature });
    expect(verifyWebhook(vector.secret, headers, vector.body, at)).toEqual({ valid: true, id: vector.id, timestampSec: vector.timestamp });
  });

  it('round-trips with a fresh secret, over string or bytes, from a Headers object or mixed-case record', () => {
    const secret = newWebhookSecret();
    const body = JSON.stringify({ type: 'risk.tier_raised', note: 'é ✓' });
    const headers = signWebhook(secret, 'evt_1', 1_700_000_000, Buffer.from(body));
    const opts = { nowSec: 1_700_000_010 };
    expect(verifyWebhook(secret, new Headers(headers), body, opts).valid).toBe(true);
    const shouted = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifyWebhook(secret, shouted, Buffer.from(body), opts).valid).toBe(true);
  });

  it('refuses a tampered body, even one differing by a single space', () => {
    const headers = signWebhook(vector.secret, vector.id, vector.timestamp, vector.body);
    expect(verifyWebhook(vector.secret, headers, '{"test":2432232314}', at)).toEqual({ valid: false, reason: 'no_matching_signature' });
  });

  it('refuses a signature made with another secret', () => {
    const headers = signWebhook(newWebhookSecret(), vector.id, vector.timestamp, vector.body);
    expect(verifyWebhook(vector.secret, headers, vector.body, at)).toEqual({ valid: false, reason: 'no_matching_signature' });
  });

  it('refuses a replayed id or timestamp: each is part of the signed text', () => {
    const headers = signWebhook(vector.secret, vector.id, vector.timestamp, vector.body);
    expect(verifyWebhook(vector.secret, { ...headers, 'webhook-id': 'msg_other' }, vector.body, at).valid).toBe(false);
    expect(verifyWebhook(vector.secret, { ...headers, 'webhook-timestamp': String(vector.timestamp + 1) }, vector.body, at).valid).toBe(false);
  });

  it('refuses a stale or future timestamp outside the tolerance, and accepts one at its edge', () => {
    const headers = signWebhook(vector.secret, vector.id, vector.timestamp, vector.body);
    const verifyAt = (nowSec: number) => verifyWebhook(vector.secret, headers, vector.body, { nowSec });
    expect(verifyAt(vector.timestamp + 301)).toEqual({ valid: false, reason: 'timestamp_out_of_tolerance' });
    expect(verifyAt(vector.timestamp - 301)).toEqual({ valid: false, reason: 'timestamp_out_of_tolerance' });
    expect(verifyAt(vector.timestamp + 300).valid).toBe(true);
    expect(verifyWebhook(vector.secret, headers, vector.body, { nowSec: vector.timestamp + 60, toleranceSec: 30 }).valid).toBe(false);
    // The default clock is now, and the vector is from 2021.
    expect(verifyWebhook(vector.secret, headers, vector.body)).toEqual({ valid: false, reason: 'timestamp_out_of_tolerance' });
  });

  it('refuses missing headers and a timestamp that is not whole seconds', () => {
    const headers = signWebhook(vector.secret, vector.id, vector.timestamp, vector.body);
    const { 'webhook-signature': _dropped, ...unsigned } = headers;
    expect(verifyWebhook(vector.secret, unsigned, vector.body, at)).toEqual({ valid: false, reason: 'missing_header' });
    expect(verifyWebhook(vector.secret, { ...headers, 'webhook-timestamp': '1614265330.0' }, vector.body, at)).toEqual({ valid: false, reason: 'invalid_timestamp' });
    expect(verifyWebhook(vector.secret, { ...headers, 'webhook-timestamp': '-1' }, vector.body, at)).toEqual({ valid: false, reason: 'invalid_timestamp' });
  });

  it('accepts a delivery signed with old and new secrets during a rotation, by a receiver holding either', () => {
    const [old, fresh] = [newWebhookSecret(), newWebhookSecret()];
    const headers = signWebhook([old, fresh], 'evt_9', vector.timestamp, vector.body);
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(verifyWebhook(old, headers, vector.body, at).valid).toBe(true);
    expect(verifyWebhook(fresh, headers, vector.body, at).valid).toBe(true);
    expect(verifyWebhook(newWebhookSecret(), headers, vector.body, at).valid).toBe(false);
    // A receiver rotating its own side holds both while the sender still uses one.
    expect(verifyWebhook([newWebhookSecret(), old], signWebhook(old, 'evt_9', vector.timestamp, vector.body), vector.body, at).valid).toBe(true);
  });

  it('skips signatures of other versions and junk entries instead of failing on them', () => {
    const good = signWebhook(vector.secret, vector.id, vector.timestamp, vector.body)['webhook-signature'];
    const header = `v1a,c29tZXRoaW5n v2,AAAA garbage v1, ${good}`;
    expect(verifyWebhook(vector.secret, { ...signWebhook(vector.secret, vector.id, vector.timestamp, vector.body), 'webhook-signature': header }, vector.body, at).valid).toBe(true);
    const onlyOthers = { 'webhook-id': vector.id, 'webhook-timestamp': String(vector.timestamp), 'webhook-signature': good!.replace('v1,', 'v1a,') };
    expect(verifyWebhook(vector.secret, onlyOthers, vector.body, at).valid).toBe(false);
  });

  it('makes secrets of 32 random bytes, never the same twice', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(webhookSecretKey(a)).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(a);
  });

  it('refuses a secret without its prefix, with broken base64, or too short to be a key', () => {
    for (const bad of ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_not base64!', `whsec_${Buffer.alloc(16).toString('base64')}`, 'whsec_']) {
      expect(() => webhookSecretKey(bad)).toThrow(RegistryError);
    }
  });

  it('refuses to sign an id that could break its header', () => {
    expect(() => signWebhook(vector.secret, 'evt 1', vector.timestamp, vector.body)).toThrow(RegistryError);
    expect(() => signWebhook(vector.secret, 'evt\r\nx-injected: 1', vector.timestamp, vector.body)).toThrow(RegistryError);
  });
});
