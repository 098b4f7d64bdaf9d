/**
 * What fusion reads: a small structural view of one triggered indicator and of the context it
 * is scored in. Fusion does not import the indicators' own types (src/analytics/indicators/),
 * so either side can move; the pipeline adapts a `Finding` to a `FusionFinding` at the seam.
 * Times are epoch ms UTC.
 */

/** JSON-safe value: evidence is carried as-is from the indicator into the explanation. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface FusionFinding {
  /** Stable indicator id, e.g. `first-access-asset`. */
  indicatorId: string;
  /** Expert anchor score of the indicator before calibration, points (the catalogue uses 5–60). */
  anchorScore: number;
  /** Found while the baseline was immature or in global learning mode: explained, not scored. */
  learning: boolean;
  /** Degree of membership (0–1) of the user in the peer group a peer-level finding was tested against. */
  peerDegree?: number;
  /** The statistical test's p-value, for p-value indicators. */
  pValue?: number;
  /** The fact that holds, for fact indicators (e.g. 'activity after termination'). */
  fact?: string;
  /** Human-readable reason, written by the indicator from its evidence. */
  reason: string;
  /** The indicator's evidence (observed value, baseline, peer statistics), opaque to fusion. */
  evidence: Json;
  /** Events the finding rests on. */
  eventIds: readonly string[];
  userId: string;
  sessionId: string;
  /** When the behaviour happened. */
  ts: number;
  /** Exfiltration-type indicator (volume, peer volume): amplified for departing employees. */
  exfiltration?: boolean;
  /** Assets the finding concerns, for asset criticality; the most critical one counts. */
  assets?: readonly string[];
}

export const EMPLOYMENT_STATUS = Object.freeze({
  ACTIVE: 'ACTIVE',
  NOTICE_GIVEN: 'NOTICE_GIVEN',
  ON_LEAVE: 'ON_LEAVE',
  TERMINATED: 'TERMINATED',
} as const);
export type EmploymentStatus = (typeof EMPLOYMENT_STATUS)[keyof typeof EMPLOYMENT_STATUS];

/** A user's HR status as fusion and the login decision read it. */
export interface HrStatus {
  status: EmploymentStatus;
  /** When the status takes effect; absent means already in effect. */
  effectiveDate?: number;
  /** The last working day (its start, epoch ms); the employee leaves at its end. */
  lastDay?: number;
}
