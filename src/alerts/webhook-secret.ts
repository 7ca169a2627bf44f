import type { LedgerSigner } from '../ledger/ledger-signer.js';
import { WEBHOOK_SECRET_PREFIX } from './webhook-signature.js';

/**
 * A webhook's signing secret, derived from the server's key and the webhook's
 * id: shown once at registration, recomputed when signing, stored nowhere
 * (least of all in the ledger, which auditors read).
 */
export const webhookSecretFor = (signer: LedgerSigner, webhookId: string): string =>
  `${WEBHOOK_SECRET_PREFIX}${signer.deriveSecret(`webhook:${webhookId}`).toString('base64')}`;
