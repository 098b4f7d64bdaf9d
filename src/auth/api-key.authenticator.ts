import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeyRepository } from '../store/api-key.repository.ts';
import type { Authenticator } from './authenticator.ts';
import type { Principal } from './roles.ts';

/**
 * API keys minted by an admin. The secret is `rgk_` + 32 random bytes (base64url); only its
 * SHA-256 hash is stored, so a leaked database does not leak usable keys. A plain (unsalted)
 * hash is enough because the secret has 256 bits of entropy: nothing to brute-force.
 *
 * Lookups are cached briefly (TTL below) so a busy dashboard does not cost a graph read per
 * request; revoking through this instance evicts at once, other instances follow within the TTL.
 */
export const API_KEY_PREFIX = 'rgk_';
const CACHE_TTL_MS = 5_000;
const CACHE_MAX = 10_000;

export function newApiKeySecret(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export class ApiKeyAuthenticator implements Authenticator {
  readonly #keys: ApiKeyRepository;
  readonly #clock: () => number;
  readonly #cache = new Map<string, { principal: Principal | null; expires: number }>();

  constructor(keys: ApiKeyRepository, clock: () => number = Date.now) {
    this.#keys = keys;
    this.#clock = clock;
  }

  async authenticate(token: string | undefined): Promise<Principal | null> {
    if (token === undefined || !token.startsWith(API_KEY_PREFIX)) return null;
    const hash = hashApiKeySecret(token);
    const now = this.#clock();
    const cached = this.#cache.get(hash);
    if (cached !== undefined && cached.expires > now) return cached.principal;
    const key = await this.#keys.findByHash(hash);
    const principal = key === null ? null : { id: key.id, role: key.role };
    if (this.#cache.size >= CACHE_MAX) this.#cache.clear();
    this.#cache.set(hash, { principal, expires: now + CACHE_TTL_MS });
    return principal;
  }

  /** Forget a key's cached principal (after revocation). */
  evict(hash: string): void {
    this.#cache.delete(hash);
  }
}
