import { afterEach, describe, expect, it } from 'vitest';
import type { Server } from '../../src/main.ts';
import { TEST_ADMIN_TOKEN, graphQuery, testServer } from '../support/runtime.ts';
import { DAY, ecsLine, MIN } from '../support/behaviour.ts';

/**
 * A backfill through the server as a deployment runs it (`riskgraph serve`: API, workers, the
 * peer-group schedule's first build, which a test server lets pass on the empty graph before it
 * turns the schedule off) and one POST /ingest of five weeks of history, with no step of its
 * own between the weeks: the peer groups are rebuilt as the data time moves on, so the history
 * is scored against peers, and a first access to a system none of the user's peers uses is a
 * peer finding. With the data-time rebuilds turned off the same import has no peer finding at
 * all (the schedule's one build ran on the empty graph), which is what the data-time rebuilds
 * are for.
 */
const TEAMS = ['fin', 'eng', 'ops'] as const;
const PER_TEAM = 7;
const DAYS = 35;
/** A Monday, 00:00 UTC, months before the test runs: history, not live traffic. */
const START = Date.UTC(2026, 1, 2);
const ODD_USER = 'fin-3';
/** The day fin-3 reaches the engineering build servers and a system nobody uses. */
const ODD_DAY = 30;

function backfill(): string {
  const lines: Array<{ ts: number; line: string }> = [];
  for (const team of TEAMS) {
    for (let m = 0; m < PER_TEAM; m++) {
      const user = `${team}-${m}`;
      for (let d = 0; d < DAYS; d++) {
        const day = START + d * DAY + (8 * 60 + m * 7) * MIN;
        const push = (ts: number, id: string, category: string, action: string, extra: Record<string, unknown> = {}) =>
          lines.push({ ts, line: ecsLine(user, id, ts, category, action, extra) });
        push(day, `${user}-${d}-in`, 'authentication', 'logon');
        for (let i = 0; i < 12; i++) {
          push(day + (10 + i * 25) * MIN, `${user}-${d}-${i}`, 'network', 'app_access', { destination: { address: `${team.toUpperCase()}-${i % 3}` } });
        }
        if (user === ODD_USER && d === ODD_DAY) {
          push(day + 320 * MIN, `${user}-${d}-odd-1`, 'network', 'app_access', { destination: { address: 'ENG-1' } });
          push(day + 330 * MIN, `${user}-${d}-odd-2`, 'network', 'app_access', { destination: { address: 'LEGACY-VAULT' } });
        }
        push(day + 8 * 60 * MIN, `${user}-${d}-out`, 'authentication', 'logoff');
      }
    }
  }
  return lines
    .sort((a, b) => a.ts - b.ts)
    .map((l) => l.line)
    .join('\n');
}

async function startAndBackfill(overrides: Record<string, string>): Promise<Server> {
  // testServer lets the schedule's first build (on an empty graph) pass, unschedules the
  // periodic one and wipes the graph: the import starts from nothing at all.
  const server = await testServer(overrides);
  const response = await fetch(`${server.url}/ingest?format=ecs&wait=true`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/x-ndjson' },
    body: backfill(),
  });
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ accepted: TEAMS.length * PER_TEAM * (DAYS * 14) + 2, duplicates: 0, deadLetters: 0 });
  return server;
}

type PeerFinding = { indicatorId: string; user: string; at: number; learning: boolean; evidence: string | null };

async function peerFindings(server: Server): Promise<PeerFinding[]> {
  return graphQuery<PeerFinding>(
    server.runtime,
    "MATCH (a:Anomaly) WHERE a.indicatorId STARTS WITH 'peer-' RETURN a.indicatorId AS indicatorId, a.user AS user, a.at AS at, a.learning AS learning, a.evidence AS evidence ORDER BY a.at",
  );
}

describe('a backfill through serve and POST /ingest is scored against peer groups that follow its data time', () => {
  let server: Server | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('rebuilds the groups as the weeks go by and finds the first access no peer has', { timeout: 300_000 }, async () => {
    server = await startAndBackfill({});

    // Rebuilt several times from the data, one week apart in data time.
    const [trigger] = await graphQuery<{ seq: number; firstDataTime: number; dataTime: number; users: number; reason: string; jobId: string }>(
      server.runtime,
      "MATCH (t:PeerGroupTrigger {id: 'peer-groups'}) RETURN t.seq AS seq, t.firstDataTime AS firstDataTime, t.dataTime AS dataTime, t.users AS users, t.reason AS reason, t.jobId AS jobId",
    );
    // Started by whichever partition's first batch came first: an event of the first morning.
    expect(trigger!.firstDataTime).toBeGreaterThanOrEqual(START + 8 * 60 * MIN);
    expect(trigger!.firstDataTime).toBeLessThan(START + 9 * 60 * MIN);
    expect(trigger!.users).toBe(TEAMS.length * PER_TEAM);
    expect(trigger!.reason).toBe('data-time');
    // Five weeks from a Monday: the Thursday boundaries of weeks 1..5 (the first after half a week of data).
    expect(trigger!.seq).toBeGreaterThanOrEqual(5);
    expect(trigger!.dataTime).toBeGreaterThan(START + 4 * 7 * DAY);
    const build = await server.runtime.peerGroups.repository.activeBuild();
    expect(build).toMatchObject({ users: TEAMS.length * PER_TEAM, clustered: TEAMS.length * PER_TEAM });

    const findings = await peerFindings(server);
    // Nobody but fin-3 has a first access to anything after the first days, so every peer
    // finding of the mature weeks is fin-3's, on day 30.
    const odd = findings.filter((f) => f.user === ODD_USER && f.at >= START + ODD_DAY * DAY);
    expect(odd.map((f) => f.indicatorId).sort()).toEqual(['peer-unseen-asset', 'peer-unseen-asset']);
    for (const f of odd) {
      expect(f.learning).toBe(false);
      const evidence = JSON.parse(f.evidence ?? '{}') as { observed?: { value?: string }; peer?: { kind?: string; size?: number }; baseline?: { accessedBy?: number } };
      expect(['ENG-1', 'LEGACY-VAULT']).toContain(evidence.observed?.value);
      // Scored against fin-3's behaviour group: the six other finance users, none of whom reached it.
      expect(evidence.peer).toMatchObject({ kind: 'behaviour', size: PER_TEAM - 1 });
      expect(evidence.baseline?.accessedBy).toBe(0);
    }
    // The session holding the peer findings that day is explained with them. (fin-3 has two
    // sessions a day: the work, and the logoff alone after two idle hours, with nothing to score.)
    const sessions = await graphQuery<{ explanation: string | null }>(
      server.runtime,
      "MATCH (s:Session)-[:OF]->(:User {id: $user}) WHERE s.start >= $from AND s.start < $to AND EXISTS { (s)<-[:IN]-(:Anomaly {indicatorId: 'peer-unseen-asset'}) } RETURN s.explanation AS explanation",
      { user: ODD_USER, from: START + ODD_DAY * DAY, to: START + (ODD_DAY + 1) * DAY },
    );
    expect(sessions).toHaveLength(1);
    const [session] = sessions;
    expect(session!.explanation).not.toBeNull();
    const contributions = (JSON.parse(session!.explanation!) as { contributions: Array<{ indicatorId: string; value: number }> }).contributions;
    expect(contributions.some((c) => c.indicatorId === 'peer-unseen-asset' && c.value > 0)).toBe(true);
  });

  it('finds no peer deviation in the same backfill with the data-time rebuilds off', { timeout: 300_000 }, async () => {
    server = await startAndBackfill({ RISKGRAPH_PEER_GROUPS_DATA_DAYS: '0', RISKGRAPH_PEER_GROUPS_USER_GROWTH_PERCENT: '0' });
    expect(await peerFindings(server)).toEqual([]);
    expect(await graphQuery(server.runtime, 'MATCH (t:PeerGroupTrigger) RETURN t')).toEqual([]);
    // The first-access findings are there: the only thing missing is the peers.
    const [first] = await graphQuery<{ n: number }>(
      server.runtime,
      "MATCH (a:Anomaly {user: $user}) WHERE a.indicatorId = 'first-asset-access' AND a.at >= $from RETURN count(a) AS n",
      { user: ODD_USER, from: START + ODD_DAY * DAY },
    );
    expect(first!.n).toBeGreaterThanOrEqual(1);
  });
});
