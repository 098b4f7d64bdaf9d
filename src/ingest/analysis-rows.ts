/**
 * What the analysis step writes and reads, store-shaped: finding, timeline and risk rows, the
 * per-user state decoded from a checkpoint row, the trigger statistics' codec. Pure mappings.
 */

import { type BatchAnalysis, emptyUserAnalysis, type UserAnalysis } from '../analytics/analysis/batch-analysis.ts';
import { type FusionFinding, type Json, type RiskLevel, type TriggerStats } from '../analytics/fusion/index.ts';
import { type HrStatus, type PeerFeatureStats, summarisePeerFeature } from '../analytics/indicators/context.ts';
import type { Finding } from '../analytics/indicators/indicator.ts';
import { NUMERIC_FEATURES, type NumericFeature } from '../analytics/profiles/histogram.profile.ts';
import { deserializeFromString } from '../analytics/profiles/profile.codec.ts';
import { createUserProfile, typicalSessionValue } from '../analytics/profiles/user-profile.ts';
import type { EmploymentStatus, NormalizedEvent } from '../events/event.ts';
import type { Logger } from '../logger.ts';
import type { LoadedUserRow } from '../store/analysis.repository.ts';
import { createHash } from 'node:crypto';

/** Per user, the first five scored reasons of the sessions the batch scored (one pass over them). */
export function riskReasonsByUser(result: BatchAnalysis): Map<string, string[]> {
  const byUser = new Map<string, string[]>();
  for (const [, o] of result.sessions) {
    const list = byUser.get(o.score.userId) ?? [];
    for (const c of o.score.contributions) if (list.length < 5 && c.unscored === null && c.value > 0) list.push(`${c.reason} (+${c.value})`);
    byUser.set(o.score.userId, list);
  }
  return byUser;
}

export function summariseTypicals(rows: ReadonlyArray<{ user: string; typical: string }>): Partial<Record<NumericFeature, PeerFeatureStats>> {
  const values = new Map<NumericFeature, number[]>();
  for (const row of rows) {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(row.typical) as Record<string, unknown>;
    } catch {
      continue;
    }
    for (const feature of NUMERIC_FEATURES) {
      const v = parsed[feature];
      if (typeof v === 'number' && Number.isFinite(v)) values.set(feature, [...(values.get(feature) ?? []), v]);
    }
  }
  const out: Partial<Record<NumericFeature, PeerFeatureStats>> = {};
  for (const [feature, list] of values) out[feature] = summarisePeerFeature(list);
  return out;
}

/**
 * Per command class, how many of a group's members have run one, from the `commandClasses`
 * their checkpoints' typical features carry; null when none carries the list (checkpoints
 * written before command classes were learnt), so indicators know the peers are unknown.
 */
export function summariseCommandClasses(rows: ReadonlyArray<{ user: string; typical: string }>): Map<string, number> | null {
  const counts = new Map<string, number>();
  let known = false;
  for (const row of rows) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(row.typical);
    } catch {
      continue;
    }
    const classes = (parsed as { commandClasses?: unknown } | null)?.commandClasses;
    if (!Array.isArray(classes)) continue;
    known = true;
    for (const c of new Set(classes)) if (typeof c === 'string') counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  return known ? counts : null;
}

export function typicalJson(state: UserAnalysis): string {
  const out: Record<string, number | string[]> = {};
  // The classes of command the user has run, for the peers' `new-command-class` test.
  out['commandClasses'] = [...state.profile.categorical.commands.entries.keys()].sort();
  if (state.profile.sessions === 0) return JSON.stringify(out);
  for (const feature of NUMERIC_FEATURES) out[feature] = typicalSessionValue(state.profile, feature);
  return JSON.stringify(out);
}

export function hrFromRow(row: LoadedUserRow | undefined): HrStatus | null {
  if (row === undefined || row.status === null) return null;
  const hr: HrStatus = { status: row.status as EmploymentStatus };
  if (row.effectiveDate !== null) hr.effectiveDate = row.effectiveDate;
  if (row.lastDay !== null) hr.lastDay = row.lastDay;
  if (row.title !== null) hr.title = row.title;
  if (row.department !== null) hr.department = row.department;
  if (row.manager !== null && row.manager !== undefined) hr.manager = row.manager;
  return hr;
}

export function stateFromRow(user: string, row: LoadedUserRow | undefined, log: Logger): UserAnalysis {
  let profile = createUserProfile(user);
  if (row?.profile) {
    try {
      profile = deserializeFromString(row.profile);
    } catch (error) {
      // A checkpoint we cannot read (a format change): start the baseline again rather than stop ingesting.
      log.warn({ err: error, user }, 'unreadable profile checkpoint; the baseline restarts');
    }
  }
  const state = emptyUserAnalysis(profile);
  if (row === undefined) return state;
  state.risk = { score: row.riskScore ?? 0, level: (row.riskLevel as RiskLevel | null) ?? 'LOW', peak: row.peakRiskScore ?? row.riskScore ?? 0 };
  state.recent = row.recent.map((r) => ({ sessionId: r.sessionId, score: r.score, endedAt: r.endedAt }));
  for (const a of row.open) {
    const finding = fusionFromAnomaly(user, a);
    if (finding === null) continue;
    const list = state.openFindings.get(finding.sessionId) ?? [];
    list.push(finding);
    state.openFindings.set(finding.sessionId, list);
  }
  return state;
}

export function fusionFromAnomaly(user: string, a: Record<string, unknown>): FusionFinding | null {
  if (typeof a.sessionId !== 'string' || typeof a.indicatorId !== 'string') return null;
  let evidence: Json = null;
  try {
    evidence = JSON.parse(String(a.evidence)) as Json;
  } catch {
    evidence = null;
  }
  const ev = (evidence ?? {}) as { peer?: { degree?: number }; observed?: { label?: string; value?: unknown } };
  const out: FusionFinding = {
    indicatorId: a.indicatorId,
    anchorScore: Number(a.anchorScore ?? 0),
    learning: a.learning === true,
    reason: String(a.reason ?? ''),
    evidence,
    eventIds: Array.isArray(a.eventIds) ? (a.eventIds as string[]) : [],
    userId: user,
    sessionId: a.sessionId,
    ts: Number(a.at ?? 0),
    exfiltration: a.exfiltration === true,
  };
  if (typeof ev.peer?.degree === 'number') out.peerDegree = ev.peer.degree;
  if (typeof a.pValue === 'number') out.pValue = a.pValue;
  if (typeof a.fact === 'string') out.fact = a.fact;
  if (ev.observed?.label === 'asset' && typeof ev.observed.value === 'string') out.assets = [ev.observed.value];
  return out;
}

/** A deterministic id: the same finding of a replayed batch is the same node. */
export function anomalyId(f: Finding): string {
  const key = [f.indicatorId, f.user, f.sessionId ?? '', String(f.at), ...f.evidence.eventIds, String(f.evidence.observed.value)].join('\u0000');
  return `anomaly-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

export function anomalyRow(f: Finding): { id: string; sessionId: string | null; props: Record<string, unknown> } {
  const test = f.evidence.test;
  return {
    id: anomalyId(f),
    sessionId: f.sessionId,
    props: {
      indicatorId: f.indicatorId,
      family: f.family,
      title: f.title,
      user: f.user,
      sessionId: f.sessionId,
      at: f.at,
      evaluatedAt: f.evaluatedAt,
      learning: f.learning,
      anchorScore: f.anchorScore,
      testKind: f.testKind,
      pValue: test.kind === 'p-value' ? test.pValue : null,
      fact: test.kind === 'fact' ? test.fact : null,
      reason: f.reason,
      evidence: JSON.stringify(f.evidence),
      eventIds: f.evidence.eventIds,
      exfiltration: f.exfiltration,
      amplifiers: f.amplifiers,
    },
  };
}

export function timelineRows(events: readonly NormalizedEvent[], eventSessions: ReadonlyMap<string, string>, cap: number) {
  const bySession = new Map<string, NormalizedEvent[]>();
  for (const e of events) {
    const id = eventSessions.get(e.id);
    if (id === undefined) continue;
    const list = bySession.get(id);
    if (list === undefined) bySession.set(id, [e]);
    else list.push(e);
  }
  return [...bySession].map(([sessionId, list]) => ({
    sessionId,
    seq: list[0]!.ts,
    events: JSON.stringify(list.slice(0, cap).map(compactEvent)),
    omitted: Math.max(0, list.length - cap),
  }));
}

export function compactEvent(e: NormalizedEvent): Record<string, unknown> {
  // A checkout's target is the secret (an Asset of kind secret), not the vault application.
  const target = e.secretId ?? e.asset ?? e.app ?? e.domain ?? e.url ?? e.filePath ?? e.emailTo?.join(', ') ?? e.host ?? null;
  const targetType = e.secretId !== undefined || e.asset !== undefined ? 'Asset' : e.app !== undefined ? 'Application' : e.domain !== undefined ? 'Domain' : e.url !== undefined ? 'Url' : e.filePath !== undefined ? 'File' : e.emailTo !== undefined ? 'Email' : e.host !== undefined ? 'Device' : null;
  return {
    id: e.id,
    ts: e.ts,
    category: e.category,
    action: e.action,
    outcome: e.outcome,
    target,
    targetType,
    ip: e.ip ?? null,
    country: e.country ?? null,
    city: e.city ?? null,
    bytesIn: e.bytesIn ?? null,
    bytesOut: e.bytesOut ?? null,
    command: e.command ?? null,
  };
}

export function serializeTriggerStats(stats: TriggerStats): string {
  return JSON.stringify({
    fittedAt: stats.fittedAt,
    population: { sessions: stats.population.sessions, triggers: [...stats.population.triggers] },
    users: [...stats.users].map(([u, c]) => [u, c.sessions, [...c.triggers]]),
    populationRate: [...stats.populationRate],
    unseenRate: stats.unseenRate,
  });
}

export function deserializeTriggerStats(text: string): TriggerStats {
  const o = JSON.parse(text) as {
    fittedAt: number | null;
    population: { sessions: number; triggers: Array<[string, number]> };
    users: Array<[string, number, Array<[string, number]>]>;
    populationRate: Array<[string, number]>;
    unseenRate: number;
  };
  return {
    fittedAt: o.fittedAt,
    population: { sessions: o.population.sessions, triggers: new Map(o.population.triggers) },
    users: new Map(o.users.map(([u, sessions, triggers]) => [u, { sessions, triggers: new Map(triggers) }])),
    populationRate: new Map(o.populationRate),
    unseenRate: o.unseenRate,
  };
}

