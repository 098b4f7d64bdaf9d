import {
  RISK_LEVEL,
  RISK_LEVEL_MINIMA,
  riskLevel,
  type RiskLevel as FusionRiskLevel,
} from '../analytics/fusion/user-risk.ts';

/**
 * Risk levels over the 0–100 user risk score, as the scoring core defines them
 * (analytics/fusion/user-risk.ts): thresholds are lower bounds, highest first, kept in that one
 * place so the API cannot show a level the scoring did not mean.
 */
export const RiskLevel = RISK_LEVEL;
export type RiskLevel = FusionRiskLevel;

export const RISK_LEVEL_THRESHOLDS = RISK_LEVEL_MINIMA;

export const RISK_LEVEL_ORDER: readonly RiskLevel[] = Object.freeze(['LOW', 'MODERATE', 'HIGH', 'CRITICAL']);

export const riskLevelOf: (score: number) => RiskLevel = riskLevel;
