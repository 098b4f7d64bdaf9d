import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_CONFIG } from '../../src/analytics/fusion/alert-decision.ts';
import type { FusionFinding, Json } from '../../src/analytics/fusion/fusion-finding.ts';
import { scoreSession, type SessionScore } from '../../src/analytics/fusion/session-score.ts';
import { emptyTriggerStats } from '../../src/analytics/fusion/trigger-stats.ts';
import { userRisk } from '../../src/analytics/fusion/user-risk.ts';
import type { IndicatorDescriptor } from '../../src/api/ports.ts';
import { createLogger } from '../../src/logger.ts';
import type { Server } from '../../src/main.ts';
import type { Runtime } from '../../src/main.ts';
import { startTestServer, testConfig } from '../support/runtime.ts';
import { gql, gqlData, statementsOf } from './graphql-support.ts';

/**
 * The analyst's read API over scoring results, over real HTTP against the real Neo4j: scored
 * sessions with their findings, explanations and timelines, users' risk history and risk
 * explanation, the cross-user finding search and what enforcement would have raised, with
 * paging, argument errors, the evidence rules per role, and a constant statement count.
 *
 * The graph is seeded here in exactly the shape the scoring pipeline writes
 * (/work/shared/notes/scoring-graph-contract.md); explanations are real fusion output
 * (scoreSession, userRisk) serialised as the pipeline stores them.
 */
const T0 = Date.UTC(2026, 4, 4, 9); // Monday 09:00 UTC
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

// ---- test-only seeding, in the contract's shape -------------------------------------------

interface SeedUser {
  id: string;
  name?: string;
  riskScore?: number;
  riskLevel?: string;
  riskUpdatedAt?: number;
  peakRiskScore?: number;
  riskExplanation?: string;
}

interface SeedSession {
  id: string;
  user: string;
  start: number;
  end: number;
  score: number;
  shadowScore: number;
  explanation: string;
  scoredAt: number;
  anomalyCount: number;
}

interface SeedAnomaly {
  id: string;
  indicatorId: string;
  family: string;
  title: string;
  user: string;
  sessionId: string;
  at: number;
  evaluatedAt: number;
  learning: boolean;
  anchorScore: number;
  testKind: 'p-value' | 'fact';
  pValue: number | null;
  fact: string | null;
  reason: string;
  evidence: string;
  eventIds: string[];
  exfiltration: boolean;
  amplifiers: string[];
}

interface SeedChunk {
  sessionId: string;
  seq: number;
  events: string;
  omitted: number;
}

interface SeedSnapshot {
  user: string;
  at: number;
  score: number;
  level: string;
  previousScore: number;
  reasons: string[];
}

async function seed(
  runtime: Runtime,
  data: { users: SeedUser[]; sessions: SeedSession[]; anomalies: SeedAnomaly[]; chunks: SeedChunk[]; snapshots: SeedSnapshot[] },
): Promise<void> {
  const run = (statement: string, rows: unknown[]) => runtime.executor.query('WRITE', statement, { rows });
  await run('UNWIND $rows AS row MERGE (u:User {id: row.id}) SET u += row', data.users);
  await run(
    `UNWIND $rows AS row MATCH (u:User {id: row.user})
     CREATE (s:Session {id: row.id, user: row.user, start: row.start, end: row.end, lastTs: row.end, status: 'CLOSED',
       closeReason: 'logoff', eventCount: 6, partition: 0})-[:OF]->(u)
     SET s.score = toFloat(row.score), s.shadowScore = toFloat(row.shadowScore), s.explanation = row.explanation,
       s.scoredAt = row.scoredAt, s.anomalyCount = row.anomalyCount`,
    data.sessions,
  );
  await run(
    `UNWIND $rows AS row MATCH (s:Session {id: row.sessionId})
     CREATE (a:Anomaly)-[:IN]->(s) SET a = row, a.anchorScore = toFloat(row.anchorScore)`,
    data.anomalies,
  );
  await run(
    `UNWIND $rows AS row MATCH (s:Session {id: row.sessionId})
     CREATE (:TimelineChunk {sessionId: row.sessionId, seq: row.seq, events: row.events, omitted: row.omitted})-[:OF]->(s)`,
    data.chunks,
  );
  await run(
    `UNWIND $rows AS row MATCH (u:User {id: row.user})
     CREATE (u)-[:HAD_RISK]->(:RiskSnapshot {user: row.user, at: row.at, score: toFloat(row.score), level: row.level,
       previousScore: toFloat(row.previousScore), reasons: row.reasons})`,
    data.snapshots,
  );
}

// ---- the scenario ---------------------------------------------------------------------------

const CATALOGUE: IndicatorDescriptor[] = [
  { id: 'first-access-asset', family: 'access', title: 'First access to an asset', description: 'd', anchorScore: 30, enabled: true, dataSources: ['network'] },
  { id: 'unusual-hour', family: 'time', title: 'Activity at an unusual hour', description: 'd', anchorScore: 25, enabled: true, dataSources: ['authentication'] },
  { id: 'impossible-travel', family: 'location', title: 'Impossible travel', description: 'd', anchorScore: 50, enabled: true, dataSources: ['authentication'] },
];

interface FindingSpec {
  id: string;
  indicatorId: string;
  user: string;
  sessionId: string;
  at: number;
  learning: boolean;
  anchorScore: number;
  pValue?: number;
  fact?: string;
  eventIds: string[];
}

function evidenceOf(spec: FindingSpec): { observed: Json; baseline: Json; test: Json } {
  return {
    observed: { label: 'asset', value: `FIN-DB-${spec.id}`, display: `FIN-DB-${spec.id}` },
    baseline: { kind: 'categorical', part: 'assets', top: [{ key: 'WIKI', weight: 12.5 }] },
    test: spec.fact !== undefined ? { kind: 'fact', fact: spec.fact } : { kind: 'p-value', pValue: spec.pValue ?? null, threshold: 0.01 },
  };
}

const reasonOf = (spec: FindingSpec) => `${spec.indicatorId} on FIN-DB-${spec.id}`;

function anomalyOf(spec: FindingSpec): SeedAnomaly {
  const meta = CATALOGUE.find((i) => i.id === spec.indicatorId);
  return {
    id: spec.id,
    indicatorId: spec.indicatorId,
    family: meta?.family ?? 'retired',
    title: meta?.title ?? 'A retired indicator',
    user: spec.user,
    sessionId: spec.sessionId,
    at: spec.at,
    evaluatedAt: spec.at + MIN,
    learning: spec.learning,
    anchorScore: spec.anchorScore,
    testKind: spec.fact !== undefined ? 'fact' : 'p-value',
    pValue: spec.pValue ?? null,
    fact: spec.fact ?? null,
    reason: reasonOf(spec),
    evidence: JSON.stringify(evidenceOf(spec)),
    eventIds: spec.eventIds,
    exfiltration: false,
    amplifiers: [],
  };
}

function fusionFindingOf(spec: FindingSpec): FusionFinding {
  return {
    indicatorId: spec.indicatorId,
    anchorScore: spec.anchorScore,
    learning: spec.learning,
    ...(spec.pValue !== undefined ? { pValue: spec.pValue } : {}),
    ...(spec.fact !== undefined ? { fact: spec.fact } : {}),
    reason: reasonOf(spec),
    evidence: evidenceOf(spec),
    eventIds: spec.eventIds,
    userId: spec.user,
    sessionId: spec.sessionId,
    ts: spec.at,
  };
}

// Trigger statistics that down-weight `unusual-hour` (it fires in 5 % of sessions) and a
// privileged alice: weights that do not come out round, so the sum-to-the-cent check bites.
const STATS = (() => {
  const stats = emptyTriggerStats();
  stats.populationRate.set('unusual-hour', 0.05);
  return stats;
})();
const CONTEXT = { privilegedUsers: new Set(['alice']) };

/** What the pipeline stores for a session: score, shadow score and the explanation JSON. */
function scored(sessionId: string, user: string, start: number, specs: FindingSpec[]): { session: SeedSession; score: SessionScore } {
  const findings = specs.map(fusionFindingOf);
  const score = scoreSession({ userId: user, sessionId }, findings, CONTEXT, STATS);
  const shadow = scoreSession({ userId: user, sessionId }, findings.map((f) => ({ ...f, learning: false })), CONTEXT, STATS);
  return {
    score,
    session: {
      id: sessionId,
      user,
      start,
      end: start + 4 * HOUR,
      score: score.score,
      shadowScore: shadow.score,
      explanation: JSON.stringify(score),
      scoredAt: start + 4 * HOUR + MIN,
      anomalyCount: specs.length,
    },
  };
}

// alice, session 1 (day 0): two scored findings and a learning one; shadow ≥ 90 > score.
const A1: FindingSpec[] = [
  { id: 'f-a1-1', indicatorId: 'first-access-asset', user: 'alice', sessionId: 's-alice-1', at: T0 + 5 * MIN, learning: false, anchorScore: 30, pValue: 0.002, eventIds: ['e2'] },
  { id: 'f-a1-2', indicatorId: 'unusual-hour', user: 'alice', sessionId: 's-alice-1', at: T0 + 10 * MIN, learning: false, anchorScore: 25, pValue: 0.004, eventIds: ['e3'] },
  { id: 'f-a1-3', indicatorId: 'impossible-travel', user: 'alice', sessionId: 's-alice-1', at: T0 + 20 * MIN, learning: true, anchorScore: 50, fact: '9000 km in 1 h', eventIds: ['e5', 'e0'] },
];
// alice, session 2 (day 1): alerted for real (score ≥ 90), so not a would-have-alerted; one
// finding of an indicator the catalogue no longer lists.
const A2: FindingSpec[] = [
  { id: 'f-a2-1', indicatorId: 'impossible-travel', user: 'alice', sessionId: 's-alice-2', at: T0 + DAY + 5 * MIN, learning: false, anchorScore: 50, fact: '8000 km in 2 h', eventIds: ['x1'] },
  { id: 'f-a2-2', indicatorId: 'retired-indicator', user: 'alice', sessionId: 's-alice-2', at: T0 + DAY + 6 * MIN, learning: false, anchorScore: 40, pValue: 0.0001, eventIds: ['x2'] },
];
// bob, session 1 (day 2): learning only: score 0, shadow ≥ 90.
const B1: FindingSpec[] = [
  { id: 'f-b1-1', indicatorId: 'impossible-travel', user: 'bob', sessionId: 's-bob-1', at: T0 + 2 * DAY + 1 * MIN, learning: true, anchorScore: 50, fact: 'x', eventIds: ['b1'] },
  { id: 'f-b1-2', indicatorId: 'first-access-asset', user: 'bob', sessionId: 's-bob-1', at: T0 + 2 * DAY + 2 * MIN, learning: true, anchorScore: 42, pValue: 0.001, eventIds: ['b2'] },
];

const SESSIONS = {
  alice1: scored('s-alice-1', 'alice', T0, A1),
  alice2: scored('s-alice-2', 'alice', T0 + DAY, A2),
  bob1: scored('s-bob-1', 'bob', T0 + 2 * DAY, B1),
};

const event = (id: string, ts: number, action: string, extra: Record<string, unknown> = {}) => ({
  id,
  ts,
  category: 'authentication',
  action,
  outcome: 'success',
  target: null,
  targetType: null,
  ip: '10.0.0.1',
  country: 'DE',
  city: 'Berlin',
  bytesIn: null,
  bytesOut: null,
  ...extra,
});

// Two batches' chunks of alice's first session; the second holds a late event (e0) that sorts
// between the first chunk's events.
const CHUNKS: SeedChunk[] = [
  {
    sessionId: 's-alice-1',
    seq: T0,
    events: JSON.stringify([
      event('e1', T0, 'logon'),
      event('e2', T0 + 5 * MIN, 'connection', { category: 'network', target: 'FIN-DB-02', targetType: 'Asset', bytesIn: 1000, bytesOut: 50 }),
      event('e3', T0 + 10 * MIN, 'http_request', { category: 'web', target: 'example.org', targetType: 'Asset' }),
    ]),
    omitted: 2,
  },
  {
    sessionId: 's-alice-1',
    seq: T0 + 15 * MIN,
    events: JSON.stringify([event('e4', T0 + 15 * MIN, 'file_copy', { category: 'file' }), event('e5', T0 + 20 * MIN, 'vpn_connect', { country: 'BR', city: 'Recife' }), event('e0', T0 + MIN, 'logon')]),
    omitted: 1,
  },
];

const RISK = userRisk(
  'alice',
  [
    { sessionId: 's-alice-1', score: SESSIONS.alice1.session.score, endedAt: SESSIONS.alice1.session.end },
    { sessionId: 's-alice-2', score: SESSIONS.alice2.session.score, endedAt: SESSIONS.alice2.session.end },
  ],
  SESSIONS.alice2.session.end,
);

const SNAPSHOTS: SeedSnapshot[] = [
  { user: 'alice', at: T0 + 4 * HOUR, score: 20.5, level: 'LOW', previousScore: 0, reasons: ['first access to FIN-DB-02 (+31.5)'] },
  { user: 'alice', at: T0 + 5 * HOUR, score: 37.25, level: 'MODERATE', previousScore: 20.5, reasons: ['unusual hour (+16.3)'] },
  { user: 'alice', at: T0 + DAY + 4 * HOUR, score: RISK.score, level: RISK.level, previousScore: 37.25, reasons: ['impossible travel (+75)'] },
  // Two changes at the same instant: ordered by score, and a page boundary between them is exact.
  { user: 'alice', at: T0 + DAY + 4 * HOUR, score: 30, level: 'MODERATE', previousScore: 37.25, reasons: ['decay'] },
];

// 50 more sessions for the statement-count test: carol, two findings each.
const CAROL = Array.from({ length: 50 }, (_, i) => {
  const sessionId = `s-carol-${String(i).padStart(2, '0')}`;
  const start = T0 + 3 * DAY + i * HOUR;
  const specs: FindingSpec[] = [
    { id: `f-c-${i}-1`, indicatorId: 'first-access-asset', user: 'carol', sessionId, at: start + MIN, learning: false, anchorScore: 30, pValue: 0.003, eventIds: [`c${i}a`] },
    { id: `f-c-${i}-2`, indicatorId: 'unusual-hour', user: 'carol', sessionId, at: start + 2 * MIN, learning: i % 2 === 0, anchorScore: 25, pValue: 0.005, eventIds: [`c${i}b`] },
  ];
  return { ...scored(sessionId, 'carol', start, specs), specs };
});

// ---- queries ----------------------------------------------------------------------------------

const FINDING_FIELDS = `id indicatorId indicator { id title } family title reason at evaluatedAt learning anchorScore testKind pValue fact evidence eventIds session { id } user { key }`;

const SESSION_FINDINGS = /* GraphQL */ `
  query ($id: ID!, $first: Int, $after: String, $includeLearning: Boolean) {
    session(id: $id) {
      id score shadowScore scoredAt anomalyCount
      findings(first: $first, after: $after, includeLearning: $includeLearning) {
        edges { cursor node { ${FINDING_FIELDS} } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }`;

const EXPLANATION = /* GraphQL */ `
  query ($id: ID!) {
    session(id: $id) {
      score
      explanation {
        score
        contributions {
          indicatorId indicator { id } title reason value unscored
          weights { anchor calibration { name factor reason } calibrationProduct downWeight populationTriggerRate userTriggerRate }
          observed baseline pValue fact evidence eventIds at
        }
      }
    }
  }`;

const TIMELINE = /* GraphQL */ `
  query ($id: ID!, $first: Int, $after: String) {
    session(id: $id) {
      timeline(first: $first, after: $after) {
        edges { cursor node { id at category action outcome target targetType ip country city bytesIn bytesOut } }
        pageInfo { hasNextPage endCursor }
        omittedEvents
      }
    }
  }`;

const RISK_HISTORY = /* GraphQL */ `
  query ($id: ID!, $first: Int, $after: String, $since: DateTime) {
    user(id: $id) {
      riskHistory(first: $first, after: $after, since: $since) {
        edges { node { at score level previousScore reasons } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }`;

const QUERY_FINDINGS = /* GraphQL */ `
  query ($filter: FindingFilter, $first: Int, $after: String) {
    findings(filter: $filter, first: $first, after: $after) {
      edges { node { id user { key } learning } }
      pageInfo { hasNextPage endCursor }
    }
  }`;

const WOULD_HAVE_ALERTED = /* GraphQL */ `
  query ($first: Int, $after: String, $minScore: NonNegativeFloat) {
    wouldHaveAlerted(first: $first, after: $after, minScore: $minScore) {
      threshold
      edges { node { id score shadowScore } learningFindings { edges { node { id learning } } } }
      pageInfo { hasNextPage endCursor }
    }
  }`;

const ids = (connection: { edges: Array<{ node: { id: string } }> }) => connection.edges.map((e) => e.node.id);
const hundredths = (x: number) => Math.round(x * 100);

describe('GraphQL reads of scored sessions, findings, explanations, timelines and risk history', () => {
  let server: Server;
  const tokens: Record<'ANALYST' | 'DASHBOARD', string> = { ANALYST: '', DASHBOARD: '' };

  beforeAll(async () => {
    const config = testConfig();
    server = await startTestServer(config, createLogger(config.logLevel), { indicators: { list: () => CATALOGUE } });
    await seed(server.runtime, {
      users: [
        {
          id: 'alice',
          name: 'Alice A',
          riskScore: RISK.score,
          riskLevel: RISK.level,
          riskUpdatedAt: RISK.computedAt,
          peakRiskScore: RISK.score + 5,
          riskExplanation: JSON.stringify(RISK),
        },
        { id: 'bob' },
        { id: 'carol' },
      ],
      sessions: [SESSIONS.alice1.session, SESSIONS.alice2.session, SESSIONS.bob1.session, ...CAROL.map((c) => c.session)],
      anomalies: [...A1, ...A2, ...B1, ...CAROL.flatMap((c) => c.specs)].map(anomalyOf),
      chunks: CHUNKS,
      snapshots: SNAPSHOTS,
    });
    for (const role of ['ANALYST', 'DASHBOARD'] as const) {
      const { createApiKey } = await gqlData(server, `mutation ($role: Role!) { createApiKey(name: "probe", role: $role) { secret } }`, { role });
      tokens[role] = createApiKey.secret;
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  it('shows a scored session with its findings in time order, learning ones included or not', async () => {
    const { session } = await gqlData(server, SESSION_FINDINGS, { id: 's-alice-1' });
    expect(session).toMatchObject({
      id: 's-alice-1',
      score: SESSIONS.alice1.session.score,
      shadowScore: SESSIONS.alice1.session.shadowScore,
      scoredAt: iso(SESSIONS.alice1.session.scoredAt),
      anomalyCount: 3,
    });
    expect(ids(session.findings)).toEqual(['f-a1-1', 'f-a1-2', 'f-a1-3']);
    expect(session.findings.edges[0].node).toEqual({
      id: 'f-a1-1',
      indicatorId: 'first-access-asset',
      indicator: { id: 'first-access-asset', title: 'First access to an asset' },
      family: 'access',
      title: 'First access to an asset',
      reason: 'first-access-asset on FIN-DB-f-a1-1',
      at: iso(T0 + 5 * MIN),
      evaluatedAt: iso(T0 + 6 * MIN),
      learning: false,
      anchorScore: 30,
      testKind: 'P_VALUE',
      pValue: 0.002,
      fact: null,
      evidence: evidenceOf(A1[0]!),
      eventIds: ['e2'],
      session: { id: 's-alice-1' },
      user: { key: 'alice' },
    });
    expect(session.findings.edges[2].node).toMatchObject({ learning: true, testKind: 'FACT', pValue: null, fact: '9000 km in 1 h' });

    const scoredOnly = (await gqlData(server, SESSION_FINDINGS, { id: 's-alice-1', includeLearning: false })).session.findings;
    expect(ids(scoredOnly)).toEqual(['f-a1-1', 'f-a1-2']);

    const first = (await gqlData(server, SESSION_FINDINGS, { id: 's-alice-1', first: 2 })).session.findings;
    expect(ids(first)).toEqual(['f-a1-1', 'f-a1-2']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = (await gqlData(server, SESSION_FINDINGS, { id: 's-alice-1', first: 2, after: first.pageInfo.endCursor })).session.findings;
    expect(ids(rest)).toEqual(['f-a1-3']);
    expect(rest.pageInfo).toEqual({ hasNextPage: false, endCursor: rest.edges[0].cursor });
  });

  it('explains a session score contribution by contribution, in stored order, summing to the score to the cent', async () => {
    for (const { session: seeded, score: fusion } of [SESSIONS.alice1, SESSIONS.alice2, SESSIONS.bob1, ...CAROL]) {
      const { session } = await gqlData(server, EXPLANATION, { id: seeded.id });
      const { contributions } = session.explanation;
      expect(session.explanation.score).toBe(session.score);
      expect(contributions.map((c: { indicatorId: string }) => c.indicatorId)).toEqual(fusion.contributions.map((c) => c.indicatorId));
      const sum = contributions.reduce((total: number, c: { value: number }) => total + hundredths(c.value), 0);
      expect(sum, seeded.id).toBe(hundredths(session.score));
      expect(Math.abs(contributions.reduce((t: number, c: { value: number }) => t + c.value, 0) - session.score)).toBeLessThan(0.005);
    }

    const { session } = await gqlData(server, EXPLANATION, { id: 's-alice-1' });
    const [top, second, learning] = session.explanation.contributions;
    const fusion = SESSIONS.alice1.score.contributions;
    // Privileged alice: ×1.5 on every finding; unusual-hour down-weighted for firing in 5 % of sessions.
    expect(top).toEqual({
      indicatorId: 'first-access-asset',
      indicator: { id: 'first-access-asset' },
      title: 'First access to an asset',
      reason: 'first-access-asset on FIN-DB-f-a1-1',
      value: 45,
      unscored: null,
      weights: {
        anchor: 30,
        calibration: [{ name: 'privileged-account', factor: 1.5, reason: fusion[0]!.weights.calibration[0]!.detail }],
        calibrationProduct: 1.5,
        downWeight: 1,
        populationTriggerRate: fusion[0]!.weights.populationTriggerRate,
        userTriggerRate: fusion[0]!.weights.userTriggerRate,
      },
      observed: evidenceOf(A1[0]!).observed,
      baseline: evidenceOf(A1[0]!).baseline,
      pValue: 0.002,
      fact: null,
      evidence: evidenceOf(A1[0]!),
      eventIds: ['e2'],
      at: iso(T0 + 5 * MIN),
    });
    expect(second.weights.downWeight).toBeCloseTo(0.6505, 3);
    expect(second.value).toBe(fusion[1]!.value);
    expect(learning).toMatchObject({ indicatorId: 'impossible-travel', value: 0, unscored: 'LEARNING', fact: '9000 km in 1 h', pValue: null });

    // An indicator the catalogue no longer lists keeps its id as title.
    const retired = (await gqlData(server, EXPLANATION, { id: 's-alice-2' })).session.explanation.contributions.find(
      (c: { indicatorId: string }) => c.indicatorId === 'retired-indicator',
    );
    expect(retired).toMatchObject({ indicator: null, title: 'retired-indicator' });
  });

  it("reads an explanation in the contract's spelling too, and masks a corrupt one as an internal error on that field", async () => {
    const contract = {
      userId: 'bob',
      sessionId: 's-contract',
      score: 12.34,
      contributions: [
        {
          indicatorId: 'unusual-hour',
          reason: 'r',
          value: 12.34,
          unscored: null,
          weights: { anchor: 20, calibration: [{ name: 'watchlist', factor: 1.5, reason: 'on the watchlist' }], calibrationProduct: 1.5, downWeight: 0.4113, populationTriggerRate: 0.02, userTriggerRate: 0.03 },
          observed: 3,
          baseline: null,
          pValue: 0.01,
          fact: null,
          evidence: {},
          eventIds: [],
          ts: T0,
        },
        { indicatorId: 'unusual-hour', reason: 'again', value: 0, unscored: 'repeat', weights: {}, ts: T0 },
      ],
    };
    await server.runtime.executor.query(
      'WRITE',
      `MATCH (u:User {id: 'bob'})
       CREATE (:Session {id: 's-contract', user: 'bob', start: $start, status: 'CLOSED', partition: 99, score: 12.34, shadowScore: 12.34, explanation: $contract})-[:OF]->(u)
       CREATE (:Session {id: 's-corrupt', user: 'bob', start: $start, status: 'CLOSED', partition: 99, score: 1.0, shadowScore: 1.0, explanation: '{not json'})-[:OF]->(u)`,
      { start: T0 - 2 * DAY, contract: JSON.stringify(contract) },
    );
    const { session } = await gqlData(server, EXPLANATION, { id: 's-contract' });
    expect(session.explanation.contributions[0].weights.calibration).toEqual([{ name: 'watchlist', factor: 1.5, reason: 'on the watchlist' }]);
    expect(session.explanation.contributions[0].observed).toBe(3);
    expect(session.explanation.contributions[1]).toMatchObject({ unscored: 'REPEAT', value: 0, weights: { anchor: 0, calibration: [], calibrationProduct: 1, downWeight: 1 } });

    const corrupt = await gql(server, `{ session(id: "s-corrupt") { id score explanation { score } } }`);
    expect(corrupt.data).toEqual({ session: { id: 's-corrupt', score: 1, explanation: null } });
    expect(corrupt.errors).toEqual([expect.objectContaining({ message: 'internal server error', path: ['session', 'explanation'] })]);
  });

  it('has no score or explanation before a session is scored', async () => {
    await server.runtime.executor.query(
      'WRITE',
      `MATCH (u:User {id: 'bob'}) CREATE (:Session {id: 's-unscored', user: 'bob', start: $start, lastTs: $start, status: 'OPEN', partition: 99})-[:OF]->(u)`,
      { start: T0 - DAY },
    );
    const { session } = await gqlData(server, `{ session(id: "s-unscored") { score shadowScore explanation { score } findings { edges { cursor } } timeline { edges { cursor } omittedEvents } } }`);
    expect(session).toEqual({ score: null, shadowScore: null, explanation: null, findings: { edges: [] }, timeline: { edges: [], omittedEvents: 0 } });
  });

  it('pages a session timeline in time order across chunks and counts the events not kept', async () => {
    const pages: string[][] = [];
    let after: string | null = null;
    let omitted: number | null = null;
    do {
      const timeline: any = (await gqlData(server, TIMELINE, { id: 's-alice-1', first: 2, after })).session.timeline;
      pages.push(ids(timeline));
      omitted = timeline.omittedEvents;
      after = timeline.pageInfo.hasNextPage ? timeline.pageInfo.endCursor : null;
    } while (after !== null);
    expect(pages).toEqual([
      ['e1', 'e0'],
      ['e2', 'e3'],
      ['e4', 'e5'],
    ]);
    expect(omitted).toBe(3);
    const { timeline } = (await gqlData(server, TIMELINE, { id: 's-alice-1', first: 3 })).session;
    expect(timeline.edges[2].node).toEqual({
      id: 'e2',
      at: iso(T0 + 5 * MIN),
      category: 'network',
      action: 'connection',
      outcome: 'success',
      target: 'FIN-DB-02',
      targetType: 'Asset',
      ip: '10.0.0.1',
      country: 'DE',
      city: 'Berlin',
      bytesIn: 1000,
      bytesOut: 50,
    });
  });

  it("shows a user's risk, its explanation, and its history newest first, paged and from a date", async () => {
    const query = `{ user(id: "alice") { riskScore riskLevel peakRiskScore riskUpdatedAt
      riskExplanation { score level raw computedAt contributions { sessionId session { id } sessionScore ageMs decay decayedScore value } } } }`;
    const { user } = await gqlData(server, query);
    expect(user).toMatchObject({ riskScore: RISK.score, riskLevel: RISK.level, peakRiskScore: RISK.score + 5, riskUpdatedAt: iso(RISK.computedAt) });
    // Scores and points leave the API rounded to hundredths (score-rounding.ts); ages and decay factors do not.
    const r2 = (x: number) => Math.round(x * 100) / 100;
    expect(user.riskExplanation).toEqual({
      score: RISK.score,
      level: RISK.level,
      raw: r2(RISK.raw),
      computedAt: iso(RISK.computedAt),
      contributions: RISK.contributions.map((c) => ({
        ...c,
        sessionScore: r2(c.sessionScore),
        decayedScore: r2(c.decayedScore),
        value: r2(c.value),
        session: { id: c.sessionId },
      })),
    });
    expect(RISK.raw).not.toBe(r2(RISK.raw)); // the stored figure has more digits than the API shows
    const sum = user.riskExplanation.contributions.reduce((t: number, c: { value: number }) => t + hundredths(c.value), 0);
    expect(sum).toBe(hundredths(RISK.score));

    const never = (await gqlData(server, `{ user(id: "bob") { riskScore peakRiskScore riskUpdatedAt riskExplanation { score } riskHistory { edges { cursor } } } }`)).user;
    expect(never).toEqual({ riskScore: 0, peakRiskScore: 0, riskUpdatedAt: null, riskExplanation: null, riskHistory: { edges: [] } });

    const scores: number[] = [];
    let after: string | null = null;
    do {
      const history: any = (await gqlData(server, RISK_HISTORY, { id: 'alice', first: 3, after })).user.riskHistory;
      scores.push(...history.edges.map((e: { node: { score: number } }) => e.node.score));
      after = history.pageInfo.hasNextPage ? history.pageInfo.endCursor : null;
    } while (after !== null);
    expect(scores).toEqual([RISK.score, 30, 37.25, 20.5]);
    const pairs = (await gqlData(server, RISK_HISTORY, { id: 'alice', first: 1 })).user.riskHistory;
    const second = (await gqlData(server, RISK_HISTORY, { id: 'alice', first: 1, after: pairs.pageInfo.endCursor })).user.riskHistory;
    expect(second.edges[0].node).toEqual({ at: iso(T0 + DAY + 4 * HOUR), score: 30, level: 'MODERATE', previousScore: 37.25, reasons: ['decay'] });

    const recent = (await gqlData(server, RISK_HISTORY, { id: 'User:alice', since: iso(T0 + 5 * HOUR) })).user.riskHistory;
    expect(recent.edges.map((e: { node: { score: number } }) => e.node.score)).toEqual([RISK.score, 30, 37.25]);
  });

  it("lists a user's findings newest first, with or without learning ones", async () => {
    const query = `query ($include: Boolean, $first: Int, $after: String) { user(id: "alice") { findings(first: $first, after: $after, includeLearning: $include) {
      edges { node { id } } pageInfo { hasNextPage endCursor } } } }`;
    expect(ids((await gqlData(server, query, {})).user.findings)).toEqual(['f-a2-2', 'f-a2-1', 'f-a1-3', 'f-a1-2', 'f-a1-1']);
    expect(ids((await gqlData(server, query, { include: false })).user.findings)).toEqual(['f-a2-2', 'f-a2-1', 'f-a1-2', 'f-a1-1']);
    const page = (await gqlData(server, query, { first: 2 })).user.findings;
    const next = (await gqlData(server, query, { first: 2, after: page.pageInfo.endCursor })).user.findings;
    expect([...ids(page), ...ids(next)]).toEqual(['f-a2-2', 'f-a2-1', 'f-a1-3', 'f-a1-2']);
  });

  it('searches findings across users by user, indicator, learning and time, newest first', async () => {
    const search = async (filter: Record<string, unknown> | null, first?: number, after?: string) =>
      (await gqlData(server, QUERY_FINDINGS, { filter, first, after })).findings;
    const all = await search(null, 100);
    expect(all.edges).toHaveLength(100); // of 3 + 2 + 2 + 100
    expect(all.pageInfo.hasNextPage).toBe(true);
    expect(ids(all).slice(0, 2)).toEqual(['f-c-49-2', 'f-c-49-1']);
    expect(ids(await search({ userId: 'User:bob' }))).toEqual(['f-b1-2', 'f-b1-1']);
    expect(ids(await search({ indicatorId: 'impossible-travel' }))).toEqual(['f-b1-1', 'f-a2-1', 'f-a1-3']);
    expect(ids(await search({ indicatorId: 'impossible-travel', learning: true }))).toEqual(['f-b1-1', 'f-a1-3']);
    expect(ids(await search({ userId: 'alice', indicatorId: 'impossible-travel', learning: false }))).toEqual(['f-a2-1']);
    expect(ids(await search({ learning: true, until: iso(T0 + 3 * DAY) }))).toEqual(['f-b1-2', 'f-b1-1', 'f-a1-3']);
    expect(ids(await search({ since: iso(T0 + 10 * MIN), until: iso(T0 + DAY + 6 * MIN) }))).toEqual(['f-a2-1', 'f-a1-3', 'f-a1-2']);

    // Paging by cursor visits every finding once.
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await search({ indicatorId: 'unusual-hour' }, 7, after);
      seen.push(...ids(page));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(51);
    expect(new Set(seen).size).toBe(51);
  });

  it('lists what enforcement would have raised: shadow score at or above the threshold, score below, with the learning findings', async () => {
    const { wouldHaveAlerted } = await gqlData(server, WOULD_HAVE_ALERTED, {});
    expect(wouldHaveAlerted.threshold).toBe(DEFAULT_ALERT_CONFIG.sessionThreshold);
    // carol's sessions stay below the threshold in the shadow too; alice's second alerted for real.
    expect(SESSIONS.alice2.session.score).toBeGreaterThanOrEqual(DEFAULT_ALERT_CONFIG.sessionThreshold);
    expect(ids(wouldHaveAlerted)).toEqual(['s-bob-1', 's-alice-1']);
    expect(wouldHaveAlerted.edges[1]).toEqual({
      node: { id: 's-alice-1', score: SESSIONS.alice1.session.score, shadowScore: SESSIONS.alice1.session.shadowScore },
      learningFindings: { edges: [{ node: { id: 'f-a1-3', learning: true } }] },
    });
    expect(ids(wouldHaveAlerted.edges[0].learningFindings)).toEqual(['f-b1-1', 'f-b1-2']);

    const first = (await gqlData(server, WOULD_HAVE_ALERTED, { first: 1 })).wouldHaveAlerted;
    expect(ids(first)).toEqual(['s-bob-1']);
    const second = (await gqlData(server, WOULD_HAVE_ALERTED, { first: 1, after: first.pageInfo.endCursor })).wouldHaveAlerted;
    expect(ids(second)).toEqual(['s-alice-1']);
    expect(second.pageInfo.hasNextPage).toBe(false);

    // A higher bar: bob's shadow (< 95) no longer reaches it; alice's first still does.
    expect(SESSIONS.bob1.session.shadowScore).toBeLessThan(95);
    const high = (await gqlData(server, WOULD_HAVE_ALERTED, { minScore: 95 })).wouldHaveAlerted;
    expect({ threshold: high.threshold, ids: ids(high) }).toEqual({ threshold: 95, ids: ['s-alice-1'] });
  });

  it('refuses invalid arguments with errors that name the argument', async () => {
    const message = async (query: string, variables: Record<string, unknown>) => {
      const response = await gql(server, query, variables);
      expect(response.errors, JSON.stringify(response)).toHaveLength(1);
      return { code: response.errors![0]!.extensions?.code, message: response.errors![0]!.message };
    };
    expect(await message(QUERY_FINDINGS, { filter: { since: iso(T0), until: iso(T0) } })).toEqual({
      code: 'BAD_USER_INPUT',
      message: `filter.until: must be after filter.since (${iso(T0)}), got ${iso(T0)}`,
    });
    expect(await message(QUERY_FINDINGS, { filter: { userId: 'Asset:FIN-DB-02' } })).toEqual({
      code: 'BAD_USER_INPUT',
      message: "filter.userId: 'Asset:FIN-DB-02' is a Asset id, not a user id",
    });
    expect(await message(QUERY_FINDINGS, { filter: { indicatorId: ' ' } })).toEqual({ code: 'BAD_USER_INPUT', message: 'filter.indicatorId: must not be empty' });
    expect(await message(QUERY_FINDINGS, { first: 101 })).toEqual({ code: 'BAD_USER_INPUT', message: 'first: 101 exceeds the maximum page size of 100' });
    expect(await message(SESSION_FINDINGS, { id: 's-alice-1', first: 0 })).toEqual({ code: 'BAD_USER_INPUT', message: 'first: must be between 1 and 100, got 0' });

    const timeline = (await gqlData(server, TIMELINE, { id: 's-alice-1', first: 1 })).session.timeline;
    expect(await message(SESSION_FINDINGS, { id: 's-alice-1', after: timeline.pageInfo.endCursor })).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'after: is not a cursor of this list (sessionFindings)',
    });
    expect(await message(RISK_HISTORY, { id: 'alice', after: 'garbage!' })).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'after: is not a cursor returned by this API',
    });
    const negative = await message(WOULD_HAVE_ALERTED, { minScore: -1 });
    expect(negative.code).toBe('BAD_USER_INPUT');
    expect(negative.message).toMatch(/minScore.*non-negative/i);
    const badDate = await message(RISK_HISTORY, { id: 'alice', since: 'yesterday' });
    expect(badDate.code).toBe('BAD_USER_INPUT');
    expect(badDate.message).toMatch(/\$since/);
  });

  it('lets dashboards read scores, weights, reasons and risk history, but not evidence, timelines or the searches', async () => {
    const query = `{ session(id: "s-alice-1") { score shadowScore
      explanation { score contributions { indicatorId value reason weights { downWeight } evidence } }
      findings(first: 1) { edges { node { id reason eventIds } } } } }`;
    const dashboard = await gql(server, query, {}, tokens.DASHBOARD);
    expect(dashboard.data.session.score).toBe(SESSIONS.alice1.session.score);
    expect(dashboard.data.session.explanation.contributions[0]).toMatchObject({ indicatorId: 'first-access-asset', value: 45, evidence: null });
    expect(dashboard.data.session.findings.edges[0].node).toEqual({ id: 'f-a1-1', reason: 'first-access-asset on FIN-DB-f-a1-1', eventIds: null });
    const refused = dashboard.errors!.map((e) => [e.extensions?.code, e.path!.filter((p) => typeof p === 'string').join('.')]);
    expect(refused).toEqual(
      expect.arrayContaining([
        ['FORBIDDEN', 'session.explanation.contributions.evidence'],
        ['FORBIDDEN', 'session.findings.edges.node.eventIds'],
      ]),
    );
    expect(dashboard.errors!.every((e) => e.extensions?.code === 'FORBIDDEN')).toBe(true);

    const timeline = await gql(server, `{ session(id: "s-alice-1") { id timeline { omittedEvents } } }`, {}, tokens.DASHBOARD);
    expect(timeline.data).toEqual({ session: { id: 's-alice-1', timeline: null } });
    expect(timeline.errors![0]).toMatchObject({ message: 'role DASHBOARD may not use Session.timeline', extensions: { code: 'FORBIDDEN' } });

    const history = await gql(server, RISK_HISTORY, { id: 'alice', first: 1 }, tokens.DASHBOARD);
    expect(history.errors).toBeUndefined();
    expect(history.data.user.riskHistory.edges[0].node.score).toBe(RISK.score);

    for (const [search, variables] of [[QUERY_FINDINGS, {}], [WOULD_HAVE_ALERTED, {}]] as const) {
      const response = await gql(server, search, variables, tokens.DASHBOARD);
      expect(response.errors![0]!.extensions!.code).toBe('FORBIDDEN');
      const analyst = await gql(server, search, variables, tokens.ANALYST);
      expect(analyst.errors).toBeUndefined();
    }
    const analyst = await gql(server, query, {}, tokens.ANALYST);
    expect(analyst.errors).toBeUndefined();
    expect(analyst.data.session.findings.edges[0].node.eventIds).toEqual(['e2']);
  });

  it('serves a page of 50 sessions with explanations and their first 10 findings in a constant number of Cypher statements', async () => {
    const query = /* GraphQL */ `
      query ($first: Int!) {
        user(id: "carol") {
          sessions(first: $first) {
            edges { node {
              id score
              explanation { score contributions { indicatorId title value weights { anchor calibration { name factor } } } }
              findings(first: 10) { edges { node { id indicatorId indicator { title } session { id } user { key } } } }
            } }
          }
        }
      }`;
    const cost = async (first: number) => {
      const { statements, result: data } = await statementsOf(server, () => gqlData(server, query, { first }));
      const sessions = data.user.sessions.edges.map((e: any) => e.node);
      return { statements, sessions };
    };
    const ten = await cost(10);
    const fifty = await cost(50);
    expect(fifty.sessions).toHaveLength(50);
    expect(fifty.sessions.every((s: any) => s.explanation.contributions.length === 2 && s.findings.edges.length === 2)).toBe(true);
    expect(fifty.sessions[0].findings.edges[0].node).toMatchObject({ session: { id: fifty.sessions[0].id }, user: { key: 'carol' } });
    expect(fifty.statements).toBe(ten.statements);
    // user + sessions of the user + explanations + findings of the sessions + the findings' sessions
    expect(fifty.statements).toBe(5);
  });
});
