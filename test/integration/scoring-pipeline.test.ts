import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisPubSub } from '../../src/api/pubsub/redis-pubsub.ts';
import { Topic } from '../../src/api/pubsub/topics.ts';
import { parseStream } from '../../src/events/importer.ts';
import { createRuntime, type Runtime } from '../../src/main.ts';
import { Neo4jAlertRepository } from '../../src/store/alert.repository.ts';
import { graphQuery, testRuntime } from '../support/runtime.ts';

/**
 * Scoring through the real pipeline on real Neo4j and Redis: a terminated employee logs on and
 * reaches the payroll database. The findings become Anomaly nodes in the session, the session
 * gets a score whose stored explanation adds up to it, the user's risk and its history move,
 * an alert is recorded and delivered over Redis pub/sub, the session's timeline is kept, and
 * the profile is checkpointed. Replaying the file changes nothing.
 */
const DAY = Date.UTC(2026, 2, 4); // Wednesday
const at = (h: number, m = 0) => new Date(DAY + h * 3_600_000 + m * 60_000).toISOString();

const LINES = [
  JSON.stringify({
    '@timestamp': at(0),
    event: { id: 'hr-1', category: 'iam', action: 'hr_update', outcome: 'success' },
    user: { name: 'tom' },
    riskgraph: { hr: { name: 'Tom Gone', department: 'finance', title: 'Accountant', status: 'TERMINATED', effective_date: '2026-03-03', last_day: '2026-03-02' } },
  }),
  JSON.stringify({ '@timestamp': at(9), event: { id: 't1', category: 'authentication', action: 'logon', outcome: 'success' }, user: { name: 'tom' }, host: { name: 'WS-7' } }),
  JSON.stringify({ '@timestamp': at(9, 5), event: { id: 't2', category: 'network', action: 'app_access', outcome: 'success' }, user: { name: 'tom' }, host: { name: 'WS-7' }, destination: { address: 'PAYROLL-DB' } }),
  JSON.stringify({ '@timestamp': at(9, 9), event: { id: 't3', category: 'network', action: 'app_access', outcome: 'success' }, user: { name: 'tom' }, host: { name: 'WS-7' }, destination: { address: 'HR-FILES' } }),
  JSON.stringify({ '@timestamp': at(9, 30), event: { id: 't4', category: 'authentication', action: 'logoff', outcome: 'success' }, user: { name: 'tom' }, host: { name: 'WS-7' } }),
  JSON.stringify({ '@timestamp': at(10), event: { id: 'j1', category: 'authentication', action: 'logon', outcome: 'success' }, user: { name: 'jane' }, host: { name: 'WS-8' } }),
];

const ndjson = () => parseStream(Readable.from([LINES.join('\n')]), { format: 'ecs', source: 'scoring.ndjson' });

describe('scoring in the pipeline on real Neo4j and Redis', () => {
  let runtime: Runtime;
  let pubsub: RedisPubSub;

  beforeAll(async () => {
    runtime = await testRuntime({ workers: true });
    pubsub = new RedisPubSub({ redis: runtime.redis, prefix: runtime.config.queue.prefix, log: runtime.log });
  });
  afterAll(async () => {
    await pubsub?.close();
    await runtime?.close();
  });

  it('writes findings, an explained session score, user risk with history, an alert and a timeline', { timeout: 180_000 }, async () => {
    const alerts = await pubsub.subscribe<{ id: string; user: string; severity: string; session: string }>(Topic.ALERT_RAISED, { capacity: 100 });
    const changes = await pubsub.subscribe<{ user: string; score: number }>(Topic.RISK_SCORE_CHANGED, { capacity: 100 });
    const summary = await runtime.ingest.ingest(ndjson(), { source: 'scoring.ndjson', wait: true });
    expect(summary).toMatchObject({ accepted: 6, duplicates: 0, deadLetters: 0 });

    const anomalies = await graphQuery<{ indicator: string; learning: boolean; session: string; events: string[] }>(
      runtime,
      `MATCH (a:Anomaly {user: 'tom'})-[:IN]->(s:Session)
       RETURN a.indicatorId AS indicator, a.learning AS learning, s.id AS session, a.eventIds AS events ORDER BY a.at`,
    );
    const afterTermination = anomalies.filter((a) => a.indicator === 'activity-after-termination');
    expect(afterTermination.map((a) => a.events[0])).toEqual(['t1', 't2', 't3', 't4']);
    expect(afterTermination.every((a) => !a.learning)).toBe(true);
    const sessionId = afterTermination[0]!.session;

    const [session] = await graphQuery<{ score: number; shadow: number; explanation: string; count: number }>(
      runtime,
      'MATCH (s:Session {id: $id}) RETURN s.score AS score, s.shadowScore AS shadow, s.explanation AS explanation, s.anomalyCount AS count',
      { id: sessionId },
    );
    const explanation = JSON.parse(session!.explanation) as { score: number; contributions: Array<{ value: number; indicatorId: string; weights: { anchor: number } }> };
    expect(explanation.score).toBe(session!.score);
    const cents = explanation.contributions.reduce((a, c) => a + Math.round(c.value * 100), 0);
    expect(Math.round(session!.score * 100)).toBe(cents);
    expect(session!.score).toBeGreaterThanOrEqual(180); // three of the four facts scored at anchor 60
    expect(session!.count).toBe(anomalies.length);

    const [user] = await graphQuery<{ score: number; level: string; peak: number; history: number }>(
      runtime,
      `MATCH (u:User {id: 'tom'}) RETURN u.riskScore AS score, u.riskLevel AS level, u.peakRiskScore AS peak,
              COUNT { (u)-[:HAD_RISK]->(:RiskSnapshot) } AS history`,
    );
    expect(user!.level).toBe('CRITICAL');
    expect(user!.peak).toBe(user!.score);
    const [flag] = await graphQuery<{ stepDown: boolean; since: number | null; audits: number }>(
      runtime,
      `MATCH (u:User {id: 'tom'}) RETURN u.stepDownAccess AS stepDown, u.stepDownSince AS since,
              COUNT { (a:AuditEntry {action: 'access.step-down', target: 'tom'}) } AS audits`,
    );
    expect(flag).toMatchObject({ stepDown: true, audits: 1 });
    expect(flag!.since).toBeGreaterThan(0);
    expect(user!.history).toBeGreaterThanOrEqual(1);
    const [jane] = await graphQuery<{ score: number | null }>(runtime, "MATCH (u:User {id: 'jane'}) RETURN u.riskScore AS score");
    expect(jane!.score ?? 0).toBe(0);

    const stored = await graphQuery<{ id: string; delivered: boolean; session: string }>(
      runtime,
      "MATCH (a:Alert {user: 'tom'}) RETURN a.id AS id, a.delivered AS delivered, a.session AS session ORDER BY id",
    );
    expect(stored.length).toBeGreaterThanOrEqual(1);
    expect(stored.every((a) => a.delivered)).toBe(true);
    const received = await alerts.next();
    expect(received.done).toBe(false);
    expect(received.value).toMatchObject({ user: 'tom' });
    expect(stored.map((a) => a.id)).toContain((received.value as { id: string }).id);
    const change = await changes.next();
    expect(change.value).toMatchObject({ user: 'tom', score: user!.score });

    const [timeline] = await graphQuery<{ events: string; omitted: number }>(
      runtime,
      'MATCH (c:TimelineChunk)-[:OF]->(:Session {id: $id}) RETURN c.events AS events, c.omitted AS omitted',
      { id: sessionId },
    );
    expect((JSON.parse(timeline!.events) as Array<{ id: string }>).map((e) => e.id)).toEqual(['t1', 't2', 't3', 't4']);
    expect(timeline!.omitted).toBe(0);

    // The import's closing sweep checkpoints profiles.
    const [profile] = await graphQuery<{ profile: string }>(runtime, "MATCH (u:User {id: 'tom'}) RETURN u.profile AS profile");
    expect((JSON.parse(profile!.profile) as { user: string; events: number }).events).toBe(4);
  });

  it('adds nothing when the same file is imported again', async () => {
    const count = async () =>
      (await graphQuery<{ n: number }>(runtime, 'MATCH (n) WHERE n:Anomaly OR n:Alert OR n:TimelineChunk OR n:RiskSnapshot RETURN count(n) AS n'))[0]!.n;
    const before = await count();
    const summary = await runtime.ingest.ingest(ndjson(), { source: 'scoring.ndjson', wait: true });
    expect(summary).toMatchObject({ accepted: 0, duplicates: 6 });
    expect(await count()).toBe(before);
  });

  it('feeds an analyst verdict of false positive back into the down-weighting, once', async () => {
    const stage = runtime.pipeline.analysis!;
    const before = await stage.downWeightOf('tom', 'activity-after-termination');
    const [alert] = await graphQuery<{ id: string }>(runtime, "MATCH (a:Alert {user: 'tom'}) WHERE a.session IS NOT NULL RETURN a.id AS id LIMIT 1");
    const resolved = await new Neo4jAlertRepository(runtime.executor).resolve(alert!.id, 'FALSE_POSITIVE', 'analyst-1', Date.now());
    expect(resolved).toMatchObject({ status: 'RESOLVED', resolution: 'FALSE_POSITIVE' });
    expect(await stage.applyFeedback()).toBeGreaterThanOrEqual(1);
    const after = await stage.downWeightOf('tom', 'activity-after-termination');
    expect(after).toBeLessThan(before);
    expect(await stage.applyFeedback()).toBe(0);
    const [applied] = await graphQuery<{ f: string }>(runtime, 'MATCH (a:Alert {id: $id}) RETURN a.feedbackApplied AS f', { id: alert!.id });
    expect(applied!.f).toBe('FALSE_POSITIVE');
  });

  it('resumes from the profile checkpoint after a restart instead of learning from scratch', { timeout: 180_000 }, async () => {
    await runtime.close();
    // A fresh process (nothing cached) on the same graph and queues.
    runtime = await createRuntime(runtime.config, runtime.log, { workers: true });
    const later = (h: number, m = 0) => new Date(DAY + DAY + h * 3_600_000 + m * 60_000).toISOString();
    const lines = [
      JSON.stringify({ '@timestamp': later(9), event: { id: 'u1', category: 'authentication', action: 'logon', outcome: 'success' }, user: { name: 'tom' }, host: { name: 'WS-7' } }),
      JSON.stringify({ '@timestamp': later(9, 5), event: { id: 'u2', category: 'network', action: 'app_access', outcome: 'success' }, user: { name: 'tom' }, host: { name: 'WS-7' }, destination: { address: 'PAYROLL-DB' } }),
      JSON.stringify({ '@timestamp': later(9, 6), event: { id: 'u3', category: 'network', action: 'app_access', outcome: 'success' }, user: { name: 'tom' }, host: { name: 'WS-7' }, destination: { address: 'NEW-DB' } }),
    ];
    await runtime.ingest.ingest(parseStream(Readable.from([lines.join('\n')]), { format: 'ecs', source: 'later.ndjson' }), { source: 'later.ndjson', wait: true });
    const [profile] = await graphQuery<{ profile: string }>(runtime, "MATCH (u:User {id: 'tom'}) RETURN u.profile AS profile");
    // 4 events learnt before the restart (checkpointed by the import's sweep) + 3 after: the
    // baseline was reloaded, not started again; it knows the assets from both sides.
    expect((JSON.parse(profile!.profile) as { events: number }).events).toBe(7);
    expect(profile!.profile).toContain('HR-FILES');
    expect(profile!.profile).toContain('NEW-DB');
  });
});
