/**
 * User risk: recent session scores with exponential decay, squashed to 0–100.
 *
 *   raw  = Σ_s score_s · 2^(−age_s / halfLife)     over sessions with age_s ≤ window
 *          (age_s = now − session end; sessions ending after `now` count with age 0)
 *   risk = 100 · (1 − exp(−raw / scale))            scale = 100 points by default
 *
 * With scale 100, one session of 60 points gives 45.1 (MODERATE), 100 points 63.2 (HIGH),
 * 140 points 75.3 (CRITICAL); risk approaches but never reaches 100, so ranking is kept at the
 * top. Levels: 25 / 50 / 75, lower bounds, defined here and read by the API
 * (src/api/risk-level.ts), so the pure core imports nothing from the API layer.
 *
 * Explanation: risk (rounded to hundredths) is apportioned over the sessions in proportion to
 * their decayed scores by largest remainder, so the session contributions add up exactly to
 * the risk (rounding.ts).
 */
import { apportion, sumInOrder, SCALE, toHundredths } from './rounding.ts';

export const RISK_LEVEL = Object.freeze({ LOW: 'LOW', MODERATE: 'MODERATE', HIGH: 'HIGH', CRITICAL: 'CRITICAL' } as const);
export type RiskLevel = (typeof RISK_LEVEL)[keyof typeof RISK_LEVEL];

/** Lower bounds, highest first (the API's risk levels read these). */
export const RISK_LEVEL_MINIMA: ReadonlyArray<{ level: RiskLevel; min: number }> = Object.freeze([
  { level: RISK_LEVEL.CRITICAL, min: 75 },
  { level: RISK_LEVEL.HIGH, min: 50 },
  { level: RISK_LEVEL.MODERATE, min: 25 },
  { level: RISK_LEVEL.LOW, min: -Infinity },
]);

export function riskLevel(score: number): RiskLevel {
  return RISK_LEVEL_MINIMA.find((t) => score >= t.min)!.level;
}

export interface UserRiskConfig {
  /** Half-life of a session's weight in user risk, ms. */
  halfLifeMs: number;
  /** Sessions older than this are ignored, ms. */
  windowMs: number;
  /** Squashing scale, points: raw = scale gives risk 63.2. */
  scale: number;
}

const DAY_MS = 86_400_000;

export const DEFAULT_USER_RISK_CONFIG: UserRiskConfig = Object.freeze({ halfLifeMs: 7 * DAY_MS, windowMs: 30 * DAY_MS, scale: 100 });

/** One scored session as user risk reads it. */
export interface ScoredSession {
  sessionId: string;
  /** Session score, points. */
  score: number;
  /** When the session ended (its last event), epoch ms. */
  endedAt: number;
}

export interface SessionRiskContribution {
  sessionId: string;
  sessionScore: number;
  ageMs: number;
  /** 2^(−age/halfLife). */
  decay: number;
  /** sessionScore × decay, points of raw. */
  decayedScore: number;
  /** Share of the 0–100 risk, hundredths; the values add up exactly to `UserRisk.score`. */
  value: number;
}

export interface UserRisk {
  userId: string;
  /** 0–100, hundredths; the left-to-right sum of the contributions' values. */
  score: number;
  level: RiskLevel;
  /** Σ decayed session scores before squashing, points. */
  raw: number;
  /** Highest value first. */
  contributions: SessionRiskContribution[];
  computedAt: number;
}

/** 100 · (1 − exp(−raw/scale)). */
export function squash(raw: number, scale: number): number {
  return raw > 0 ? 100 * (1 - Math.exp(-raw / scale)) : 0;
}

export function userRisk(userId: string, sessions: readonly ScoredSession[], now: number, config: UserRiskConfig = DEFAULT_USER_RISK_CONFIG): UserRisk {
  const kept = sessions
    .filter((s) => s.score > 0 && now - s.endedAt <= config.windowMs)
    .map((s) => {
      const ageMs = Math.max(0, now - s.endedAt);
      const decay = Math.pow(2, -ageMs / config.halfLifeMs);
      return { sessionId: s.sessionId, sessionScore: s.score, ageMs, decay, decayedScore: s.score * decay };
    })
    .sort((a, b) => b.decayedScore - a.decayedScore || a.sessionId.localeCompare(b.sessionId));
  const raw = sumInOrder(kept.map((s) => s.decayedScore));
  const shares = apportion(toHundredths(squash(raw, config.scale)), kept.map((s) => s.decayedScore));
  const contributions = kept
    .map((s, i) => ({ ...s, value: (shares[i] ?? 0) / SCALE }))
    .filter((c) => c.value > 0)
    .sort((a, b) => b.value - a.value);
  const score = sumInOrder(contributions.map((c) => c.value));
  return { userId, score, level: riskLevel(score), raw, contributions, computedAt: now };
}
