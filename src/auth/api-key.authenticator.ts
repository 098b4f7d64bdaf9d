import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeyRepository } from '../store/api-key.repository.ts';
import type { Authenticator } from './authenticator.ts';
import { type Principal, ROLES, type Role } from './roles.ts';
import { TtlLru } from './ttl-lru.ts';

/**
 * API keys minted by an admin. The secret is `rgk_` + 32 random bytes (base64url); only its
 * SHA-256 hash is stored, so a leaked database does not leak usable keys. A plain (unsalted)
 * hash is enough because the secret has 256 bits of entropy: nothing to brute-force.
 *
 * Lookups are cached briefly (TTL below) so a busy dashboard does not cost a graph read per
 * request; revoking through this instance evicts at once, other instances follow within the TTL.
 * Known keys and unknown tokens are cached apart, each in a bounded LRU: a client sending
 * random bearer tokens churns only the small, short-lived cache of misses and can never push
 * real keys out (it used to empty the one cache whenever it filled).
 */
export const API_KEY_PREFIX = 'rgk_';
const CACHE_TTL_MS = 5_000;
const CACHE_MAX = 10_000;
/** Misses: few and brief, enough to absorb a client retrying one bad token in a loop. */
const MISS_TTL_MS = 1_000;
const MISS_MAX = 1_000;

export function newApiKeySecret(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export class ApiKeyAuthenticator implements Authenticator {
  readonly #keys: ApiKeyRepository;
  readonly #clock: () => number;
  readonly #known = new TtlLru<string, Principal>(CACHE_MAX, CACHE_TTL_MS);
  readonly #unknown = new TtlLru<string, true>(MISS_MAX, MISS_TTL_MS);

  constructor(keys: ApiKeyRepository, clock: () => number = Date.now) {
    this.#keys = keys;
    this.#clock = clock;
  }

  async authenticate(token: string | undefined): Promise<Principal | null> {
    if (token === undefined || !token.startsWith(API_KEY_PREFIX)) return null;
    const hash = hashApiKeySecret(token);
    const now = this.#clock();
    const cached = this.#known.get(hash, now);
    if (cached !== undefined) return cached;
    if (this.#unknown.get(hash, now) !== undefined) return null;
    const key = await this.#keys.findByHash(hash);
    // A stored role this build does not know (a newer instance wrote it) admits nothing.
    if (key === null || !isRole(key.role)) {
      this.#unknown.set(hash, true, now);
      return null;
    }
    const principal: Principal = { id: key.id, role: key.role };
    this.#known.set(hash, principal, now);
    return principal;
  }

  /** Forget a key's cached principal (after revocation). */
  evict(hash: string): void {
    this.#known.delete(hash);
  }
}

function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
