import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DATA_SOURCES, type DataSource, type EventContext, type SessionContext } from '../../../src/analytics/indicators/context.ts';
import { evaluateEvent, evaluateSession, isActive, resolveContext } from '../../../src/analytics/indicators/evaluate.ts';
import { INDICATOR_FAMILIES, type Indicator } from '../../../src/analytics/indicators/indicator.ts';
import {
  configureIndicators,
  IndicatorConfigError,
  indicatorCatalogue,
  indicatorConfigProblems,
  INDICATORS,
} from '../../../src/analytics/indicators/registry.ts';
import { createUserProfile } from '../../../src/analytics/profiles/user-profile.ts';
import { expectFinding, expectNoFinding, run } from './harness.ts';
import { CASES } from './indicator-cases.ts';
import { eventContext, sessionContext, sessionWith, T1, usual } from './fixtures.ts';

const byId = new Map(INDICATORS.map((i) => [i.id, i]));

function indicator(id: string): Indicator {
  const found = byId.get(id);
  if (found === undefined) throw new Error(`no indicator ${id}`);
  return found;
}

describe('every indicator on its known-answer fixtures', () => {
  for (const [id, cases] of Object.entries(CASES)) {
    describe(id, () => {
      it(`finds: ${cases.trigger.name}`, () => {
        const finding = expectFinding(indicator(id), cases.trigger.ctx());
        cases.trigger.check?.(finding);
      });
      for (const quiet of cases.quiet) {
        it(`stays quiet: ${quiet.name}`, () => expectNoFinding(indicator(id), quiet.ctx()));
      }
    });
  }
});

describe('the registry', () => {
  it('holds at least 20 indicators with unique kebab-case ids', () => {
    expect(INDICATORS.length).toBeGreaterThanOrEqual(20);
    expect(new Set(INDICATORS.map((i) => i.id)).size).toBe(INDICATORS.length);
    for (const i of INDICATORS) expect(i.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('is frozen, and so is every indicator', () => {
    expect(Object.isFrozen(INDICATORS)).toBe(true);
    for (const i of INDICATORS) expect(Object.isFrozen(i)).toBe(true);
  });

  it('has known-answer cases for every indicator and no case for an unknown one', () => {
    expect(Object.keys(CASES).sort()).toEqual(INDICATORS.map((i) => i.id).sort());
  });

  it('keeps each family in its own <family>.indicator.ts file', () => {
    const families = new Set(INDICATORS.map((i) => i.family));
    for (const family of families) {
      expect(existsSync(new URL(`../../../src/analytics/indicators/${family}.indicator.ts`, import.meta.url))).toBe(true);
    }
    for (const family of families) expect(INDICATOR_FAMILIES).toContain(family);
  });

  it('declares sane metadata', () => {
    for (const i of INDICATORS) {
      expect(i.title.length, i.id).toBeGreaterThan(0);
      expect(i.description.length, i.id).toBeGreaterThan(20);
      expect(i.anchorScore, i.id).toBeGreaterThanOrEqual(5);
      expect(i.anchorScore, i.id).toBeLessThanOrEqual(60);
      for (const s of i.dataSources) expect(DATA_SOURCES, i.id).toContain(s);
      if (i.test.kind === 'p-value') {
        expect(i.test.threshold).toBeGreaterThan(0);
        expect(i.test.threshold).toBeLessThanOrEqual(1);
      }
    }
  });

  it('lists a catalogue without functions', () => {
    const catalogue = indicatorCatalogue();
    expect(catalogue).toHaveLength(INDICATORS.length);
    expect(JSON.parse(JSON.stringify(catalogue))).toEqual(catalogue);
  });
});

describe('detection and explanation agree (one evidence object)', () => {
  for (const [id, cases] of Object.entries(CASES)) {
    it(`${id}: deterministic, with evidence the predicate accepts and a reason explaining it`, () => {
      const ind = indicator(id);
      const ctx = cases.trigger.ctx();
      const first = run(ind, ctx);
      const second = run(ind, ctx);
      expect(second).toEqual(first);
      expect(first.length).toBeGreaterThan(0);
      for (const f of first) {
        expect(ind.holds(f.evidence, ind)).toBe(true);
        expect(f.reason).toBe(ind.explain(f.evidence));
        expect(f.reason).toContain(f.evidence.observed.display);
        expect(f.evidence.eventIds.length).toBeGreaterThan(0);
        expect(f.evidence.test.kind).toBe(ind.test.kind);
        if (f.evidence.test.kind === 'p-value') {
          expect(f.evidence.test.pValue).toBeGreaterThanOrEqual(0);
          expect(f.evidence.test.pValue).toBeLessThanOrEqual(f.evidence.test.threshold);
        }
        // A finding is plain data: it survives JSON (the store and the API carry it as is).
        expect(JSON.parse(JSON.stringify(f))).toEqual(f);
      }
    });

    it(`${id}: the quiet fixtures' evidence, if any, fails the predicate`, () => {
      const ind = indicator(id);
      for (const quiet of cases.quiet) {
        const ctx = quiet.ctx();
        const candidates =
          ind.scope === 'event'
            ? ind.collect(resolveContext(ctx as EventContext), ind)
            : ind.collect(resolveContext(ctx as SessionContext), ind);
        for (const evidence of candidates) {
          expect(ind.holds(evidence, ind), `${quiet.name}`).toBe(false);
        }
      }
    });
  }
});

describe('activity and configuration', () => {
  it('an indicator whose data source is absent is inactive, not an error', () => {
    for (const [id, cases] of Object.entries(CASES)) {
      const ind = indicator(id);
      for (const missing of ind.dataSources) {
        const ctx = cases.trigger.ctx();
        const seen = new Set<DataSource>(DATA_SOURCES);
        seen.delete(missing);
        expect(isActive(ind, seen)).toBe(false);
        expect(run(ind, { ...ctx, seenSources: seen })).toEqual([]);
      }
    }
  });

  it('an indicator without data sources is active with none seen', () => {
    const always = INDICATORS.filter((i) => i.dataSources.length === 0);
    expect(always.length).toBeGreaterThan(0);
    for (const i of always) expect(isActive(i, new Set())).toBe(true);
  });

  it('a disabled indicator, or one of a disabled family, finds nothing', () => {
    for (const [id, cases] of Object.entries(CASES)) {
      const configured = configureIndicators(INDICATORS, { indicators: { [id]: { enabled: false } } });
      const ind = configured.find((i) => i.id === id)!;
      expect(ind.enabled).toBe(false);
      expect(run(ind, cases.trigger.ctx())).toEqual([]);
    }
    const noTime = configureIndicators(INDICATORS, { disabledFamilies: ['time'] });
    expect(run(noTime.filter((i) => i.family === 'time'), CASES['unusual-hour']!.trigger.ctx())).toEqual([]);
  });

  it('applies anchor scores, thresholds and parameters, returning a new frozen registry', () => {
    const configured = configureIndicators(INDICATORS, {
      indicators: {
        'first-asset-access': { anchorScore: 33, threshold: 1e-9 },
        'impossible-travel': { params: { maxSpeedKmh: 20_000 } },
        'lateral-movement-burst': { anchorScore: 55 },
      },
    });
    expect(Object.isFrozen(configured)).toBe(true);
    expect(INDICATORS.find((i) => i.id === 'first-asset-access')!.anchorScore).toBe(10);
    const get = (id: string): Indicator => configured.find((i) => i.id === id)!;
    expect(run(get('first-asset-access'), CASES['first-asset-access']!.trigger.ctx())).toEqual([]);
    expect(run(get('impossible-travel'), CASES['impossible-travel']!.trigger.ctx())).toEqual([]);
    const burst = run(get('lateral-movement-burst'), CASES['lateral-movement-burst']!.trigger.ctx());
    expect(burst[0]?.anchorScore).toBe(55);
  });

  it('refuses an invalid configuration, listing every problem', () => {
    const config = {
      indicators: {
        'no-such-indicator': { enabled: false },
        'impossible-travel': { threshold: 0.5, params: { maxSpeed: 100 } },
        'unusual-hour': { threshold: 2, anchorScore: 400 },
      },
      disabledFamilies: ['astrology'],
    };
    const problems = indicatorConfigProblems(INDICATORS, config);
    expect(problems).toEqual([
      "disabledFamilies: unknown family 'astrology' (families: access, peer-group, time, location, volume, authentication, lateral-movement, threat-intel, dga, account, hr, privileged)",
      'indicators.no-such-indicator: no such indicator',
      'indicators.impossible-travel.threshold: a fact has no p-value threshold',
      'indicators.impossible-travel.params.maxSpeed: no such parameter (it has maxSpeedKmh, minDistanceKm, minIntervalMinutes)',
      'indicators.unusual-hour.anchorScore: 400 is not a number from 0 to 100',
      'indicators.unusual-hour.threshold: 2 is not a probability in (0, 1]',
    ]);
    expect(() => configureIndicators(INDICATORS, config)).toThrow(IndicatorConfigError);
  });
});

describe('evaluateEvent and evaluateSession over the whole registry', () => {
  it('run only the indicators of their scope', () => {
    const eventFindings = evaluateEvent(CASES['dga-domain']!.trigger.ctx() as EventContext);
    expect(eventFindings.map((f) => f.indicatorId)).toContain('dga-domain');
    for (const f of eventFindings) expect(byId.get(f.indicatorId)!.scope).toBe('event');
    const sessionFindings = evaluateSession(CASES['usb-copy-outlier']!.trigger.ctx() as SessionContext);
    expect(sessionFindings.map((f) => f.indicatorId)).toContain('usb-copy-outlier');
    for (const f of sessionFindings) expect(byId.get(f.indicatorId)!.scope).toBe('session');
  });

  it('find nothing in a routine event or session of a mature user', () => {
    expect(evaluateEvent(eventContext(usual({ ts: T1, asset: 'CRM-DB-01', app: 'crm', bytesIn: 6e6 })))).toEqual([]);
    expect(evaluateSession(sessionContext(sessionWith([])))).toEqual([]);
  });

  it('run only the HR-triggered indicators on an HR record, which is context, not behaviour', () => {
    const hr = usual({ ts: T1, category: 'iam', action: 'hr_update', hr: { userId: 'alice', status: 'TERMINATED', effectiveDate: T1 - 5 * 86_400_000 } });
    // alice was at work until today: the departure prior, and nothing that reads the record as her behaviour.
    const findings = evaluateEvent(eventContext(hr, { hr: { status: 'TERMINATED', effectiveDate: T1 - 5 * 86_400_000 } }));
    expect(findings.map((f) => f.indicatorId)).toEqual(['departure-window']);
    for (const f of findings) expect(byId.get(f.indicatorId)!.onHrRecord).toBe(true);
  });

  it('mark findings on an immature user baseline as learning, facts and peers not', () => {
    const ctx = eventContext(usual({ user: 'dave', ts: T1, asset: 'FIN-DB-02', domain: 'xjqnxnulajhhnz6d.top', category: 'web', action: 'http_request' }), {
      profile: createUserProfile('dave'),
      peerGroup: null,
    });
    const findings = evaluateEvent(ctx);
    const dga = findings.find((f) => f.indicatorId === 'dga-domain');
    expect(dga?.learning).toBe(false);
    expect(dga?.maturity).toBeNull();
    const young = evaluateEvent(CASES['first-asset-access']!.trigger.ctx() as EventContext, [indicator('first-asset-access')]);
    expect(young[0]?.learning).toBe(false);
    expect(young[0]?.maturity?.mature).toBe(true);
    const strict = evaluateEvent({ ...(CASES['first-asset-access']!.trigger.ctx() as EventContext), maturity: { minDays: 60 } }, [
      indicator('first-asset-access'),
    ]);
    expect(strict[0]?.learning).toBe(true);
    expect(strict[0]?.maturity).toMatchObject({ mature: false, minDays: 60 });
  });

  it('mark every finding as learning in global learning mode', () => {
    const findings = evaluateEvent({ ...(CASES['threat-intel-ip']!.trigger.ctx() as EventContext), mode: 'learning' });
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(f.learning).toBe(true);
  });

  it('amplify exfiltration-type findings of a departing employee', () => {
    const ctx = CASES['departing-employee-activity']!.trigger.ctx();
    const findings = evaluateSession(ctx as SessionContext);
    const usb = findings.find((f) => f.indicatorId === 'usb-copy-outlier');
    expect(usb?.amplifiers).toEqual(['departing-employee']);
    expect(findings.map((f) => f.indicatorId)).toContain('departing-employee-activity');
    const active = evaluateSession({ ...(ctx as SessionContext), hr: { status: 'ACTIVE' } });
    expect(active.find((f) => f.indicatorId === 'usb-copy-outlier')?.amplifiers).toEqual([]);
  });

  it('carry the session id and the clock', () => {
    const ctx = CASES['threat-intel-ip']!.trigger.ctx();
    const [f] = evaluateEvent(ctx as EventContext, [indicator('threat-intel-ip')]);
    expect(f).toMatchObject({ sessionId: 'alice-s42', user: 'alice', at: T1, evaluatedAt: ctx.now });
  });
});

describe('reasons read as an analyst would write them', () => {
  const reason = (id: string): string => run(indicator(id), CASES[id]!.trigger.ctx())[0]!.reason;

  it('first and peer access', () => {
    expect(reason('first-asset-access')).toMatch(/^first access to asset FIN-DB-02: not among the 4 assets in this user's baseline/);
    expect(reason('peer-unseen-asset')).toBe(
      "first access to asset FIN-DB-02; none of the 14 peers in 'sales-operations' (behaviour group, membership degree 0.82) has accessed it",
    );
  });

  it('volumes, travel and facts', () => {
    expect(reason('download-volume-outlier')).toMatch(/^downloaded 2.01 GB in one session; this user's sessions cluster at 55 MB \(100 %\)/);
    expect(reason('impossible-travel')).toMatch(/^London, GB → Tokyo, JP: 9,5\d\d km in 60 min needs 9,5\d\d km\/h, above the plausible 900 km\/h/);
    expect(reason('threat-intel-ip')).toBe('source address 198.51.100.7 is on the threat-intelligence IP list (1 entries)');
    expect(reason('activity-after-termination')).toMatch(/^vpn_connect at 2024-04-15 10:00 UTC, 34 h after the account's termination took hold \(TERMINATED since 2024-04-13, last day 2024-04-13/);
  });
});
