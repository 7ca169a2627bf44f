import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

/*
 * C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 signatures:
 * the text, a blank line, then lines "— <name> <base64(key hash ‖ signature)>".
 * The key hash is the first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key).
 */

const ED25519 = 0x01;
const SIGNATURE_PREFIX = '\u2014 ';

export interface VerifierKey {
  readonly name: string;
  readonly keyHash: Buffer;
  readonly publicKey: Buffer;
}

export function keyHash(name: string, publicKey: Buffer): Buffer {
  return createHash('sha256').update(`${name}\n`, 'utf8').update(Buffer.from([ED25519])).update(publicKey).digest().subarray(0, 4);
}

/** `<name>+<8 hex digits of key hash>+<base64(0x01 ‖ public key)>` */
export function formatVerifierKey(name: string, publicKey: Buffer): string {
  return `${name}+${keyHash(name, publicKey).toString('hex')}+${Buffer.concat([Buffer.from([ED25519]), publicKey]).toString('base64')}`;
}

export function parseVerifierKey(text: string): VerifierKey {
  // The key is base64 and may itself contain "+"; the name may not.
  const trimmed = text.trim();
  const first = trimmed.indexOf('+');
  const second = trimmed.indexOf('+', first + 1);
  if (first <= 0 || second < 0) throw new Error('a verifier key is <name>+<hash>+<key>');
  const [name, hash, key] = [trimmed.slice(0, first), trimmed.slice(first + 1, second), trimmed.slice(second + 1)];
  const raw = Buffer.from(key, 'base64');
  if (!/^[0-9a-f]{8}$/.test(hash) || raw.length !== 33 || raw[0] !== ED25519) throw new Error('not an Ed25519 verifier key');
  const publicKey = raw.subarray(1);
  if (!keyHash(name, publicKey).equals(Buffer.from(hash, 'hex'))) throw new Error('the verifier key hash does not match its key');
  return { name, keyHash: Buffer.from(hash, 'hex'), publicKey };
}

/** Signs `text` (which must end in a newline) as `name`. */
export function signNote(text: string, name: string, privateKey: KeyObject, publicKey: Buffer): string {
  if (!text.endsWith('\n')) throw new Error('note text must end with a newline');
  const signature = sign(null, Buffer.from(text, 'utf8'), privateKey);
  return `${text}\n${SIGNATURE_PREFIX}${name} ${Buffer.concat([keyHash(name, publicKey), signature]).toString('base64')}\n`;
}

/** Returns the note's text if `key` signed it; throws saying why not otherwise. */
export function openNote(note: string, key: VerifierKey): string {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new Error('not a signed note');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key.publicKey.toString('base64url') }, format: 'jwk' });
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX)) throw new Error(`malformed signature line ${JSON.stringify(line)}`);
    const [name, encoded] = line.slice(SIGNATURE_PREFIX.length).split(' ');
    if (name !== key.name || encoded === undefined) continue;
    const blob = Buffer.from(encoded, 'base64');
    if (blob.length !== 68 || !blob.subarray(0, 4).equals(key.keyHash)) continue;
    if (verify(null, Buffer.from(text, 'utf8'), publicKey, blob.subarray(4))) return text;
    throw new Error(`the signature by ${name} does not verify`);
  }
  throw new Error(`the note carries no signature by ${key.name}`);
}
