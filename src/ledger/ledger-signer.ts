import { createHash, createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { type Checkpoint, formatCheckpoint } from './verifier/checkpoint.js';
import { formatVerifierKey, signNote } from './verifier/signed-note.js';

/** The ledger's Ed25519 identity: signs checkpoints under the log's origin. */
export class LedgerSigner {
  readonly publicKey: Buffer;
  readonly verifierKey: string;

  private constructor(
    private readonly privateKey: KeyObject,
    readonly origin: string,
  ) {
    const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
    this.publicKey = Buffer.from(jwk.x!, 'base64url');
    this.verifierKey = formatVerifierKey(origin, this.publicKey);
  }

  /** From a PKCS#8 PEM; the origin defaults to one derived from the key, so it is stable with it. */
  static fromPem(pem: string, origin?: string): LedgerSigner {
    const privateKey = createPrivateKey(pem);
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the ledger signing key must be an Ed25519 key');
    const raw = Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x!, 'base64url');
    return new LedgerSigner(privateKey, origin ?? `modelkeep.local/${createHash('sha256').update(raw).digest('hex').slice(0, 16)}`);
  }

  static generatePem(): string {
    return generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  }

  /**
   * A secret derived from the signing key for one purpose (`label`), so that
   * servers sharing the key derive the same one and nothing needs storing:
   * HMAC-SHA256 keyed by the private key's PKCS#8 bytes. It is never the key.
   */
  deriveSecret(label: string): Buffer {
    const keyBytes = this.privateKey.export({ format: 'der', type: 'pkcs8' });
    return createHmac('sha256', keyBytes).update(`modelkeep derived secret\n${label}`).digest();
  }

  /** A C2SP tlog-checkpoint signed note for the tree of `size` leaves with `root`. */
  signCheckpoint(size: number, root: Buffer): string {
    const checkpoint: Checkpoint = { origin: this.origin, size, root };
    return signNote(formatCheckpoint(checkpoint), this.origin, this.privateKey, this.publicKey);
  }
}
