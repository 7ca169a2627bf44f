/** The ModelKeep TypeScript SDK. */
export { ModelKeepClient, type ModelKeepClientOptions } from './modelkeep-client.js';
export { ModelKeepApiError, type ApiErrorCode } from './api-error.js';
export type { CallOptions, WriteOptions } from './transport.js';
export type { BlobDownload, PutBlobOptions } from './blobs-api.js';
export type { IfMatch } from './if-match.js';
export { parseModelRef, parseVersionRef, formatModelRef, formatVersionRef } from './refs.js';
export type * from './types.js';
export type * from './access-types.js';
export { gateReportOf, type ModelRefLike, type VersionRefLike } from './governance-api.js';
export type * from './governance-types.js';
export { MAX_ADVISORIES_PER_BATCH } from './advisories-api.js';
export type { EventStreamOptions } from './alerts-api.js';
export type * from './dependency-types.js';
/** For webhook receivers: check a delivery's Standard Webhooks signature with the secret `alerts.addWebhook` returned. */
export { signWebhook, verifyWebhook, webhookHeaders, type HeaderSource, type VerifyFailure, type VerifyResult, type WebhookBody } from '../alerts/webhook-signature.js';
