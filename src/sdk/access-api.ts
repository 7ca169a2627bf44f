import type {
  AccessPolicy,
  AccessReview,
  Elevation,
  ElevationRequest,
  ElevationStatus,
  GrantRequest,
  PolicyRequest,
  RoleBinding,
  RoleMatrix,
  SecurityEvent,
  SecurityEventQuery,
} from './access-types.js';
import type { CallOptions, Query, Transport } from './transport.js';

const seg = encodeURIComponent;

/**
 * Who may do what: roles bound to users, service accounts and groups,
 * added Cedar policies, time-bound elevations, access reviews and security
 * events. Changes need `grant.manage` or `policy.manage` (security-admin,
 * admin); reviews need `access.review` (auditor too).
 */
export class AccessApi {
  constructor(private readonly http: Transport) {}

  /** The permission matrix: every role with the actions it allows, and what each action means. */
  roles(options: CallOptions = {}): Promise<RoleMatrix> {
    return this.http.json({ method: 'GET', path: '/api/v1/roles', ...options });
  }

  /**
   * Grants a role globally or in one namespace; returns the binding id.
   * @throws ModelKeepApiError `already_exists` when the same binding exists, `not_found` for an unknown namespace, `forbidden`
   */
  grant(request: GrantRequest, options: CallOptions = {}): Promise<{ id: string }> {
    return this.http.json({ method: 'POST', path: '/api/v1/bindings', json: request, ...options });
  }

  /** Role bindings, by principal (exactly as bound: a group's members are not expanded) or namespace. @throws ModelKeepApiError `forbidden` */
  async bindings(query: { principal?: string; namespace?: string } = {}, options: CallOptions = {}): Promise<RoleBinding[]> {
    const { items } = await this.http.json<{ items: RoleBinding[] }>({ method: 'GET', path: '/api/v1/bindings', query, ...options });
    return items;
  }

  /** Revokes a binding: it stops counting at once. @throws ModelKeepApiError `not_found`, `forbidden` */
  async revokeBinding(id: string, request: { reason?: string } = {}, options: CallOptions = {}): Promise<void> {
    await this.http.json({ method: 'DELETE', path: `/api/v1/bindings/${seg(id)}`, query: request, ...options });
  }

  /** Adds `user:…` or `service:…` to `group:…`: it takes on the group's grants. @throws ModelKeepApiError `already_exists`, `forbidden` */
  async addMember(group: string, member: string, options: CallOptions = {}): Promise<void> {
    await this.http.json({ method: 'PUT', path: membersPath(group, member), ...options });
  }

  /** @throws ModelKeepApiError `not_found` when not a member, `forbidden` */
  async removeMember(group: string, member: string, options: CallOptions = {}): Promise<void> {
    await this.http.json({ method: 'DELETE', path: membersPath(group, member), ...options });
  }

  /** The policies admins added, by id (the built-in ones are not listed). @throws ModelKeepApiError `forbidden` */
  async policies(options: CallOptions = {}): Promise<AccessPolicy[]> {
    const { items } = await this.http.json<{ items: WirePolicy[] }>({ method: 'GET', path: '/api/v1/policies', ...options });
    return items.map(policyOf);
  }

  /**
   * Adds or replaces the Cedar policy `id` (lower-case letters, digits, dashes).
   * @throws ModelKeepApiError `invalid_request` with the parse error when the text does not parse, `forbidden`
   */
  async setPolicy(id: string, request: PolicyRequest, options: CallOptions = {}): Promise<void> {
    await this.http.json({ method: 'PUT', path: `/api/v1/policies/${seg(id)}`, json: request, ...options });
  }

  /** @throws ModelKeepApiError `not_found`, `forbidden` */
  async removePolicy(id: string, options: CallOptions = {}): Promise<void> {
    await this.http.json({ method: 'DELETE', path: `/api/v1/policies/${seg(id)}`, ...options });
  }

  /**
   * Asks for a role for a bounded time; a security admin other than the
   * requester approves. Returns the request id.
   * @throws ModelKeepApiError `forbidden` with a scoped token, `not_found` for an unknown namespace
   */
  requestElevation(request: ElevationRequest, options: CallOptions = {}): Promise<{ id: string }> {
    return this.http.json({ method: 'POST', path: '/api/v1/elevations', json: request, ...options });
  }

  /** Elevation requests, newest first: your own, or everyone's you may approve. */
  async elevations(query: { status?: ElevationStatus; limit?: number } = {}, options: CallOptions = {}): Promise<Elevation[]> {
    const { items } = await this.http.json<{ items: Elevation[] }>({ method: 'GET', path: '/api/v1/elevations', query, ...options });
    return items;
  }

  /**
   * Approves: the role is granted from now for the time asked, then lapses.
   * @throws ModelKeepApiError `forbidden` for the requester (separation of duties) or without `elevation.approve`, `invalid_state` when already decided
   */
  approveElevation(id: string, reason: string, options: CallOptions = {}): Promise<Elevation> {
    return this.http.json({ method: 'POST', path: `/api/v1/elevations/${seg(id)}/approve`, json: { reason }, ...options });
  }

  /** @throws ModelKeepApiError `forbidden`, `invalid_state` when already decided */
  denyElevation(id: string, reason: string, options: CallOptions = {}): Promise<Elevation> {
    return this.http.json({ method: 'POST', path: `/api/v1/elevations/${seg(id)}/deny`, json: { reason }, ...options });
  }

  /** Who holds what, through what, last used when; flags grants unused for `unusedDays` (default 90) and stale tokens. @throws ModelKeepApiError `forbidden` */
  review(query: { unusedDays?: number } = {}, options: CallOptions = {}): Promise<AccessReview> {
    return this.http.json({ method: 'GET', path: '/api/v1/access/review', query, ...options });
  }

  /** Security events, newest first. @throws ModelKeepApiError `forbidden` without `security.read` */
  async securityEvents(query: SecurityEventQuery = {}, options: CallOptions = {}): Promise<SecurityEvent[]> {
    const { items } = await this.http.json<{ items: SecurityEvent[] }>({ method: 'GET', path: '/api/v1/security/events', query: query as Query, ...options });
    return items;
  }
}

const membersPath = (group: string, member: string): string => `/api/v1/groups/${seg(group)}/members/${seg(member)}`;

/**
 * The policy list answers with the stored row: snake_case times and the
 * id prefixed `custom:`, while PUT and DELETE take the bare id. Both spellings
 * are read, so this keeps working once the route answers in the API's style.
 */
type WirePolicy = { id: string; text: string; description: string } & ({ updatedAt: string; updatedBy: string } | { updated_at: string; updated_by: string });

const CUSTOM_PREFIX = 'custom:';

function policyOf(row: WirePolicy): AccessPolicy {
  const id = row.id.startsWith(CUSTOM_PREFIX) ? row.id.slice(CUSTOM_PREFIX.length) : row.id;
  const updated = 'updatedAt' in row ? { updatedAt: row.updatedAt, updatedBy: row.updatedBy } : { updatedAt: row.updated_at, updatedBy: row.updated_by };
  return { id, text: row.text, description: row.description, ...updated };
}
