/**
 * The one harness every indicator test goes through: run a single indicator on a fixture the
 * way the pipeline runs the registry (evaluate.ts), and expect a finding — or none.
 */
import { expect } from 'vitest';
import type { EventContext, IndicatorContext, SessionContext } from '../../../src/analytics/indicators/context.ts';
import { evaluateEvent, evaluateSession } from '../../../src/analytics/indicators/evaluate.ts';
import type { Finding, Indicator } from '../../../src/analytics/indicators/indicator.ts';

/** Runs one indicator (or a registry) on a context of the matching scope. */
export function run(indicators: Indicator | readonly Indicator[], ctx: IndicatorContext): Finding[] {
  const list = Array.isArray(indicators) ? (indicators as readonly Indicator[]) : [indicators as Indicator];
  return 'session' in ctx ? evaluateSession(ctx as SessionContext, list) : evaluateEvent(ctx as EventContext, list);
}

/** Expects at least one finding of `indicator` on `ctx`, each with evidence and a reason naming the observed value; returns the first. */
export function expectFinding(indicator: Indicator, ctx: IndicatorContext): Finding {
  const findings = run(indicator, ctx);
  expect(findings.length, `${indicator.id} should find something`).toBeGreaterThan(0);
  for (const f of findings) {
    expect(f.indicatorId).toBe(indicator.id);
    expect(f.evidence.eventIds.length).toBeGreaterThan(0);
    expect(f.reason).toContain(f.evidence.observed.display);
  }
  return findings[0]!;
}

export function expectNoFinding(indicator: Indicator, ctx: IndicatorContext): void {
  const findings = run(indicator, ctx);
  expect(findings.map((f) => f.reason), `${indicator.id} should find nothing`).toEqual([]);
}
