/**
 * The detection report of `riskgraph eval`, pure: from the scores the product gave every user
 * and session, the alerts it raised and the labelled ground truth, the ranking metrics per key
 * space (users ranked by peak risk; user-days by their highest session score), where each
 * scenario's attackers rank, where the hard negatives rank, false alerts per 100 users per
 * day, and per indicator the points it gave attackers and everyone else. Days are UTC
 * calendar days.
 *
 * User-days: when the active user-days are given (every user-day with any activity event),
 * they are the key space: a day without a scored session scores 0, and the positives are the
 * labelled days with activity (a labelled day without a single event is not something a
 * detector could have ranked). Without them, the keys are the days with scored sessions plus
 * the labelled days.
 *
 * Visibility: a label may list the data files that carry the attacker's trace (`traces`,
 * e.g. `logon|device|http|ldap`). When the kinds of files given to the evaluation are known,
 * an attacker is visible if any activity file among them carries the trace — a departure in
 * LDAP alone does not count, since benign people leave too — and the `visible` ranking leaves
 * the invisible attackers out of the universe altogether.
 */
import { attackerRanks, falseAlertsPer100UsersPerDay, rankingReport, type RankingReport, userDayKey } from './ranking-metrics.ts';
import { roundScore } from '../fusion/rounding.ts';

const DAY_MS = 86_400_000;

export interface LabelWindow {
  user: string;
  scenario: string;
  start: number;
  end: number;
  /** Data files carrying the attacker's trace (labels column `traces`, `|`-separated); absent when not given. */
  traces?: string[];
}

/** One finding's points in a session's explanation. */
export interface ContributionRow {
  user: string;
  indicatorId: string;
  /** Points added to the session score (0 when the finding was not scored). */
  value: number;
}

/** Findings (anomalies) of one indicator for one user. */
export interface FindingCount {
  user: string;
  indicatorId: string;
  learning: boolean;
  count: number;
}

export interface DetectionInputs {
  users: ReadonlyArray<{ user: string; riskScore: number; peakRiskScore: number }>;
  sessions: ReadonlyArray<{ user: string; start: number; score: number }>;
  alerts: ReadonlyArray<{ user: string; start: number | null }>;
  attacks: readonly LabelWindow[];
  benign: readonly LabelWindow[];
  /** Days the dataset covers. */
  days: number;
  /** Every user-day key (`userDayKey`) with at least one activity event; see the header. */
  activeUserDays?: Iterable<string>;
  /** Points of every finding in the scored sessions' explanations, for the per-indicator breakdown. */
  contributions?: readonly ContributionRow[];
  /** Findings per user and indicator, for the firing counts. */
  findings?: readonly FindingCount[];
  /** Kinds of data files given to the evaluation (`logon`, `ldap`, …); absent: every label is visible. */
  files?: ReadonlySet<string>;
}

/** One indicator's share of the scores: attackers' side and everyone else's. */
export interface IndicatorBreakdown {
  indicatorId: string;
  attackerPoints: number;
  otherPoints: number;
  /** Scored (non-learning) findings. */
  attackerFirings: number;
  otherFirings: number;
  /** Findings logged while learning (not scored). */
  learningFirings: number;
  attackersHit: number;
  othersHit: number;
}

export interface VisibleReport {
  attackers: number;
  /** Attackers whose trace is not in the files given: left out of this ranking. */
  invisible: string[];
  users: RankingReport;
  goalRank: number;
  allWithinGoal: boolean;
  ranks: Array<{ user: string; scenario: string; rank: number; withinGoal: boolean }>;
}

export interface ScenarioResult {
  scenario: string;
  attackers: Array<{ user: string; peakRisk: number; rank: number; withinTwiceAttackers: boolean; alerted: boolean }>;
  /** The attackers' ranks, best first, and the median of them. */
  ranks: number[];
  medianRank: number;
  withinGoal: number;
  /** Whether the scenario's trace is in the files given (true when unknown). */
  visible: boolean;
}

export interface DetectionReport {
  users: RankingReport;
  userDays: RankingReport;
  attackers: number;
  /** 2 × attackers: every attacker should rank within this. */
  goalRank: number;
  allAttackersWithinGoal: boolean;
  scenarios: ScenarioResult[];
  hardNegatives: Array<{ user: string; scenario: string; peakRisk: number; rank: number; alerted: boolean }>;
  alerts: number;
  alertsPer100UsersPerDay: number | null;
  falseAlertsPer100UsersPerDay: number | null;
  days: number;
  /** Ranking of the visible attackers only; null when no label says where its trace is or the files are unknown. */
  visible: VisibleReport | null;
  /** Per indicator, highest total points first. */
  indicators: IndicatorBreakdown[];
}

export function parseLabelsCsv(text: string): LabelWindow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) return [];
  const header = lines[0]!.split(',').map((h) => h.trim());
  const at = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`labels: missing column ${name} (header: ${lines[0]})`);
    return i;
  };
  const [u, s, a, b] = [at('user'), at('scenario'), at('start'), at('end')];
  const t = header.indexOf('traces');
  return lines.slice(1).map((line, n) => {
    const cells = line.split(',');
    const start = Date.parse(cells[a] ?? '');
    const end = Date.parse(cells[b] ?? '');
    if (!cells[u] || !Number.isFinite(start) || !Number.isFinite(end)) throw new Error(`labels line ${n + 2}: expected user,scenario,start,end with ISO times: ${line}`);
    const label: LabelWindow = { user: cells[u]!, scenario: cells[s] ?? '', start, end };
    if (t >= 0) label.traces = (cells[t] ?? '').split('|').map((x) => x.trim()).filter((x) => x !== '');
    return label;
  });
}

/** Files that show activity; LDAP shows only who is employed. */
const DIRECTORY_FILES = new Set(['ldap']);

/**
 * Whether `traces` meet the activity files given. Unknown traces or unknown files: visible.
 */
export function traceVisible(traces: readonly string[] | undefined, files: ReadonlySet<string> | undefined): boolean {
  if (traces === undefined || files === undefined) return true;
  return traces.some((t) => !DIRECTORY_FILES.has(t) && files.has(t));
}

function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return 0;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Per indicator: points and firings on attackers' side and everyone else's. */
export function indicatorBreakdown(
  contributions: readonly ContributionRow[],
  findings: readonly FindingCount[],
  attackers: ReadonlySet<string>,
): IndicatorBreakdown[] {
  const by = new Map<string, IndicatorBreakdown & { a: Set<string>; o: Set<string> }>();
  const entry = (id: string) => {
    let e = by.get(id);
    if (e === undefined) {
      e = { indicatorId: id, attackerPoints: 0, otherPoints: 0, attackerFirings: 0, otherFirings: 0, learningFirings: 0, attackersHit: 0, othersHit: 0, a: new Set(), o: new Set() };
      by.set(id, e);
    }
    return e;
  };
  for (const c of contributions) {
    const e = entry(c.indicatorId);
    if (attackers.has(c.user)) e.attackerPoints += c.value;
    else e.otherPoints += c.value;
  }
  for (const f of findings) {
    const e = entry(f.indicatorId);
    if (f.learning) {
      e.learningFirings += f.count;
      continue;
    }
    if (attackers.has(f.user)) {
      e.attackerFirings += f.count;
      e.a.add(f.user);
    } else {
      e.otherFirings += f.count;
      e.o.add(f.user);
    }
  }
  const round2 = (x: number) => Math.round(x * 100) / 100;
  return [...by.values()]
    .map(({ a, o, ...e }) => ({ ...e, attackerPoints: round2(e.attackerPoints), otherPoints: round2(e.otherPoints), attackersHit: a.size, othersHit: o.size }))
    .sort((x, y) => y.attackerPoints + y.otherPoints - (x.attackerPoints + x.otherPoints) || (x.indicatorId < y.indicatorId ? -1 : 1));
}

function daysOf(w: LabelWindow): string[] {
  const keys: string[] = [];
  for (let d = Math.floor(w.start / DAY_MS) * DAY_MS; d <= w.end; d += DAY_MS) keys.push(userDayKey(w.user, d));
  return keys;
}

export function detectionReport(input: DetectionInputs, ks: readonly number[] = [5, 10, 20, 50]): DetectionReport {
  const userScores = new Map<string, number>();
  for (const u of input.users) userScores.set(u.user, u.peakRiskScore);
  const attackers = new Set(input.attacks.map((a) => a.user));
  for (const a of attackers) if (!userScores.has(a)) userScores.set(a, 0);

  const dayScores = new Map<string, number>();
  const active = input.activeUserDays === undefined ? null : new Set(input.activeUserDays);
  if (active !== null) for (const k of active) dayScores.set(k, 0);
  for (const s of input.sessions) {
    const key = userDayKey(s.user, s.start);
    dayScores.set(key, Math.max(dayScores.get(key) ?? 0, s.score));
  }
  const labelledDays = new Set(input.attacks.flatMap(daysOf));
  // With the active days known, a labelled day without any activity is not a key.
  const attackDays = active === null ? labelledDays : new Set([...labelledDays].filter((k) => dayScores.has(k)));
  for (const k of attackDays) if (!dayScores.has(k)) dayScores.set(k, 0);

  const alertedUsers = new Set(input.alerts.map((a) => a.user));
  const alertKeys = new Set(input.alerts.map((a) => (a.start === null ? `${a.user}\u0000alert` : userDayKey(a.user, a.start))));
  // An alert on an attacker's user-day inside (or touching) the attack window is true.
  const truthDays = new Set([...attackDays, ...input.attacks.map((a) => `${a.user}\u0000alert`)]);

  const byScenario = new Map<string, Set<string>>();
  for (const a of input.attacks) byScenario.set(a.scenario, new Set([...(byScenario.get(a.scenario) ?? []), a.user]));
  const ranks = attackerRanks(userScores, byScenario);
  const tracesOf = new Map<string, string[] | undefined>();
  for (const a of input.attacks) tracesOf.set(a.user, a.traces);
  const scenarios: ScenarioResult[] = [...ranks].map(([scenario, list]) => {
    const sortedRanks = list.map((r) => r.worstRank).sort((a, b) => a - b);
    return {
      scenario,
      attackers: list.map((r) => ({ user: r.user, peakRisk: roundScore(r.score), rank: r.worstRank, withinTwiceAttackers: r.withinTwiceAttackers, alerted: alertedUsers.has(r.user) })),
      ranks: sortedRanks,
      medianRank: median(sortedRanks),
      withinGoal: list.filter((r) => r.withinTwiceAttackers).length,
      visible: list.some((r) => traceVisible(tracesOf.get(r.user), input.files)),
    };
  });
  const sorted = [...userScores.values()].sort((a, b) => b - a);
  const rankOf = (score: number): number => sorted.filter((v) => v >= score).length;
  const userCount = userScores.size;
  return {
    users: rankingReport(userScores, attackers, ks),
    userDays: rankingReport(dayScores, attackDays, ks),
    attackers: attackers.size,
    goalRank: 2 * attackers.size,
    allAttackersWithinGoal: scenarios.every((s) => s.attackers.every((a) => a.withinTwiceAttackers)),
    scenarios,
    hardNegatives: input.benign.map((b) => {
      const peakRisk = userScores.get(b.user) ?? 0;
      return { user: b.user, scenario: b.scenario, peakRisk: roundScore(peakRisk), rank: rankOf(peakRisk), alerted: alertedUsers.has(b.user) };
    }),
    alerts: input.alerts.length,
    alertsPer100UsersPerDay: userCount > 0 && input.days > 0 ? (100 * input.alerts.length) / (userCount * input.days) : null,
    falseAlertsPer100UsersPerDay: falseAlertsPer100UsersPerDay(alertKeys, truthDays, userCount, input.days),
    days: input.days,
    visible: visibleReport(userScores, input, byScenario, ks),
    indicators: indicatorBreakdown(input.contributions ?? [], input.findings ?? [], attackers),
  };
}

function visibleReport(
  userScores: ReadonlyMap<string, number>,
  input: DetectionInputs,
  byScenario: ReadonlyMap<string, ReadonlySet<string>>,
  ks: readonly number[],
): VisibleReport | null {
  if (input.files === undefined || !input.attacks.some((a) => a.traces !== undefined)) return null;
  const visible = new Set<string>();
  const invisible = new Set<string>();
  for (const a of input.attacks) (traceVisible(a.traces, input.files) ? visible : invisible).add(a.user);
  for (const u of visible) invisible.delete(u);
  const scores = new Map([...userScores].filter(([u]) => !invisible.has(u)));
  const scenarios = new Map<string, Set<string>>();
  for (const [scenario, users] of byScenario) {
    const kept = new Set([...users].filter((u) => visible.has(u)));
    if (kept.size > 0) scenarios.set(scenario, kept);
  }
  const ranks = [...attackerRanks(scores, scenarios)].flatMap(([scenario, list]) =>
    list.map((r) => ({ user: r.user, scenario, rank: r.worstRank, withinGoal: r.withinTwiceAttackers })),
  );
  return {
    attackers: visible.size,
    invisible: [...invisible].sort(),
    users: rankingReport(scores, visible, ks),
    goalRank: 2 * visible.size,
    allWithinGoal: ranks.every((r) => r.withinGoal),
    ranks,
  };
}

const fmt = (x: number | null): string => (x === null ? '—' : x.toFixed(3));

/** The report as a plain-text table for the terminal. */
export function formatDetectionReport(r: DetectionReport): string {
  const lines: string[] = [];
  const ks = Object.keys(r.users.precisionAtK);
  lines.push(`key space   keys  positives  ${ks.map((k) => `P@${k}`.padStart(6)).join(' ')}  ${ks.map((k) => `R@${k}`.padStart(6)).join(' ')}     AP    AUC`);
  for (const [name, m] of [['users', r.users], ['user-days', r.userDays]] as const) {
    lines.push(
      `${name.padEnd(10)} ${String(m.keys).padStart(5)} ${String(m.positives).padStart(10)}  ${ks.map((k) => fmt(m.precisionAtK[Number(k)] ?? null).padStart(6)).join(' ')}  ${ks.map((k) => fmt(m.recallAtK[Number(k)] ?? null).padStart(6)).join(' ')}  ${fmt(m.averagePrecision)}  ${fmt(m.rocAuc)}`,
    );
  }
  lines.push('');
  lines.push(`scenario                          user            peak risk  rank (goal ≤ ${r.goalRank})  alerted`);
  for (const s of r.scenarios) {
    for (const a of s.attackers) {
      lines.push(`${s.scenario.padEnd(33)} ${a.user.padEnd(15)} ${a.peakRisk.toFixed(2).padStart(9)}  ${String(a.rank).padStart(4)} ${a.withinTwiceAttackers ? 'ok  ' : 'MISS'}            ${a.alerted ? 'yes' : 'no'}`);
    }
  }
  lines.push('');
  lines.push(`scenario                          attackers  within goal  median rank  ranks${r.visible === null ? '' : '  (visible in the files given)'}`);
  for (const s of r.scenarios) {
    lines.push(`${s.scenario.padEnd(33)} ${String(s.attackers.length).padStart(9)}  ${String(s.withinGoal).padStart(11)}  ${String(s.medianRank).padStart(11)}  ${s.ranks.join(' ')}${r.visible === null ? '' : s.visible ? '  yes' : '  no'}`);
  }
  if (r.visible !== null) {
    const v = r.visible;
    lines.push('');
    lines.push(`visible attackers ${v.attackers} (invisible, left out: ${v.invisible.length}): P@${ks[1] ?? ks[0]} ${fmt(v.users.precisionAtK[Number(ks[1] ?? ks[0])] ?? null)}  AP ${fmt(v.users.averagePrecision)}  AUC ${fmt(v.users.rocAuc)}; every visible attacker within rank ${v.goalRank}: ${v.allWithinGoal ? 'yes' : 'no'}`);
  }
  if (r.hardNegatives.length > 0) {
    lines.push('');
    lines.push('hard negative                     user            peak risk  rank  alerted');
    for (const b of r.hardNegatives) {
      lines.push(`${b.scenario.padEnd(33)} ${b.user.padEnd(15)} ${b.peakRisk.toFixed(2).padStart(9)}  ${String(b.rank).padStart(4)}  ${b.alerted ? 'yes' : 'no'}`);
    }
  }
  if (r.indicators.length > 0) {
    lines.push('');
    lines.push('indicator                          points: attackers    others   firings: attackers  others  learning   users hit: attackers  others');
    for (const i of r.indicators) {
      lines.push(`${i.indicatorId.padEnd(34)} ${i.attackerPoints.toFixed(2).padStart(18)} ${i.otherPoints.toFixed(2).padStart(9)}  ${String(i.attackerFirings).padStart(19)} ${String(i.otherFirings).padStart(7)} ${String(i.learningFirings).padStart(9)}  ${String(i.attackersHit).padStart(20)} ${String(i.othersHit).padStart(7)}`);
    }
  }
  lines.push('');
  lines.push(`alerts ${r.alerts} (${fmt(r.alertsPer100UsersPerDay)} per 100 users per day); false alerts per 100 users per day ${fmt(r.falseAlertsPer100UsersPerDay)} (goal ≤ 1); every attacker within rank ${r.goalRank}: ${r.allAttackersWithinGoal ? 'yes' : 'no'}`);
  return lines.join('\n');
}
