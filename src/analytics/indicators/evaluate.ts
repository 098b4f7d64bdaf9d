/**
 * Runs the active indicators on an event (`evaluateEvent`) or a closed session
 * (`evaluateSession`) and turns their evidence into findings.
 *
 * Per event: everything that can be decided the moment it happens — first and rare access,
 * peer access, unusual hour and day (on session starts), new places and impossible travel,
 * failed-logon bursts, threat-intelligence and malware facts, DGA-like domains, accounts used
 * against their purpose, activity after termination. Per session: what needs the whole session
 * — volumes (own baseline and peers), lateral-movement bursts, departing-employee activity.
 * A per-event indicator can fire on several events of one session (each beacon to a listed
 * domain); fusion counts an indicator at most once per session, so findings carry the session.
 *
 * Learning: a finding is a learning finding in global learning mode, or when its indicator
 * stands on the user's baseline (`basis: 'user'`) and that baseline is immature at the time of
 * the behaviour (maturity.ts). Facts and peer-based findings do not wait for the user's baseline.
 */
import { assessMaturity, type Maturity } from '../maturity.ts';
import { isBehaviour } from '../profiles/user-profile.ts';
import {
  classifyAccount,
  type DataSource,
  type EventContext,
  type IndicatorContext,
  type Resolved,
  type SessionContext,
} from './context.ts';
import { DEFAULT_DEPARTING_WINDOW_DAYS, departingStatus } from './hr.indicator.ts';
import { type Amplifier, AMPLIFIERS, type Evidence, type Finding, type Indicator } from './indicator.ts';
import { INDICATORS } from './registry.ts';

/** An indicator runs when enabled and every data source it needs has been seen. */
export function isActive(indicator: Indicator, seenSources: ReadonlySet<DataSource>): boolean {
  return indicator.enabled && indicator.dataSources.every((s) => seenSources.has(s));
}

export function activeIndicators(registry: readonly Indicator[], seenSources: ReadonlySet<DataSource>): Indicator[] {
  return registry.filter((i) => isActive(i, seenSources));
}

/** Fills in what the context may leave out: the account type (from naming and HR title) and internal domains. */
export function resolveContext<C extends IndicatorContext>(ctx: C): Resolved<C> {
  const user = 'session' in ctx ? ctx.session.user : (ctx.event.user ?? '');
  return {
    ...ctx,
    account: ctx.account ?? classifyAccount(user, ctx.hr),
    internalDomains: ctx.internalDomains ?? [],
  };
}

export function evaluateEvent(ctx: EventContext, registry: readonly Indicator[] = INDICATORS): Finding[] {
  const user = ctx.event.user;
  if (user === undefined) return [];
  // HR records and host facts are not the user's behaviour (they are the context of it): only
  // indicators triggered by an HR record run on one.
  const behaviour = isBehaviour(ctx.event);
  if (!behaviour && ctx.event.hr === undefined) return [];
  const resolved = resolveContext(ctx);
  const findings: Finding[] = [];
  for (const indicator of registry) {
    if (indicator.scope !== 'event' || !isActive(indicator, ctx.seenSources)) continue;
    if (!behaviour && indicator.onHrRecord !== true) continue;
    for (const evidence of indicator.collect(resolved, indicator)) {
      if (indicator.holds(evidence, indicator)) findings.push(toFinding(indicator, evidence, resolved, user, ctx.sessionId ?? null, registry));
    }
  }
  return findings;
}

export function evaluateSession(ctx: SessionContext, registry: readonly Indicator[] = INDICATORS): Finding[] {
  const user = ctx.session.user;
  const resolved = resolveContext(ctx);
  const findings: Finding[] = [];
  for (const indicator of registry) {
    if (indicator.scope !== 'session' || !isActive(indicator, ctx.seenSources)) continue;
    for (const evidence of indicator.collect(resolved, indicator)) {
      if (indicator.holds(evidence, indicator)) findings.push(toFinding(indicator, evidence, resolved, user, ctx.session.id, registry));
    }
  }
  return findings;
}

function departingWindowDays(registry: readonly Indicator[]): number {
  return registry.find((i) => i.id === 'departing-employee-activity')?.params['windowDays'] ?? DEFAULT_DEPARTING_WINDOW_DAYS;
}

function toFinding(
  indicator: Indicator,
  evidence: Evidence,
  ctx: Resolved<IndicatorContext>,
  user: string,
  sessionId: string | null,
  registry: readonly Indicator[],
): Finding {
  const maturity: Maturity | null = indicator.basis === 'user' ? assessMaturity(ctx.profile, evidence.at, ctx.maturity) : null;
  const amplifiers: Amplifier[] = [];
  if (indicator.exfiltration && departingStatus(ctx.hr, evidence.at, ctx.profile.tzOffsetMinutes, departingWindowDays(registry)) !== null) {
    amplifiers.push(AMPLIFIERS.DepartingEmployee);
  }
  return {
    indicatorId: indicator.id,
    family: indicator.family,
    title: indicator.title,
    anchorScore: indicator.anchorScore,
    testKind: indicator.test.kind,
    user,
    sessionId,
    at: evidence.at,
    evaluatedAt: ctx.now,
    learning: ctx.mode === 'learning' || (maturity !== null && !maturity.mature),
    maturity,
    exfiltration: indicator.exfiltration,
    amplifiers,
    evidence,
    reason: indicator.explain(evidence),
  };
}
