import type { ApiToken, IssuedToken, IssueTokenRequest, RotateTokenRequest } from './access-types.js';
import type { CallOptions, Transport, WriteOptions } from './transport.js';

const base = '/api/v1/tokens';
const seg = encodeURIComponent;

/** API tokens. Your own need no role; other principals' need `token.manage` (security-admin, admin). */
export class TokensApi {
  constructor(private readonly http: Transport) {}

  /**
   * Issues a token, for the caller unless `principal` says otherwise; the
   * secret is in this answer only. A scope (`roles`, `namespaces`) must lie
   * within the holder's grants, and a token never mints a wider one.
   * @throws ModelKeepApiError `invalid_request` when the holder lacks a grant the scope names (grant it first), `forbidden`
   */
  issue(request: IssueTokenRequest, options: WriteOptions = {}): Promise<IssuedToken> {
    return this.http.json({ method: 'POST', path: base, json: request, ...options });
  }

  /**
   * Tokens with their last use, newest first, revoked ones included: the
   * caller's own, or with `token.manage` everyone's (or `principal`'s).
   * @throws ModelKeepApiError `forbidden` when listing someone else's without `token.manage`
   */
  async list(query: { principal?: string } = {}, options: CallOptions = {}): Promise<ApiToken[]> {
    const { items } = await this.http.json<{ items: ApiToken[] }>({ method: 'GET', path: base, query, ...options });
    return items;
  }

  /**
   * A new secret for the same holder and scope; the old secret stops at once,
   * or after `graceSeconds`.
   * @throws ModelKeepApiError `not_found`, `invalid_state` when the token was revoked
   */
  rotate(id: string, request: RotateTokenRequest = {}, options: CallOptions = {}): Promise<IssuedToken> {
    return this.http.json({ method: 'POST', path: `${base}/${seg(id)}/rotate`, json: request, ...options });
  }

  /** Revokes a token: it stops working at once. @throws ModelKeepApiError `not_found`, `invalid_state` when already revoked */
  async revoke(id: string, options: CallOptions = {}): Promise<void> {
    await this.http.json({ method: 'DELETE', path: `${base}/${seg(id)}`, ...options });
  }
}
