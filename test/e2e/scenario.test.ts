import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from '../../src/main.ts';
import { TEST_ADMIN_TOKEN, testServer } from '../support/runtime.ts';
import { DAY, ecsLine, iso, MIN, routineDays, usbExfiltration } from '../support/behaviour.ts';
import { collect, gqlData, until, wsClient } from './graphql-support.ts';

/**
 * The product end to end, as its users meet it, over real HTTP and WebSocket against the real
 * Neo4j and Redis: events go in through POST /ingest; an analyst's dashboard, subscribed over
 * graphql-ws, receives the alert the pipeline raises for a terminated employee's logon; the
 * analyst reads the session's explanation (contributions that add up to its score) and its
 * timeline; HR then records that another user had given notice before copying hundreds of
 * files to USB, and the dashboard sees that user's risk rise, kept in the risk history.
 */
const start = Math.floor((Date.now() - 25 * DAY) / DAY) * DAY;

function events(): string[] {
  // vera: 18 routine days (a mature baseline), then a session copying 300 files to USB.
  const lines = [...routineDays('vera', start, 18), ...usbExfiltration('vera', start + 20 * DAY + 10 * 60 * MIN, 300)];
  // tom: terminated yesterday, logs on today and reaches the payroll database.
  const today = start + 24 * DAY;
  lines.push(
    JSON.stringify({
      '@timestamp': iso(today - 12 * 60 * MIN),
      event: { id: 'tom-hr', category: 'iam', action: 'hr_update', outcome: 'success' },
      user: { name: 'tom' },
      riskgraph: { hr: { name: 'Tom Gone', status: 'TERMINATED', effective_date: iso(today - DAY).slice(0, 10), last_day: iso(today - 2 * DAY).slice(0, 10) } },
    }),
  );
  lines.push(ecsLine('tom', 't1', today + 9 * 60 * MIN, 'authentication', 'logon'));
  lines.push(ecsLine('tom', 't2', today + 9 * 60 * MIN + 5 * MIN, 'network', 'app_access', { destination: { address: 'PAYROLL-DB' } }));
  lines.push(ecsLine('tom', 't3', today + 9 * 60 * MIN + 9 * MIN, 'network', 'app_access', { destination: { address: 'HR-FILES' } }));
  lines.push(ecsLine('tom', 't4', today + 9 * 60 * MIN + 30 * MIN, 'authentication', 'logoff'));
  return lines.sort((a, b) => (JSON.parse(a)['@timestamp'] as string).localeCompare(JSON.parse(b)['@timestamp'] as string));
}

describe('a scenario end to end over HTTP and WebSocket', () => {
  let server: Server;

  beforeAll(async () => {
    server = await testServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('raises the alert live, explains it, and moves a user’s risk when HR reports a departure', { timeout: 240_000 }, async () => {
    const client = wsClient(server);
    try {
      const alerts = collect(client, `subscription { alertRaised(filter: {minSeverity: HIGH}) { id severity score reasons user { key } session { id } } }`);
      const changes = collect(client, `subscription { riskScoreChanged(filter: {userId: "vera"}) { user { key } previousScore score level } }`);
      await until(() => server.api.pubsub.subscriberCount('alert-raised') === 1 && server.api.pubsub.subscriberCount('risk-score-changed') === 1, 30_000, 'the subscriptions');

      const response = await fetch(`${server.url}/ingest?format=ecs&wait=true`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/x-ndjson' },
        body: events().join('\n'),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ duplicates: 0, deadLetters: 0 });

      // vera's exfiltration may raise its alert first (users are scored on their own partitions).
      type Raised = { alertRaised: { severity: string; user: { key: string }; session: { id: string } | null } };
      const tomAlert = (
        await alerts.waitForMatch((d: Raised) => d.alertRaised.user.key === 'tom' && d.alertRaised.session !== null, { timeoutMs: 90_000, what: "tom's session alert" })
      ).alertRaised;
      expect(['HIGH', 'CRITICAL']).toContain(tomAlert.severity);

      const { session } = await gqlData(
        server,
        `query ($id: ID!) { session(id: $id) { id score user { key riskLevel stepDownAccess }
            explanation { score contributions { indicatorId reason value unscored weights { anchor calibrationProduct downWeight } } }
            timeline(first: 10) { edges { node { id } } } } }`,
        { id: tomAlert.session!.id },
      );
      expect(session.user).toEqual({ key: 'tom', riskLevel: 'CRITICAL', stepDownAccess: true });
      const contributions = session.explanation.contributions as Array<{ indicatorId: string; value: number; reason: string }>;
      const cents = contributions.reduce((sum, c) => sum + Math.round(c.value * 100), 0);
      expect(Math.round(session.score * 100)).toBe(cents);
      expect(session.explanation.score).toBe(session.score);
      expect(contributions[0]).toMatchObject({ indicatorId: 'activity-after-termination', value: 60 });
      expect(contributions[0]!.reason).toMatch(/terminat/i);
      expect(session.timeline.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(['t1', 't2', 't3', 't4']);

      const before = await gqlData(server, `{ user(id: "vera") { riskScore riskLevel } }`);
      const seen = changes.results.length;
      await gqlData(server, `mutation ($input: EmploymentStatusInput!) { setEmploymentStatus(input: $input) { status } }`, {
        input: { userId: 'vera', status: 'NOTICE_GIVEN', effectiveDate: iso(start + 19 * DAY), lastDay: iso(Date.now() + 10 * DAY) },
      });
      // The first change away from the risk read above (a late one from the ingest would repeat it).
      type Changed = { riskScoreChanged: { previousScore: number; score: number } };
      const moved = (
        await changes.waitForMatch((d: Changed) => Math.abs(d.riskScoreChanged.score - before.user.riskScore) >= 0.005, {
          timeoutMs: 90_000,
          what: "vera's risk change after the HR update",
          from: seen,
        })
      ).riskScoreChanged;
      expect(moved.previousScore).toBeCloseTo(before.user.riskScore, 2);
      expect(moved.score).toBeGreaterThan(moved.previousScore);
      const after = await gqlData(server, `{ user(id: "vera") { riskScore riskHistory(first: 5) { edges { node { score previousScore } } } } }`);
      expect(after.user.riskScore).toBeCloseTo(moved.score, 2);
      expect(after.user.riskHistory.edges[0].node).toMatchObject({ score: moved.score });
    } finally {
      await client.dispose();
    }
  });
});
