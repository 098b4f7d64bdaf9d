import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userDayKey } from '../../src/analytics/evaluation/ranking-metrics.ts';
import { parseFile } from '../../src/events/importer.ts';
import { createLogger } from '../../src/logger.ts';
import { type EvalResult, runEvaluation } from '../../src/eval.ts';
import { generateCertToFiles } from '../../seeds/cert.ts';
import { createRuntime } from '../../src/main.ts';
import { graphQuery, testConfig } from '../support/runtime.ts';

/**
 * `riskgraph eval` on a small CERT-shaped data set, through the real pipeline on real Neo4j
 * and Redis: the user-day key space is every active user-day counted from the files, the
 * per-indicator points are the sessions' explained points (they add up to the sum of the
 * scored sessions' scores), and with logon + LDAP only the job-hunting thief (no trace in
 * logon.csv) is left out of the visible ranking.
 */
describe('riskgraph eval on the CERT shape', () => {
  let dir: string;
  let result: EvalResult;
  const activeDays = new Set<string>();
  let sessionPoints = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eval-cert-'));
    generateCertToFiles({ out: dir, users: 40, months: 3, seed: 5, insiders: [1, 1, 1], activity: 0.3 });
    const ldap = (await readdir(join(dir, 'LDAP'))).sort().map((f) => join(dir, 'LDAP', f));
    const events = [join(dir, 'logon.csv'), ...ldap];
    for await (const item of parseFile(join(dir, 'logon.csv'), { format: 'cert' })) {
      if (item.kind === 'event') activeDays.add(userDayKey(item.event.user!, item.event.ts));
    }
    const config = testConfig();
    result = await runEvaluation(config, createLogger('warn'), { events, format: 'cert', labels: join(dir, 'answers', 'labels.csv'), wipe: true });
    // The graph eval left behind: the scored sessions' total.
    const runtime = await createRuntime(config, createLogger('warn'), { workers: false });
    try {
      const [row] = await graphQuery<{ total: number }>(runtime, 'MATCH (s:Session) WHERE s.score > 0 RETURN sum(s.score) AS total');
      sessionPoints = row!.total;
    } finally {
      await runtime.close();
    }
  }, 300_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes every active user-day as a user-day key', () => {
    expect(result.report.userDays.keys).toBe(activeDays.size);
    expect(result.report.userDays.positives).toBeGreaterThan(0);
  });

  it('splits the scored points by indicator, adding up to the sessions\' scores', () => {
    const { report } = result;
    const points = report.indicators.reduce((s, i) => s + i.attackerPoints + i.otherPoints, 0);
    // Each explanation adds up exactly to its session's score (two-decimal contributions).
    expect(points).toBeCloseTo(sessionPoints, 1);
    expect(sessionPoints, 'three months of logons score something').toBeGreaterThan(0);
    expect(report.indicators.length).toBeGreaterThan(0);
    const firings = report.indicators.reduce((s, i) => s + i.attackerFirings + i.otherFirings + i.learningFirings, 0);
    const counted = Object.values(result.indicators).reduce((s, i) => s + i.scored + i.learning, 0);
    expect(firings).toBe(counted);
  });

  it('leaves the attacker without a trace in logon.csv out of the visible ranking', () => {
    const v = result.report.visible;
    expect(v).not.toBeNull();
    expect(v!.attackers).toBe(2);
    expect(v!.invisible).toHaveLength(1);
    expect(result.report.scenarios.find((s) => s.scenario === 'job-hunt-usb-theft')?.visible).toBe(false);
    expect(result.report.scenarios.find((s) => s.scenario === 'after-hours-usb-wikileaks')?.visible).toBe(true);
  });
});
