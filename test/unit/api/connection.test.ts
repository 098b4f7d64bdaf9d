import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, is, pageSize, toConnection } from '../../../src/api/connection.ts';
import { parseEntityId, parseEntityOrUserId, parseUserId, toGlobalId } from '../../../src/api/global-id.ts';
import { RISK_LEVEL_THRESHOLDS, riskLevelOf } from '../../../src/api/risk-level.ts';

const position = is.shape<{ score: number; id: string }>({ score: is.number, id: is.string });

describe('Relay connections', () => {
  it('round-trips a keyset position through an opaque cursor', () => {
    const cursor = encodeCursor('leaderboard', { score: 55.5, id: 'bob' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor('leaderboard', cursor, position)).toEqual({ score: 55.5, id: 'bob' });
    expect(decodeCursor('leaderboard', null, position)).toBeNull();
  });

  it('refuses cursors of another list, of another shape, or not cursors at all, naming the argument', () => {
    expect(() => decodeCursor('leaderboard', encodeCursor('alerts', { score: 1, id: 'x' }), position)).toThrow(
      'after: is not a cursor of this list (leaderboard)',
    );
    expect(() => decodeCursor('leaderboard', encodeCursor('leaderboard', { score: 'high', id: 'x' }), position)).toThrow('after:');
    expect(() => decodeCursor('leaderboard', encodeCursor('leaderboard', { score: 1, id: 'x', extra: 1 }), position)).toThrow('after:');
    expect(() => decodeCursor('leaderboard', '%%%', position)).toThrow('after: is not a cursor returned by this API');
  });

  it('checks page sizes against the maximum', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(100)).toBe(100);
    expect(() => pageSize(101)).toThrow('first: 101 exceeds the maximum page size of 100');
    expect(() => pageSize(0)).toThrow('first: must be between 1 and 100, got 0');
  });

  it('builds edges and page info from one item more than the page', () => {
    const items = [1, 2, 3];
    const page = toConnection(items, 2, 'n', (n) => n, (n) => ({ node: n }));
    expect(page.edges.map((e) => e.node)).toEqual([1, 2]);
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: encodeCursor('n', 2) });
    expect(toConnection([], 2, 'n', (n: number) => n, (n) => ({ node: n })).pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  });
});

describe('typed global ids', () => {
  it('types every entity id and accepts plain keys only for users', () => {
    expect(toGlobalId('Asset', 'FIN-DB-02')).toBe('Asset:FIN-DB-02');
    expect(parseEntityId('Asset:FIN-DB-02', 'id')).toEqual({ type: 'Asset', id: 'FIN-DB-02' });
    expect(parseEntityId('Asset:https://x:8080', 'id')).toEqual({ type: 'Asset', id: 'https://x:8080' });
    expect(() => parseEntityId('FIN-DB-02', 'id')).toThrow("id: 'FIN-DB-02' is not a typed id");
    expect(parseEntityOrUserId('alice')).toEqual({ type: 'User', id: 'alice' });
    expect(parseUserId('User:alice', 'id')).toBe('alice');
    expect(parseUserId('corp:alice', 'id')).toBe('corp:alice'); // not a type prefix: a plain key
    expect(() => parseUserId('Device:WS-1', 'filter.userId')).toThrow("filter.userId: 'Device:WS-1' is a Device id, not a user id");
  });
});

describe('risk levels', () => {
  it('bands the 0–100 score', () => {
    expect([0, 24.9, 25, 49.9, 50, 74.9, 75, 100].map(riskLevelOf)).toEqual(['LOW', 'LOW', 'MODERATE', 'MODERATE', 'HIGH', 'HIGH', 'CRITICAL', 'CRITICAL']);
    expect(RISK_LEVEL_THRESHOLDS.map((t) => t.level)).toEqual(['CRITICAL', 'HIGH', 'MODERATE', 'LOW']);
  });
});
