export interface TokenCreated {
  readonly id: string;
  readonly name: string;
  readonly principal: string;
  readonly roles: readonly string[];
  /** SHA-256 of a 256-bit random secret: publishing it reveals nothing usable. */
  readonly tokenHash: string;
  readonly expiresAt: string | null;
}

export interface TokenRevoked {
  readonly id: string;
}
