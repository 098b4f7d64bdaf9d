import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/main.ts';
import { cypher } from '../../src/store/cypher.ts';
import { runIn } from '../../src/store/executor.ts';
import { Neo4jAnalysisRepository } from '../../src/store/analysis.repository.ts';
import { graphQuery, testRuntime, wipeGraph } from '../support/runtime.ts';

/**
 * Store writes that must be idempotent or atomic, against the real Neo4j: audit entries with
 * deterministic ids written twice stay one entry (and do not fail the batch that carries
 * them); verdict feedback lands together with the statistics that count it, or not at all.
 */
describe('store hardening', () => {
  let runtime: Runtime;

  beforeAll(async () => {
    runtime = await testRuntime({ workers: false });
  });
  afterAll(async () => {
    await runtime?.close();
  });

  it('merges an audit entry whose deterministic id recurs instead of failing on the unique constraint', async () => {
    await wipeGraph(runtime);
    const entry = { id: 'step-down:tom:1714816800000:true', at: 1714816800000, actor: 'system', action: 'access.step-down', target: 'tom', outcome: 'OK', details: '{"flag":true}' };
    for (let attempt = 0; attempt < 2; attempt++) {
      await runtime.executor.write((tx) => runIn(tx, cypher('audit-record'), { rows: [entry, { ...entry, id: `other-${attempt}` }] }));
    }
    const [row] = await graphQuery<{ same: number; all: number; details: string }>(
      runtime,
      "MATCH (e:AuditEntry) WITH count(e) AS all MATCH (s:AuditEntry {id: 'step-down:tom:1714816800000:true'}) RETURN all, count(s) AS same, s.details AS details",
    );
    expect(row).toEqual({ all: 3, same: 1, details: '{"flag":true}' });
  });

  it('saves the trigger statistics and marks the verdicts applied in one transaction', async () => {
    await wipeGraph(runtime);
    await runtime.executor.query('WRITE', "UNWIND ['a1', 'a2'] AS id CREATE (:Alert {id: id, status: 'RESOLVED', resolution: 'FALSE_POSITIVE'})");
    const feedback = new Neo4jAnalysisRepository(runtime.executor);
    await feedback.saveFeedback('{"v":1}', 1000, [
      { id: 'a1', resolution: 'FALSE_POSITIVE' },
      { id: 'a2', resolution: 'FALSE_POSITIVE' },
    ]);
    const read = () =>
      graphQuery<{ state: string | null; applied: string[] }>(
        runtime,
        "OPTIONAL MATCH (t:TriggerStats {id: 'global'}) WITH t MATCH (a:Alert) WITH t, a ORDER BY a.id RETURN t.state AS state, collect(coalesce(a.feedbackApplied, '-')) AS applied",
      );
    expect(await read()).toEqual([{ state: '{"v":1}', applied: ['FALSE_POSITIVE', 'FALSE_POSITIVE'] }]);

    // A write that fails half way (a map is not a property value) leaves neither half behind.
    await runtime.executor.query('WRITE', 'MATCH (a:Alert) REMOVE a.feedbackApplied');
    const failing = feedback.saveFeedback('{"v":2}', 2000, [
      { id: 'a1', resolution: 'TRUE_POSITIVE' },
      { id: 'a2', resolution: { not: 'a string' } as unknown as string },
    ]);
    await expect(failing).rejects.toThrow();
    expect(await read()).toEqual([{ state: '{"v":1}', applied: ['-', '-'] }]);
  });
});
