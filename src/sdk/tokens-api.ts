import type { CallOptions, Transport, WriteOptions } from './transport.js';
import type { IssuedToken, IssueTokenRequest } from './types.js';

/** API tokens (admin only). */
export class TokensApi {
  constructor(private readonly http: Transport) {}

  /** Issues a token; the secret is in this answer only. */
  issue(request: IssueTokenRequest, options: WriteOptions = {}): Promise<IssuedToken> {
    return this.http.json({ method: 'POST', path: '/api/v1/tokens', json: request, ...options });
  }

  /** @throws ModelKeepApiError `not_found`, `invalid_state` when already revoked */
  async revoke(id: string, options: CallOptions = {}): Promise<void> {
    await this.http.json({ method: 'DELETE', path: `/api/v1/tokens/${encodeURIComponent(id)}`, ...options });
  }
}
