/**
 * The settings the analysis reads on every batch, as one immutable snapshot: the global mode
 * (learning / enforcement), the indicator registry with the administrator's configuration
 * applied, and the threat-intelligence lists. Admins change them through the API (stored in the
 * graph by the settings repository); the pipeline asks the source for the current snapshot per
 * batch and compares `version` to know when anything changed.
 */
import type { ThreatIntel } from './indicators/context.ts';
import type { Indicator } from './indicators/indicator.ts';
import { INDICATORS } from './indicators/registry.ts';
import type { EnforcementMode } from './maturity.ts';

export interface AnalysisSettings {
  /** Grows with every change; equal versions mean equal settings. */
  version: number;
  mode: EnforcementMode;
  /** The registry with the indicator configuration applied (frozen). */
  indicators: readonly Indicator[];
  threatIntel: ThreatIntel;
}

/** Where the pipeline gets the settings; cheap to call (cached by the implementation). */
export interface AnalysisSettingsSource {
  current(): Promise<AnalysisSettings>;
}

/** Enforcement, the built-in catalogue as shipped, no threat intelligence. */
export const DEFAULT_ANALYSIS_SETTINGS: AnalysisSettings = Object.freeze({
  version: 0,
  mode: 'enforcement',
  indicators: INDICATORS,
  threatIntel: Object.freeze({ ips: new Set<string>(), domains: new Set<string>() }),
});
