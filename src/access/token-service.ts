import { randomUUID } from 'node:crypto';
import { RegistryError } from '../errors/registry-error.js';
import type { Store } from '../store/open-store.js';
import { countTokens, findTokenByHash } from '../store/queries/find-token.js';
import type { WriteCommands } from '../server/write-commands.js';
import type { Writer } from '../store/write-command.js';
import type { TokenCreated } from './entry-payloads.js';
import { generateToken, hashToken, isStrongEnough } from './api-token.js';
import { BOOTSTRAP_PRINCIPAL, type Principal, type Role, SYSTEM_ACTOR, roles as knownRoles } from './principal.js';

export interface IssueToken {
  readonly name: string;
  readonly principal: string;
  readonly roles: readonly Role[];
  readonly expiresAt: string | null;
}

export interface IssuedToken {
  readonly id: string;
  readonly name: string;
  readonly principal: string;
  readonly roles: readonly Role[];
  readonly expiresAt: string | null;
  /** The secret; returned here and never again. */
  readonly token: string;
}

export class TokenService {
  constructor(
    private readonly store: Store,
    private readonly writer: Writer<WriteCommands>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Resolves a bearer token to its principal, or refuses with `unauthenticated`. */
  async authenticate(token: string): Promise<Principal> {
    const record = await findTokenByHash(this.store.db, hashToken(token));
    if (record === undefined || record.revokedAt !== null) {
      throw new RegistryError('unauthenticated', 'The bearer token is not valid (unknown or revoked); run `modelkeep login` with a current token');
    }
    if (record.expiresAt !== null && Date.parse(record.expiresAt) <= this.clock().getTime()) {
      throw new RegistryError('unauthenticated', `The bearer token expired at ${record.expiresAt}; ask an admin for a new one`);
    }
    return { id: record.principal, roles: record.roles.filter((r): r is Role => (knownRoles as readonly string[]).includes(r)), tokenId: record.id };
  }

  async issue(actor: string, request: IssueToken, secret = generateToken(), onlyIfFirst = false): Promise<IssuedToken | undefined> {
    const id = randomUUID();
    const token: TokenCreated = { id, name: request.name, principal: request.principal, roles: request.roles, tokenHash: hashToken(secret), expiresAt: request.expiresAt };
    const outcome = await this.writer.write({ actor }, 'createToken', { token, onlyIfFirst });
    if (outcome.entries.length === 0) return undefined;
    return { id, name: request.name, principal: request.principal, roles: request.roles, expiresAt: request.expiresAt, token: secret };
  }

  async revoke(actor: string, id: string): Promise<void> {
    await this.writer.write({ actor }, 'revokeToken', { id });
  }

  /**
   * On first start, makes the admin token: the operator's own from
   * MODELKEEP_ADMIN_TOKEN, or a fresh one returned so it can be printed once.
   * Returns undefined when tokens already exist.
   */
  async bootstrap(fromEnvironment: string | undefined): Promise<{ token: string; generated: boolean } | undefined> {
    if ((await countTokens(this.store.db)) > 0) return undefined;
    if (fromEnvironment !== undefined && !isStrongEnough(fromEnvironment)) {
      throw new RegistryError('invalid_request', 'MODELKEEP_ADMIN_TOKEN must be at least 32 printable characters; generate one with `openssl rand -base64 32`');
    }
    const secret = fromEnvironment ?? generateToken();
    const issued = await this.issue(SYSTEM_ACTOR, { name: 'bootstrap-admin', principal: BOOTSTRAP_PRINCIPAL, roles: ['admin'], expiresAt: null }, secret, true);
    if (issued === undefined) return undefined;
    return { token: secret, generated: fromEnvironment === undefined };
  }
}
