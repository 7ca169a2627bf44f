import { createHash, randomBytes } from 'node:crypto';

/** `mk_` marks the secret as ours (secret scanners key on it); 256 random bits follow. */
const PREFIX = 'mk_';

export function generateToken(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

/** Tokens are stored and looked up only by this hash; the secret itself is shown once. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A bootstrap token from the environment must be as hard to guess as one we generate. */
export function isStrongEnough(token: string): boolean {
  return token.length >= 32 && /^[\x21-\x7e]+$/.test(token);
}
