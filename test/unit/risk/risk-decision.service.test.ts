import { describe, expect, it } from 'vitest';
import { Topic } from '../../../src/api/pubsub/topics.ts';
import { DomainError, ErrorCode } from '../../../src/errors.ts';
import type { Logger } from '../../../src/logger.ts';
import { RiskDecisionService } from '../../../src/risk/risk-decision.service.ts';
import { RiskStateCache } from '../../../src/risk/risk-state.cache.ts';
import type { AuditEntry } from '../../../src/store/audit.repository.ts';
import type { RiskStateRecord, RiskStateRepository } from '../../../src/store/risk-state.repository.ts';

/**
 * The service's own logic over in-memory stand-ins for its ports (the graph-backed repository
 * and Redis pub/sub are exercised end to end in test/e2e/graphql-risk-decision.test.ts).
 */
const T0 = Date.UTC(2026, 4, 4, 9);
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} } as unknown as Logger;

function user(id: string, riskScore: number, status: string | null = 'ACTIVE'): RiskStateRecord {
  return { user: { id, riskScore, employmentStatus: status, statusEffective: null, lastDay: null }, changes: [], devices: [], sessions: [] };
}

class MemoryRepository implements RiskStateRepository {
  users = new Map<string, RiskStateRecord>();
  byIdCalls: string[][] = [];
  failing = false;
  gate: Promise<void> = Promise.resolve();

  async page(after: string, limit: number): Promise<RiskStateRecord[]> {
    return [...this.users.values()].filter((r) => r.user.id > after).sort((a, b) => (a.user.id < b.user.id ? -1 : 1)).slice(0, limit);
  }

  async byIds(ids: readonly string[]): Promise<RiskStateRecord[]> {
    this.byIdCalls.push([...ids]);
    await this.gate;
    if (this.failing) throw new DomainError(ErrorCode.STORE_UNAVAILABLE, 'the graph store is unavailable');
    return ids.flatMap((id) => this.users.get(id) ?? []);
  }
}

class MemoryPubSub {
  listeners = new Map<string, Array<(event: unknown) => void>>();
  async listen<T>(topic: string, listener: (event: T) => void) {
    const list = this.listeners.get(topic) ?? [];
    list.push(listener as (event: unknown) => void);
    this.listeners.set(topic, list);
    return () => {};
  }
  emit(topic: string, event: unknown) {
    for (const listener of this.listeners.get(topic) ?? []) listener(event);
  }
}

async function setup() {
  const repository = new MemoryRepository();
  repository.users.set('alice', user('alice', 10));
  repository.users.set('bob', user('bob', 95));
  const pubsub = new MemoryPubSub();
  const audit: AuditEntry[] = [];
  const service = new RiskDecisionService({
    repository,
    cache: new RiskStateCache({ unknownTtlMs: 60_000, maxUnknown: 100, now: Date.now }),
    audit: { enqueue: (entry) => void audit.push(entry) },
    pubsub,
    log: silent,
    clock: () => T0,
    options: { pageSize: 1 },
  });
  await service.start();
  await service.ready();
  return { repository, pubsub, audit, service };
}

const ask = (userId: string) => ({ userId, time: T0 });

describe('risk decision service', () => {
  it('loads every user in pages and answers from memory, auditing each decision', async () => {
    const { repository, audit, service } = await setup();
    expect(service.size).toBe(2);
    expect(await service.decide(ask('alice'), 'idp-key')).toEqual({ decision: 'ALLOW', riskScore: 10, riskLevel: 'LOW', reasons: ['user risk 10 (LOW)'], decidedAt: T0 });
    expect((await service.decide(ask('bob'), 'idp-key')).decision).toBe('DENY');
    expect(repository.byIdCalls).toEqual([]);
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({ actor: 'idp-key', action: 'Query.riskDecision', target: 'alice', outcome: 'OK', details: { decision: 'ALLOW', knownUser: true } });
    await service.close();
  });

  it('follows risk changes and HR changes from the streams', async () => {
    const { repository, pubsub, service } = await setup();
    pubsub.emit(Topic.RISK_SCORE_CHANGED, { user: 'alice', previousScore: 10, score: 60, changedAt: T0, reasons: [] });
    expect((await service.decide(ask('alice'), 'idp')).decision).toBe('STEP_UP');
    repository.users.set('alice', user('alice', 60, 'TERMINATED'));
    pubsub.emit(Topic.HR_CHANGED, { users: ['alice'], at: T0 });
    expect(await service.decide(ask('alice'), 'idp')).toMatchObject({ decision: 'DENY', reasons: ['employment terminated'] });
    expect(repository.byIdCalls).toEqual([['alice']]); // the refresh, shared by the decision
    await service.close();
  });

  it('reads an unknown key once, shares concurrent reads, and steps it up', async () => {
    const { repository, pubsub, audit, service } = await setup();
    let open!: () => void;
    repository.gate = new Promise((resolve) => (open = resolve));
    const decisions = Promise.all([service.decide(ask('carol'), 'idp'), service.decide(ask('carol'), 'idp')]);
    open();
    for (const d of await decisions) expect(d).toMatchObject({ decision: 'STEP_UP', riskScore: 50, reasons: ['unknown user carol'] });
    await service.decide(ask('carol'), 'idp');
    expect(repository.byIdCalls).toEqual([['carol']]);
    expect(audit.at(-1)?.details).toMatchObject({ knownUser: false });
    // A user created later stays unknown until the finding lapses or an HR change names them.
    repository.users.set('carol', user('carol', 0));
    expect((await service.decide(ask('carol'), 'idp')).decision).toBe('STEP_UP');
    expect(repository.byIdCalls).toHaveLength(1);
    pubsub.emit(Topic.HR_CHANGED, { users: ['carol'], at: T0 });
    expect((await service.decide(ask('carol'), 'idp')).decision).toBe('ALLOW');
    await service.close();
  });

  it('steps up, saying so, when a user it does not hold cannot be read', async () => {
    const { repository, service } = await setup();
    repository.failing = true;
    expect(await service.decide(ask('dave'), 'idp')).toMatchObject({ decision: 'STEP_UP', reasons: ['risk state unavailable for dave'] });
    repository.failing = false;
    repository.users.set('dave', user('dave', 5));
    expect(await service.decide(ask('dave'), 'idp')).toMatchObject({ decision: 'ALLOW', riskScore: 5 });
    await service.close();
  });

  it('drops users gone from the graph at the next reload', async () => {
    const { repository, service } = await setup();
    repository.users.delete('bob');
    await service.reload();
    expect(service.size).toBe(1);
    await service.close();
  });
});
