/**
 * The detection report of `riskgraph eval`, pure: from the scores the product gave every user
 * and session, the alerts it raised and the labelled ground truth, the ranking metrics per key
 * space (users ranked by peak risk; user-days by their highest session score), where each
 * scenario's attackers rank, where the hard negatives rank, and false alerts per 100 users per
 * day. Days are UTC calendar days.
 */
import { attackerRanks, falseAlertsPer100UsersPerDay, rankingReport, type RankingReport, userDayKey } from './ranking-metrics.ts';

const DAY_MS = 86_400_000;

export interface LabelWindow {
  user: string;
  scenario: string;
  start: number;
  end: number;
}

export interface DetectionInputs {
  users: ReadonlyArray<{ user: string; riskScore: number; peakRiskScore: number }>;
  sessions: ReadonlyArray<{ user: string; start: number; score: number }>;
  alerts: ReadonlyArray<{ user: string; start: number | null }>;
  attacks: readonly LabelWindow[];
  benign: readonly LabelWindow[];
  /** Days the dataset covers. */
  days: number;
}

export interface ScenarioResult {
  scenario: string;
  attackers: Array<{ user: string; peakRisk: number; rank: number; withinTwiceAttackers: boolean; alerted: boolean }>;
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
  falseAlertsPer100UsersPerDay: number | null;
  days: number;
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
  return lines.slice(1).map((line, n) => {
    const cells = line.split(',');
    const start = Date.parse(cells[a] ?? '');
    const end = Date.parse(cells[b] ?? '');
    if (!cells[u] || !Number.isFinite(start) || !Number.isFinite(end)) throw new Error(`labels line ${n + 2}: expected user,scenario,start,end with ISO times: ${line}`);
    return { user: cells[u]!, scenario: cells[s] ?? '', start, end };
  });
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
  for (const s of input.sessions) {
    const key = userDayKey(s.user, s.start);
    dayScores.set(key, Math.max(dayScores.get(key) ?? 0, s.score));
  }
  const attackDays = new Set(input.attacks.flatMap(daysOf));
  for (const k of attackDays) if (!dayScores.has(k)) dayScores.set(k, 0);

  const alertedUsers = new Set(input.alerts.map((a) => a.user));
  const alertKeys = new Set(input.alerts.map((a) => (a.start === null ? `${a.user}\u0000alert` : userDayKey(a.user, a.start))));
  // An alert on an attacker's user-day inside (or touching) the attack window is true.
  const truthDays = new Set([...attackDays, ...input.attacks.map((a) => `${a.user}\u0000alert`)]);

  const byScenario = new Map<string, Set<string>>();
  for (const a of input.attacks) byScenario.set(a.scenario, new Set([...(byScenario.get(a.scenario) ?? []), a.user]));
  const ranks = attackerRanks(userScores, byScenario);
  const scenarios: ScenarioResult[] = [...ranks].map(([scenario, list]) => ({
    scenario,
    attackers: list.map((r) => ({ user: r.user, peakRisk: r.score, rank: r.worstRank, withinTwiceAttackers: r.withinTwiceAttackers, alerted: alertedUsers.has(r.user) })),
  }));
  const sorted = [...userScores.values()].sort((a, b) => b - a);
  const rankOf = (score: number): number => sorted.filter((v) => v >= score).length;
  return {
    users: rankingReport(userScores, attackers, ks),
    userDays: rankingReport(dayScores, attackDays, ks),
    attackers: attackers.size,
    goalRank: 2 * attackers.size,
    allAttackersWithinGoal: scenarios.every((s) => s.attackers.every((a) => a.withinTwiceAttackers)),
    scenarios,
    hardNegatives: input.benign.map((b) => {
      const peakRisk = userScores.get(b.user) ?? 0;
      return { user: b.user, scenario: b.scenario, peakRisk, rank: rankOf(peakRisk), alerted: alertedUsers.has(b.user) };
    }),
    alerts: input.alerts.length,
    falseAlertsPer100UsersPerDay: falseAlertsPer100UsersPerDay(alertKeys, truthDays, userScores.size, input.days),
    days: input.days,
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
  if (r.hardNegatives.length > 0) {
    lines.push('');
    lines.push('hard negative                     user            peak risk  rank  alerted');
    for (const b of r.hardNegatives) {
      lines.push(`${b.scenario.padEnd(33)} ${b.user.padEnd(15)} ${b.peakRisk.toFixed(2).padStart(9)}  ${String(b.rank).padStart(4)}  ${b.alerted ? 'yes' : 'no'}`);
    }
  }
  lines.push('');
  lines.push(`alerts ${r.alerts}; false alerts per 100 users per day ${fmt(r.falseAlertsPer100UsersPerDay)} (goal ≤ 1); every attacker within rank ${r.goalRank}: ${r.allAttackersWithinGoal ? 'yes' : 'no'}`);
  return lines.join('\n');
}
