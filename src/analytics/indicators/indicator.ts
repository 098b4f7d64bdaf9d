/**
 * Indicators: independent, pure, deterministic detectors, one family per file
 * (`<family>.indicator.ts`), gathered by the frozen registry (registry.ts) — the shape of
 * graphql-js validation rules.
 *
 * An indicator is metadata plus three pure functions over one evidence type:
 * - `collect(ctx, self)` measures: it returns the evidence for each candidate in the event or
 *   session (observed value, the baseline it is compared with, the p-value or fact, event ids);
 * - `holds(evidence, self)` is the predicate: whether that evidence is a finding under the
 *   indicator's current thresholds — it reads the evidence alone, so anyone holding a finding
 *   can re-check it;
 * - `explain(evidence)` writes the analyst's reason from the same evidence.
 * Detection and explanation share one evidence object and cannot drift apart (the BloodHound CE
 * pattern); the registry test checks that every finding's evidence satisfies `holds` and that
 * its reason is `explain` of it and names the observed value.
 */
import type { CategoryStats } from '../profiles/categorical.profile.ts';
import type { LastLocation } from '../profiles/geo.ts';
import type { HistogramView, NumericFeature } from '../profiles/histogram.profile.ts';
import type { CategoricalKind } from '../profiles/user-profile.ts';
import type { Maturity } from '../maturity.ts';
import type { DataSource, EventContext, Resolved, SessionContext } from './context.ts';

export const INDICATOR_FAMILIES = [
  'access',
  'peer-group',
  'time',
  'location',
  'volume',
  'authentication',
  'lateral-movement',
  'threat-intel',
  'dga',
  'account',
  'hr',
  'privileged',
] as const;
export type IndicatorFamily = (typeof INDICATOR_FAMILIES)[number];

export const TEST_KINDS = Object.freeze({ PValue: 'p-value', Fact: 'fact' } as const);
export type TestKind = (typeof TEST_KINDS)[keyof typeof TEST_KINDS];

/** The statistical test: a p-value compared with a threshold, or a fact that holds or not. */
export type IndicatorTest = { kind: 'p-value'; threshold: number } | { kind: 'fact' };

/**
 * Which baseline a finding stands on, for learning vs enforcement: `user` findings are
 * learning findings while the user's baseline is immature; `peers` and `none` (facts) are not.
 */
export type BaselineBasis = 'user' | 'peers' | 'none';

export type Scalar = number | string | boolean | null;

export interface IndicatorMeta {
  /** Stable kebab-case id, unique in the registry. */
  id: string;
  family: IndicatorFamily;
  title: string;
  description: string;
  /** Every source listed must have been seen for the indicator to be active. */
  dataSources: readonly DataSource[];
  /** Expert score of a finding before calibration, 0–100 (the catalogue uses 5–60). */
  anchorScore: number;
  test: IndicatorTest;
  /** Evaluated per event or per closed session. */
  scope: 'event' | 'session';
  basis: BaselineBasis;
  /** Exfiltration-type: marked (amplified) when the user is a departing employee. */
  exfiltration: boolean;
  /** Other thresholds, by name (configurable like the p-value threshold). */
  params: Readonly<Record<string, number>>;
  enabled: boolean;
  /**
   * Event indicators only: also collected on HR records (which are not behaviour), e.g. a
   * departure that makes the weeks before it suspect. Such an indicator must return nothing for
   * the events it does not handle.
   */
  onHrRecord?: boolean;
}

export interface Observed {
  /** What was observed, e.g. 'asset', 'bytes downloaded in session'. */
  label: string;
  value: number | string;
  /** How the reason writes it (the reason always contains this text). */
  display: string;
}

export type TestResult =
  | { kind: 'p-value'; pValue: number; threshold: number }
  | { kind: 'fact'; fact: string; holds: boolean };

/** Peer statistics a peer-level finding was tested against; `degree` calibrates fusion. */
export interface PeerEvidence {
  groupId: string;
  name: string;
  kind: 'behaviour' | 'organisation';
  degree: number;
  size: number;
}

/** The baseline an observation was tested against. JSON-safe. */
export type Baseline =
  | {
      kind: 'categorical';
      part: CategoricalKind;
      stats: CategoryStats;
      top: Array<{ key: string; count: number }>;
      /** Share of activity that brings new keys (the novelty p-value), when tested. */
      noveltyRate: number | null;
      halfLifeDays: number;
    }
  | {
      kind: 'temporal';
      part: 'hour' | 'day';
      tzOffsetMinutes: number;
      /** Decayed event counts per local hour (24) or ISO day (7, Monday first). */
      counts: number[];
      /** Smoothed probability of the observed bin. */
      probability: number;
      total: number;
      halfLifeDays: number;
    }
  | { kind: 'histogram'; feature: NumericFeature; histogram: HistogramView; typical: number; halfLifeDays: number }
  | { kind: 'peer-access'; entity: string; accessedBy: number; peers: number }
  | { kind: 'peer-feature'; feature: NumericFeature; median: number; mad: number; peers: number; robustZ: number }
  | { kind: 'travel'; previous: LastLocation; distanceKm: number; hours: number; speedKmh: number }
  | { kind: 'failed-logons'; windowMinutes: number; failures: number; histogram: HistogramView }
  | { kind: 'hr'; status: string; effectiveDate: number | null; lastDay: number | null }
  | { kind: 'threat-intel'; list: 'ip' | 'domain'; entry: string; listSize: number }
  | { kind: 'malware'; host: string; malwareAt: number; signature: string | null }
  | {
      kind: 'char-model';
      label: string;
      bitsPerChar: number;
      entropy: number;
      consonantRun: number;
      digitRatio: number;
      trainedOn: string;
    }
  | { kind: 'account'; accountType: string; basis: string; privilegedRole: boolean; knownDevices: number }
  | {
      kind: 'day-activity';
      /** What the days were counted for. */
      measure: 'work-hours' | 'weekend-days' | 'off-pattern-days' | 'daily-devices' | 'departure-rise';
      tzOffsetMinutes: number;
      /** Active days the baseline holds (before the window, for window tests). */
      activeDays: number;
      /** Of them, days with the property tested (a start in the band, a weekend, an off-pattern day, as many devices or more, removable media). */
      baselineDays: number;
      /** work-hours and off-pattern-days: active days at work in each local hour (24); otherwise empty. */
      counts: number[];
      /** Window tests: active days in the recent window and how many had the property; else null. */
      windowDays: number | null;
      windowHits: number | null;
    }
  | {
      kind: 'device-owner';
      device: string;
      /** The device's dominant user over the population's history, their share and logons. */
      owner: string;
      ownerShare: number;
      ownerCount: number;
      users: number;
      /** This user's own decayed accesses to the device, and how many devices they use. */
      userCount: number;
      userDevices: number;
    };

export interface Evidence<B extends Baseline = Baseline> {
  observed: Observed;
  test: TestResult;
  baseline: B;
  /** Events the finding rests on (ids), earliest first where it matters. */
  eventIds: string[];
  /** When the observed behaviour happened (event time, or the session's last event), epoch ms. */
  at: number;
  peer?: PeerEvidence;
  /** Further numbers the predicate reads (counts, distances, conditions). */
  facts: Record<string, Scalar>;
}

interface IndicatorFunctions<C, E extends Evidence> {
  collect(ctx: C, self: IndicatorMeta): E[];
  holds(evidence: E, self: IndicatorMeta): boolean;
  explain(evidence: E): string;
}

export interface EventIndicator<E extends Evidence = Evidence>
  extends IndicatorMeta,
    IndicatorFunctions<Resolved<EventContext>, E> {
  scope: 'event';
}

export interface SessionIndicator<E extends Evidence = Evidence>
  extends IndicatorMeta,
    IndicatorFunctions<Resolved<SessionContext>, E> {
  scope: 'session';
}

export type Indicator = EventIndicator | SessionIndicator;

export const AMPLIFIERS = Object.freeze({ DepartingEmployee: 'departing-employee' } as const);
export type Amplifier = (typeof AMPLIFIERS)[keyof typeof AMPLIFIERS];

/** One triggered indicator: what fusion scores and the analyst reads. JSON-safe. */
export interface Finding {
  indicatorId: string;
  family: IndicatorFamily;
  title: string;
  anchorScore: number;
  testKind: TestKind;
  user: string;
  sessionId: string | null;
  /** When the behaviour happened, epoch ms. */
  at: number;
  /** When it was evaluated (the clock), epoch ms. */
  evaluatedAt: number;
  /** Logged, not alerted: global learning mode or an immature baseline. */
  learning: boolean;
  /** The user baseline's maturity, for `user`-based indicators; null otherwise. */
  maturity: Maturity | null;
  exfiltration: boolean;
  /** Context that should raise the score, e.g. a departing employee's exfiltration. */
  amplifiers: Amplifier[];
  evidence: Evidence;
  reason: string;
}

/** The predicate of a p-value test. */
export function pValueHolds(evidence: Evidence): boolean {
  return evidence.test.kind === 'p-value' && evidence.test.pValue <= evidence.test.threshold;
}

/** The predicate of a fact. */
export function factHolds(evidence: Evidence): boolean {
  return evidence.test.kind === 'fact' && evidence.test.holds;
}

/** The p-value threshold of an indicator (0 for facts, which have none). */
export function thresholdOf(self: IndicatorMeta): number {
  return self.test.kind === 'p-value' ? self.test.threshold : 0;
}

/** A parameter the indicator declares; a missing one is a bug in the indicator's file. */
export function param(self: IndicatorMeta, name: string): number {
  const v = self.params[name];
  if (v === undefined) throw new Error(`indicator ${self.id} has no parameter ${name}`);
  return v;
}

export function defineEventIndicator<E extends Evidence>(spec: Omit<EventIndicator<E>, 'scope' | 'enabled'>): EventIndicator<E> {
  return Object.freeze({ ...spec, scope: 'event' as const, enabled: true, params: Object.freeze({ ...spec.params }) });
}

export function defineSessionIndicator<E extends Evidence>(spec: Omit<SessionIndicator<E>, 'scope' | 'enabled'>): SessionIndicator<E> {
  return Object.freeze({ ...spec, scope: 'session' as const, enabled: true, params: Object.freeze({ ...spec.params }) });
}
