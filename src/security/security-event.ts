/** One answered request, as the server reports it to the anomaly detector. */
export interface ObservedRequest {
  /** Epoch milliseconds, from the server's clock. */
  readonly at: number;
  /** Principal id, e.g. `user:alice`, or `anonymous`. */
  readonly actor: string;
  readonly kind: 'artifact_download' | 'refused' | 'revoked_token' | 'other';
  /** What was asked for: a URL path or a URN. */
  readonly subject: string;
}

export const securityEventKinds = ['download_spike', 'repeated_refusals', 'revoked_token_used'] as const;
export type SecurityEventKind = (typeof securityEventKinds)[number];

/** Unusual access worth a human's attention: a sentence to read and the figures behind it. */
export interface SecurityEvent {
  readonly kind: SecurityEventKind;
  readonly principal: string;
  /** ISO 8601 time of the observation that raised it. */
  readonly at: string;
  readonly summary: string;
  readonly detail: Readonly<Record<string, number | string>>;
}
