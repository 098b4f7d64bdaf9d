import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OPTIONS, loadDemoData } from '../../src/demo.ts';
import type { Runtime } from '../../src/main.ts';
import { graphQuery, testRuntime } from '../support/runtime.ts';

/**
 * The demo's seeding path (`npm start` = `riskgraph serve --demo`) against the real Neo4j and
 * Redis: what a newcomer finds on first start is at least five users with alerts whose
 * sessions are explained (contributions adding up to the score) and whose risk has a history.
 */
describe('the demo organisation', () => {
  let runtime: Runtime;

  beforeAll(async () => {
    runtime = await testRuntime({ workers: true });
  });
  afterAll(async () => {
    await runtime?.close();
  });

  it('loads into an empty graph with at least five alerted users, explained, with risk histories', { timeout: 1_200_000 }, async () => {
    const started = Date.now();
    const summary = await loadDemoData(runtime);
    const seconds = (Date.now() - started) / 1000;
    expect(summary).not.toBeNull();
    expect(summary!.deadLetters).toBe(0);
    expect(summary!.accepted).toBeGreaterThan(100_000);
    process.stderr.write(`demo loaded in ${seconds.toFixed(1)} s: ${JSON.stringify(summary)}\n`);

    const users = await graphQuery<{ user: string; alerts: number; reasons: string[]; explanation: string; history: number; riskExplanation: string | null }>(
      runtime,
      `MATCH (a:Alert)-[:ABOUT]->(u:User), (a)-[:RAISED_IN]->(s:Session)
       WITH u, a, s ORDER BY a.score DESC
       WITH u, count(a) AS alerts, head(collect(a.reasons)) AS reasons, head(collect(s.explanation)) AS explanation
       CALL (u) { MATCH (u)-[:HAD_RISK]->(r:RiskSnapshot) RETURN count(r) AS history }
       RETURN u.id AS user, alerts, reasons, explanation, history, u.riskExplanation AS riskExplanation`,
    );
    const explained = users.filter((u) => {
      const contributions = (JSON.parse(u.explanation ?? '{}') as { contributions?: Array<{ value: number }> }).contributions ?? [];
      return u.reasons.length > 0 && contributions.some((c) => c.value > 0) && u.history > 0 && u.riskExplanation !== null;
    });
    expect(explained.length).toBeGreaterThanOrEqual(5);
    // The summary the CLI prints counts the same thing.
    expect(summary!.alerted.users).toBe(users.length);
    expect(summary!.alerted.withHistory).toBeGreaterThanOrEqual(explained.length);

    // Most attack scenarios end in an alert on their attacker (ground truth from the generator's labels).
    const { generateDataset } = await import('../../seeds/generate.ts');
    const truth = await generateDataset(DEMO_OPTIONS, { write: () => {} });
    const attackers = new Set(truth.labels.map((l) => l.user));
    const alertedAttackers = users.filter((u) => attackers.has(u.user)).length;
    expect(alertedAttackers).toBeGreaterThan(attackers.size / 2);

    // Peer groups were rebuilt as the five weeks went in.
    const [trigger] = await graphQuery<{ seq: number }>(runtime, "MATCH (t:PeerGroupTrigger {id: 'peer-groups'}) RETURN t.seq AS seq");
    expect(trigger!.seq).toBeGreaterThanOrEqual(4);

    // A second start leaves the graph alone.
    expect(await loadDemoData(runtime)).toBeNull();
  });
});
