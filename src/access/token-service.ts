import { randomUUID } from 'node:crypto';
import { RegistryError } from '../errors/registry-error.js';
import type { Store } from '../store/open-store.js';
import { findGrants } from '../store/queries/find-grants.js';
import { GrantCache } from './grant-cache.js';
import { countTokens, findToken, findTokenByHash, type TokenRecord } from '../store/queries/find-token.js';
import type { WriteCommands } from '../server/write-commands.js';
import type { Writer } from '../store/write-command.js';
import type { BindingGranted, TokenCreated } from './entry-payloads.js';
import { generateToken, hashToken, isStrongEnough } from './api-token.js';
import { BOOTSTRAP_PRINCIPAL, type Grant, kindOf, type Principal, rolesAt, SYSTEM_ACTOR, type TokenScope } from './principal.js';
import { type Role, roleCovers } from './roles.js';

const DAY = 86_400_000;

/** Short by default; service accounts (CI, training jobs) longer, and rotated. */
export const tokenLifetimes = {
  user: { defaultDays: 7, maxDays: 90 },
  service: { defaultDays: 30, maxDays: 365 },
  bootstrapDays: 365,
} as const;

export interface IssueToken {
  readonly name: string;
  readonly principal: string;
  readonly roles: readonly Role[] | null;
  readonly namespaces: readonly string[] | null;
  readonly expiresInDays?: number | undefined;
}

export interface IssuedToken {
  readonly id: string;
  readonly name: string;
  readonly principal: string;
  readonly roles: readonly Role[] | null;
  readonly namespaces: readonly string[] | null;
  readonly expiresAt: string;
  /** The secret; returned here and never again. */
  readonly token: string;
}

/** Why a credential was refused, and whose it was when that is known (a revoked token still names its holder). */
export class CredentialRefused extends RegistryError {
  constructor(
    detail: string,
    readonly holder: string | undefined,
    readonly revoked: boolean,
  ) {
    super('unauthenticated', detail);
  }
}

/** How often last-use times are written: often enough for an access review, rarely enough to cost nothing per request. */
const USAGE_FLUSH_MS = 5000;

export class TokenService {
  private readonly uses = new Map<string, string>();
  private readonly flushTimer: NodeJS.Timeout;
  /** Grants per principal, for authentication; cleared whenever grants change through this server. */
  readonly grants: GrantCache;

  constructor(
    private readonly store: Store,
    private readonly writer: Writer<WriteCommands>,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.grants = new GrantCache(store.db);
    this.flushTimer = setInterval(() => void this.flushUsage().catch(() => undefined), USAGE_FLUSH_MS).unref();
  }

  /** Resolves a bearer token to its principal with its live grants, or refuses with `unauthenticated`. */
  async authenticate(secret: string): Promise<Principal> {
    const record = await findTokenByHash(this.store.db, hashToken(secret));
    const now = this.clock();
    if (record === undefined) throw new CredentialRefused('The bearer token is not valid (unknown); run `modelkeep login` with a current token', undefined, false);
    if (record.revokedAt !== null) {
      throw new CredentialRefused(`The bearer token was revoked at ${record.revokedAt}; ask for a new one`, record.principal, true);
    }
    if (record.expiresAt !== null && Date.parse(record.expiresAt) <= now.getTime()) {
      throw new CredentialRefused(`The bearer token expired at ${record.expiresAt}; rotate it (\`modelkeep token rotate\`) or ask for a new one`, record.principal, false);
    }
    const held = await this.grants.grantsOf(record.principal, [], now);
    this.uses.set(record.id, now.toISOString());
    return { id: record.principal, groups: held.groups, grants: held.grants, scope: { roles: record.roles, namespaces: record.namespaces }, tokenId: record.id, authenticatedBy: 'token' };
  }

  /** A principal's live grants, for checking what a token may be scoped to. */
  async grantsOf(principal: string): Promise<readonly Grant[]> {
    return (await findGrants(this.store.db, principal, [], this.clock().toISOString())).grants;
  }

  expiryFor(principal: string, days: number | undefined): string {
    const limits = kindOf(principal) === 'service' ? tokenLifetimes.service : tokenLifetimes.user;
    const chosen = days ?? limits.defaultDays;
    if (chosen > limits.maxDays) {
      throw new RegistryError('invalid_request', `A ${kindOf(principal)} token lives at most ${limits.maxDays} days; rotate it before it expires instead`);
    }
    return new Date(this.clock().getTime() + chosen * DAY).toISOString();
  }

  /**
   * Issues a token for `request.principal`. Its scope must be covered by the
   * holder's grants, and by the caller's own token when the caller issues for
   * itself: a token never mints a wider one.
   */
  async issue(caller: Principal, request: IssueToken): Promise<IssuedToken> {
    if (kindOf(request.principal) === 'group') throw new RegistryError('invalid_request', 'Tokens are issued to users and service accounts, not groups');
    const grants = caller.id === request.principal && caller.authenticatedBy === 'token' ? caller.grants : await this.grantsOf(request.principal);
    for (const role of request.roles ?? []) {
      const covered = grants.some((g) => roleCovers(g.role, role) && (request.namespaces === null || g.namespace === null || request.namespaces.includes(g.namespace)));
      if (!covered) {
        throw new RegistryError('invalid_request', `${request.principal} holds no ${role} grant${request.namespaces === null ? '' : ` in ${request.namespaces.join(', ')}`}; grant it first (\`modelkeep access grant ${request.principal} ${role}\`)`);
      }
    }
    for (const namespace of request.namespaces ?? []) {
      if (!grants.some((g) => g.namespace === null || g.namespace === namespace)) {
        throw new RegistryError('invalid_request', `${request.principal} holds no grant in namespace ${namespace}`);
      }
    }
    if (caller.id === request.principal) narrowerThan(caller.scope, request);
    else mayIssueFor(caller, request.principal, request.roles ?? grants.map((g) => g.role));
    // A token with no grant behind it still lets a newcomer see who they are and ask for an elevation.
    const secret = generateToken();
    const token = this.tokenPayload(request.name, request.principal, { roles: request.roles, namespaces: request.namespaces }, secret, this.expiryFor(request.principal, request.expiresInDays));
    await this.writer.write({ actor: caller.id }, 'createToken', { token, onlyIfFirst: false });
    return this.issued(token, secret);
  }

  /** A new secret, same holder and scope; the old one stops now or after `graceSeconds` (for deployments that reload). */
  async rotate(caller: Principal, id: string, options: { expiresInDays?: number | undefined; graceSeconds?: number | undefined }): Promise<IssuedToken> {
    const actor = caller.id;
    const old = await this.find(id);
    // Rotating hands the caller a working secret: the same rule as issuing one.
    if (old.principal !== caller.id) mayIssueFor(caller, old.principal, old.roles ?? (await this.grantsOf(old.principal)).map((g) => g.role));
    const secret = generateToken();
    const token = this.tokenPayload(old.name, old.principal, { roles: old.roles, namespaces: old.namespaces }, secret, this.expiryFor(old.principal, options.expiresInDays));
    const oldExpiresAt = new Date(this.clock().getTime() + (options.graceSeconds ?? 0) * 1000).toISOString();
    await this.writer.write({ actor }, 'rotateToken', { oldId: id, oldExpiresAt, token });
    return this.issued(token, secret);
  }

  async revoke(actor: string, id: string): Promise<void> {
    await this.writer.write({ actor }, 'revokeToken', { id });
  }

  async find(id: string): Promise<TokenRecord> {
    const record = await findToken(this.store.db, id);
    if (record === undefined) throw new RegistryError('not_found', `Token ${id} does not exist`);
    return record;
  }

  /**
   * On first start, makes the admin: a global admin binding for user:admin
   * and its token, the operator's own from MODELKEEP_ADMIN_TOKEN or a fresh
   * one returned so it can be printed once. Undefined when tokens exist.
   */
  async bootstrap(fromEnvironment: string | undefined): Promise<{ token: string; generated: boolean; expiresAt: string } | undefined> {
    if ((await countTokens(this.store.db)) > 0) return undefined;
    if (fromEnvironment !== undefined && !isStrongEnough(fromEnvironment)) {
      throw new RegistryError('invalid_request', 'MODELKEEP_ADMIN_TOKEN must be at least 32 printable characters; generate one with `openssl rand -base64 32`');
    }
    const secret = fromEnvironment ?? generateToken();
    const expiresAt = new Date(this.clock().getTime() + tokenLifetimes.bootstrapDays * DAY).toISOString();
    const token = this.tokenPayload('bootstrap-admin', BOOTSTRAP_PRINCIPAL, { roles: null, namespaces: null }, secret, expiresAt);
    const binding: BindingGranted = { id: 'bootstrap-admin', principal: BOOTSTRAP_PRINCIPAL, role: 'admin', namespace: null, expiresAt: null, via: 'bootstrap' };
    const outcome = await this.writer.write({ actor: SYSTEM_ACTOR }, 'createToken', { token, onlyIfFirst: true, binding });
    if (outcome.entries.length === 0) return undefined;
    return { token: secret, generated: fromEnvironment === undefined, expiresAt };
  }

  /** Writes pending last-use times; called on a timer and at shutdown. */
  async flushUsage(): Promise<void> {
    if (this.uses.size === 0) return;
    const uses = [...this.uses].map(([tokenId, at]) => ({ tokenId, at }));
    this.uses.clear();
    await this.writer.write({ actor: SYSTEM_ACTOR }, 'recordTokenUse', { uses });
  }

  async close(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.flushUsage().catch(() => undefined);
  }

  private tokenPayload(name: string, principal: string, scope: TokenScope, secret: string, expiresAt: string): TokenCreated {
    return { id: randomUUID(), name, principal, roles: scope.roles, namespaces: scope.namespaces, tokenHash: hashToken(secret), expiresAt };
  }

  private issued(token: TokenCreated, secret: string): IssuedToken {
    return { id: token.id, name: token.name, principal: token.principal, roles: token.roles, namespaces: token.namespaces ?? null, expiresAt: token.expiresAt!, token: secret };
  }
}

/**
 * A secret for someone else lets its issuer act as them. So: users get
 * theirs from themselves or the identity provider, or (to onboard people
 * without one) from a global admin; service accounts from anyone with
 * token.manage, but never a token that can do more than the issuer.
 */
function mayIssueFor(caller: Principal, holder: string, roles: readonly Role[]): void {
  const own = [...rolesAt(caller, null)];
  if (kindOf(holder) === 'user' && !own.includes('admin')) {
    throw new RegistryError('forbidden', `Only ${holder} (or a global admin) may hold a secret that acts as ${holder}; they can issue their own with \`modelkeep token create\``, { extensions: { permission: 'token.manage' } });
  }
  for (const role of new Set(roles)) {
    if (!own.some((held) => roleCovers(held, role))) {
      throw new RegistryError('forbidden', `A token for ${holder} would carry ${role}, which you do not hold globally: no one issues a credential stronger than their own`, { extensions: { permission: 'token.manage' } });
    }
  }
}

/** A token minted by a scoped token stays within that scope. */
function narrowerThan(scope: TokenScope, request: IssueToken): void {
  const rolesWithin = scope.roles === null || (request.roles !== null && request.roles.every((wanted) => scope.roles!.some((held) => roleCovers(held, wanted))));
  const namespacesWithin = scope.namespaces === null || (request.namespaces !== null && request.namespaces.every((ns) => scope.namespaces!.includes(ns)));
  if (!rolesWithin || !namespacesWithin) {
    throw new RegistryError('forbidden', 'A token cannot issue a token wider than its own scope; list roles and namespaces within it', { extensions: { permission: 'token.manage' } });
  }
}
