import { describe, expect, it } from 'vitest';
import { ApiKeyAuthenticator, hashApiKeySecret, newApiKeySecret } from '../../../src/auth/api-key.authenticator.ts';
import { TtlLru } from '../../../src/auth/ttl-lru.ts';
import type { ApiKeyRepository } from '../../../src/store/api-key.repository.ts';

/** An in-memory key table that counts its lookups: what the cache saves is graph reads. */
function keyTable(keys: Record<string, string>) {
  const byHash = new Map(Object.entries(keys).map(([secret, id]) => [hashApiKeySecret(secret), id]));
  let lookups = 0;
  const repository: Pick<ApiKeyRepository, 'findByHash'> = {
    findByHash: async (hash) => {
      lookups++;
      const id = byHash.get(hash);
      return id === undefined ? null : { id, role: 'ANALYST' };
    },
  };
  return { repository: repository as ApiKeyRepository, lookups: () => lookups };
}

describe('ApiKeyAuthenticator cache', () => {
  it('keeps known keys cached while a flood of random bearer tokens goes by', async () => {
    const secret = newApiKeySecret();
    const table = keyTable({ [secret]: 'key-1' });
    let now = 0;
    const auth = new ApiKeyAuthenticator(table.repository, () => now);
    expect(await auth.authenticate(secret)).toEqual({ id: 'key-1', role: 'ANALYST' });
    expect(table.lookups()).toBe(1);
    for (let i = 0; i < 25_000; i++) expect(await auth.authenticate(newApiKeySecret())).toBeNull();
    const before = table.lookups();
    now = 4_000;
    expect(await auth.authenticate(secret)).toEqual({ id: 'key-1', role: 'ANALYST' });
    expect(table.lookups()).toBe(before); // served from the cache: the flood did not flush it
  });

  it('caches a miss only briefly, and a known key until its TTL', async () => {
    const secret = newApiKeySecret();
    const table = keyTable({ [secret]: 'key-1' });
    let now = 0;
    const auth = new ApiKeyAuthenticator(table.repository, () => now);
    const stranger = newApiKeySecret();
    await auth.authenticate(stranger);
    await auth.authenticate(stranger);
    expect(table.lookups()).toBe(1);
    now = 1_001;
    await auth.authenticate(stranger);
    expect(table.lookups()).toBe(2);
    await auth.authenticate(secret);
    now = 6_500;
    await auth.authenticate(secret);
    expect(table.lookups()).toBe(4);
  });

  it('does not look up tokens that are not API keys, and forgets an evicted key at once', async () => {
    const secret = newApiKeySecret();
    const table = keyTable({ [secret]: 'key-1' });
    const auth = new ApiKeyAuthenticator(table.repository, () => 0);
    expect(await auth.authenticate('Bearer-ish nonsense')).toBeNull();
    expect(await auth.authenticate(undefined)).toBeNull();
    expect(table.lookups()).toBe(0);
    await auth.authenticate(secret);
    auth.evict(hashApiKeySecret(secret));
    await auth.authenticate(secret);
    expect(table.lookups()).toBe(2);
  });
});

describe('TtlLru', () => {
  it('evicts the least recently used entry and expires entries', () => {
    const lru = new TtlLru<string, number>(2, 100);
    lru.set('a', 1, 0);
    lru.set('b', 2, 0);
    expect(lru.get('a', 10)).toBe(1); // a is now the most recently used
    lru.set('c', 3, 10);
    expect(lru.get('b', 10)).toBeUndefined();
    expect(lru.get('a', 10)).toBe(1);
    expect(lru.get('c', 10)).toBe(3);
    expect(lru.size).toBe(2);
    expect(lru.get('c', 110)).toBeUndefined();
    expect(lru.size).toBe(1);
  });
});
