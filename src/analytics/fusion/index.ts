/** The fusion core's public surface: calibration, down-weighting, session and user risk, alerts, login decisions. */
export * from './fusion-finding.ts';
export * from './calibration.ts';
export * from './trigger-stats.ts';
export * from './rounding.ts';
export * from './session-score.ts';
export * from './user-risk.ts';
export * from './alert-decision.ts';
export * from './login-decision.ts';
