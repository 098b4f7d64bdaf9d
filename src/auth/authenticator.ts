import { createHash, timingSafeEqual } from 'node:crypto';
import { type Principal, Role } from './roles.ts';

export interface Authenticator {
  /** The principal a bearer token stands for, or null. */
  authenticate(token: string | undefined): Promise<Principal | null>;
}

/** Reads `Authorization: Bearer <token>`. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * The bootstrap admin token. Compared as SHA-256 digests in constant time, so neither the
 * token's length nor its prefix leaks through timing.
 */
export class AdminTokenAuthenticator implements Authenticator {
  readonly #digest: Buffer;

  constructor(adminToken: string) {
    this.#digest = createHash('sha256').update(adminToken).digest();
  }

  async authenticate(token: string | undefined): Promise<Principal | null> {
    if (token === undefined || token.length === 0) return null;
    const digest = createHash('sha256').update(token).digest();
    return timingSafeEqual(digest, this.#digest) ? { id: 'admin', role: Role.ADMIN } : null;
  }
}

/** Tries each authenticator in turn: the bootstrap admin token, then API keys. */
export class ChainAuthenticator implements Authenticator {
  readonly #chain: readonly Authenticator[];

  constructor(chain: readonly Authenticator[]) {
    this.#chain = chain;
  }

  async authenticate(token: string | undefined): Promise<Principal | null> {
    for (const authenticator of this.#chain) {
      const principal = await authenticator.authenticate(token);
      if (principal !== null) return principal;
    }
    return null;
  }
}
