import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from '../../src/main.ts';
import { Neo4jHrRepository } from '../../src/store/hr.repository.ts';
import { testServer } from '../support/runtime.ts';
import { gqlData } from './graphql-support.ts';

/**
 * HR integrations over GraphQL: directory sync and employment status, single and bulk, with a
 * history so a status is in force from its effective date whatever order changes arrive in,
 * future-dated changes applied when due, and every change audited.
 */
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('GraphQL HR mutations', () => {
  let server: Server;
  const now = Date.now();

  beforeAll(async () => {
    server = await testServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  const USER = `query ($id: ID!) { user(id: $id) { key name department title location manager { key } employmentStatus statusEffective lastDay
    employmentHistory { edges { node { status effectiveDate lastDay recordedBy current } } } } }`;
  const SET = `mutation ($input: EmploymentStatusInput!) { setEmploymentStatus(input: $input) { userId status effectiveDate lastDay recordedBy current } }`;

  it('syncs directory records, keeping fields a later record leaves out', async () => {
    const first = await gqlData(server, `mutation ($users: [UserInput!]!) { upsertUsers(users: $users) { count userIds } }`, {
      users: [
        { id: 'boss', name: 'Boss B' },
        { id: 'hank', name: 'Hank H', department: 'Finance', title: 'Analyst', manager: 'boss', location: 'Berlin' },
      ],
    });
    expect(first.upsertUsers).toEqual({ count: 2, userIds: ['boss', 'hank'] });
    await gqlData(server, `mutation { upsertUsers(users: [{id: "User:hank", title: "Senior Analyst"}]) { count } }`);
    const { user } = await gqlData(server, USER, { id: 'hank' });
    expect(user).toMatchObject({ name: 'Hank H', department: 'Finance', title: 'Senior Analyst', location: 'Berlin', manager: { key: 'boss' } });
    expect(user).toMatchObject({ employmentStatus: 'ACTIVE', employmentHistory: { edges: [] } });
  });

  it('puts a status in force from its effective date, whatever order the changes arrive in', async () => {
    const notice = await gqlData(server, SET, {
      input: { userId: 'hank', status: 'NOTICE_GIVEN', effectiveDate: iso(now - 10 * DAY), lastDay: iso(now + 20 * DAY) },
    });
    expect(notice.setEmploymentStatus).toEqual({
      userId: 'hank',
      status: 'NOTICE_GIVEN',
      effectiveDate: iso(now - 10 * DAY),
      lastDay: iso(now + 20 * DAY),
      recordedBy: 'admin',
      current: true,
    });
    // An older change pushed late does not override the newer one.
    const late = await gqlData(server, SET, { input: { userId: 'hank', status: 'ACTIVE', effectiveDate: iso(now - 400 * DAY) } });
    expect(late.setEmploymentStatus.current).toBe(false);
    // A future termination is recorded but not yet in force.
    const future = await gqlData(server, SET, {
      input: { userId: 'hank', status: 'TERMINATED', effectiveDate: iso(now + 20 * DAY), lastDay: iso(now + 20 * DAY) },
    });
    expect(future.setEmploymentStatus.current).toBe(false);
    // The same change pushed again is recorded once.
    await gqlData(server, SET, { input: { userId: 'hank', status: 'ACTIVE', effectiveDate: iso(now - 400 * DAY) } });

    const { user } = await gqlData(server, USER, { id: 'hank' });
    expect(user).toMatchObject({ employmentStatus: 'NOTICE_GIVEN', statusEffective: iso(now - 10 * DAY), lastDay: iso(now + 20 * DAY) });
    expect(user.employmentHistory.edges.map((e: { node: { status: string; current: boolean } }) => [e.node.status, e.node.current])).toEqual([
      ['TERMINATED', false],
      ['NOTICE_GIVEN', true],
      ['ACTIVE', false],
    ]);

    // When the termination falls due, the refresh job (HrRepository.refreshDue) puts it in force.
    const hr = new Neo4jHrRepository(server.runtime.executor);
    expect(await hr.refreshDue(now, now + 21 * DAY)).toEqual(['hank']);
    expect((await gqlData(server, USER, { id: 'hank' })).user.employmentStatus).toBe('TERMINATED');
  });

  it('records bulk changes in one call and audits each HR mutation', async () => {
    const { setEmploymentStatuses } = await gqlData(
      server,
      `mutation ($inputs: [EmploymentStatusInput!]!) { setEmploymentStatuses(inputs: $inputs) { userId status current } }`,
      {
        inputs: [
          { userId: 'ivy', status: 'ON_LEAVE', effectiveDate: iso(now - DAY) },
          { userId: 'jon', status: 'TERMINATED', effectiveDate: iso(now - 2 * DAY), lastDay: iso(now - 2 * DAY) },
          { userId: 'User:kim', status: 'ACTIVE', effectiveDate: iso(now - 3 * DAY) },
        ],
      },
    );
    expect(setEmploymentStatuses).toEqual([
      { userId: 'ivy', status: 'ON_LEAVE', current: true },
      { userId: 'jon', status: 'TERMINATED', current: true },
      { userId: 'kim', status: 'ACTIVE', current: true },
    ]);
    const { auditTrail } = await gqlData(server, `{ auditTrail(first: 60) { edges { node { actor action target outcome details } } } }`);
    // The mutations' own entries (the re-scoring they queue audits itself as system:scoring).
    const entries = auditTrail.edges.map((e: { node: { action: string; actor: string } }) => e.node).filter((e: { actor: string }) => e.actor === 'admin');
    expect(entries[0]).toMatchObject({ actor: 'admin', action: 'Mutation.setEmploymentStatuses', outcome: 'OK', details: { count: 3 } });
    expect(entries.filter((e: { action: string }) => e.action === 'Mutation.setEmploymentStatus')).toHaveLength(4);
    expect(entries.filter((e: { action: string }) => e.action === 'Mutation.upsertUsers')).toHaveLength(2);
    expect(entries.find((e: { action: string; details: { status?: string } }) => e.details.status === 'TERMINATED')).toMatchObject({ target: 'hank' });
  });
});
