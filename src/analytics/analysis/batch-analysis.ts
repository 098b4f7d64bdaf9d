/**
 * One batch through the analytics, pure: for every event in time order, the indicators are
 * evaluated on the user's profile *before* it learns from the event, then the profile learns
 * it; for every session the step closed, the session indicators run on its accumulated
 * features, then the numeric baselines learn them. Findings are fused into session scores
 * (fusion/session-score.ts), sessions into user risk (fusion/user-risk.ts), and the alert
 * policy decides what to raise (fusion/alert-decision.ts).
 *
 * The caller passes working copies of the per-user state (`UserAnalysis`) and adopts them once
 * the batch is committed; this function mutates only those copies and `seenSources`.
 * Trigger statistics are read, not written: the sessions closed here are returned so the
 * caller records them after the commit.
 */
import type { HrRecord, NormalizedEvent } from '../../events/event.ts';
import type { AnalysisSettings } from '../analysis-settings.ts';
import {
  type AlertCandidate,
  type AlertConfig,
  type CalibrationContext,
  decideAlerts,
  DEFAULT_ALERT_CONFIG,
  DEFAULT_FUSION_CONFIG,
  DEFAULT_USER_RISK_CONFIG,
  type FusionConfig,
  type FusionFinding,
  type HrStatus as FusionHrStatus,
  type Json,
  type RiskLevel,
  type ScoredSession,
  scoreSession,
  type SessionScore,
  type TriggerStats,
  type UserRisk,
  userRisk,
  type UserRiskConfig,
} from '../fusion/index.ts';
import {
  type AccountInfo,
  classifyAccount,
  type DataSource,
  type DeviceOwnership,
  type HrStatus,
  type PlacePopulation,
  type MalwareFact,
  noteSources,
  type PeerGroupSummary,
  type SessionFindingView,
  type SessionSummary,
} from '../indicators/context.ts';
import { evaluateEvent, evaluateSession } from '../indicators/evaluate.ts';
import type { Finding } from '../indicators/indicator.ts';
import type { MaturityConfig } from '../maturity.ts';
import { isBehaviour, observeEvent, observeSession, recluster, takeSessionFeatures, type UserProfile } from '../profiles/user-profile.ts';

/** Numeric baselines are re-clustered once a day of data per user. */
export const DEFAULT_RECLUSTER_EVERY_MS = 86_400_000;

/** What the analysis keeps per user between batches (checkpointed to the graph). */
export interface UserAnalysis {
  profile: UserProfile;
  /** Findings of the user's sessions still open, fusion form, to rescore as more arrive. */
  openFindings: Map<string, FusionFinding[]>;
  /** Scored sessions (score > 0) within the risk window, by end time. */
  recent: ScoredSession[];
  /** The user's risk as last written. */
  risk: { score: number; level: RiskLevel; peak: number };
}

/** Per-user context read from the graph for each batch. */
export interface UserContext {
  hr: HrStatus | null;
  peerGroup: PeerGroupSummary | null;
  /** On at least one watchlist (fusion calibrates the user's findings up). */
  watchlisted?: boolean;
}

/** What of a sessionizer Session the analysis reads. */
export type AnalysedSession = SessionSummary & { status: 'OPEN' | 'CLOSED' };

export interface BatchAnalysisInput {
  /** Fresh events, time order. */
  events: readonly NormalizedEvent[];
  /** Event id → session id (from the sessionizer). */
  eventSessions: ReadonlyMap<string, string>;
  /** Sessions the step created, changed or closed, in their final state. */
  sessions: readonly AnalysedSession[];
  /** Working copies of every user of the batch's events and sessions (mutated). */
  users: Map<string, UserAnalysis>;
  /** Per-user context; HR records in the batch update it in event order (mutated). */
  contexts: Map<string, UserContext>;
  settings: AnalysisSettings;
  /** Data sources seen so far in the deployment (this batch's are added). */
  seenSources: Set<DataSource>;
  malwareDevices: ReadonlyMap<string, MalwareFact>;
  /** Ownership of the devices the batch's events name (the other-users-device indicator). */
  deviceOwners?: ReadonlyMap<string, DeviceOwnership>;
  /** How common countries and cities are in the population (the place novelty prior). */
  placePopulation?: PlacePopulation | null;
  /** Asset → criticality multiplier, for the assets an administrator rated. */
  assetCriticality?: ReadonlyMap<string, number>;
  internalDomains: readonly string[];
  maturity?: Partial<MaturityConfig>;
  triggerStats: TriggerStats;
  fusion?: FusionConfig;
  alerts?: AlertConfig;
  risk?: UserRiskConfig;
  /** The clock, epoch ms (evaluatedAt of findings). */
  now: number;
  /** A user's numeric baselines are re-clustered when a session closes this long after the last time. Default a day. */
  reclusterEveryMs?: number;
  /**
   * Users scored again in their current context (their HR status changed): their open
   * sessions, the given closed sessions (with their stored findings), and their risk.
   */
  rescore?: {
    users: readonly string[];
    closedSessions: ReadonlyArray<{ user: string; sessionId: string; endedAt: number; findings: readonly FusionFinding[] }>;
  };
}

export interface ScoredSessionOutcome {
  score: SessionScore;
  /** The score had every finding been scored (enforcement, mature baselines). */
  shadowScore: number;
  closed: boolean;
  anomalyCount: number;
}

export interface UserRiskOutcome {
  risk: UserRisk;
  previous: number;
  previousLevel: RiskLevel;
  peak: number;
}

export interface BatchAnalysis {
  findings: Finding[];
  sessions: Map<string, ScoredSessionOutcome>;
  users: Map<string, UserRiskOutcome>;
  /** Alerts to raise (enforcement mode). */
  raise: AlertCandidate[];
  /** What enforcement would have raised (learning mode). */
  wouldRaise: AlertCandidate[];
  /** Sessions closed in this batch with the indicators that fired in them (trigger statistics). */
  closedSessions: Array<{ user: string; sessionId: string; indicatorIds: string[] }>;
}

export function emptyUserAnalysis(profile: UserProfile): UserAnalysis {
  return { profile, openFindings: new Map(), recent: [], risk: { score: 0, level: 'LOW', peak: 0 } };
}

export function cloneUserAnalysis(state: UserAnalysis): UserAnalysis {
  return structuredClone(state);
}

/** The fusion view of a finding (the seam between indicators and fusion). */
export function toFusionFinding(finding: Finding, sessionId: string): FusionFinding {
  const test = finding.evidence.test;
  const observed = finding.evidence.observed;
  const out: FusionFinding = {
    indicatorId: finding.indicatorId,
    anchorScore: finding.anchorScore,
    learning: finding.learning,
    reason: finding.reason,
    evidence: finding.evidence as unknown as Json,
    eventIds: finding.evidence.eventIds,
    userId: finding.user,
    sessionId,
    ts: finding.at,
    exfiltration: finding.exfiltration,
  };
  if (finding.evidence.peer !== undefined) out.peerDegree = finding.evidence.peer.degree;
  if (test.kind === 'p-value') out.pValue = test.pValue;
  else out.fact = test.fact;
  if (observed.label === 'asset' && typeof observed.value === 'string') out.assets = [observed.value];
  return out;
}

function fusionHr(hr: HrStatus | null): FusionHrStatus | null {
  if (hr === null) return null;
  const out: FusionHrStatus = { status: hr.status };
  if (hr.effectiveDate !== undefined && hr.effectiveDate !== null) out.effectiveDate = hr.effectiveDate;
  if (hr.lastDay !== undefined && hr.lastDay !== null) out.lastDay = hr.lastDay;
  return out;
}

export function analyseBatch(input: BatchAnalysisInput): BatchAnalysis {
  const { settings, now } = input;
  const findings: Finding[] = [];
  const dirtySessions = new Map<string, string>(); // session id → user
  const context = (user: string): UserContext => input.contexts.get(user) ?? { hr: null, peerGroup: null };
  const state = (user: string): UserAnalysis => {
    const s = input.users.get(user);
    if (s === undefined) throw new RangeError(`no analysis state for user ${user}`);
    return s;
  };
  // The account type reads the user's name and HR title: classified once per user, again only
  // when an HR record in the batch replaced the user's HR status.
  const accounts = new Map<string, { hr: HrStatus | null; account: AccountInfo }>();
  const accountOf = (user: string, hr: HrStatus | null): AccountInfo => {
    const known = accounts.get(user);
    if (known !== undefined && known.hr === hr) return known.account;
    const account = classifyAccount(user, hr);
    accounts.set(user, { hr, account });
    return account;
  };
  const common = (user: string, profile: UserProfile) => {
    const ctx = context(user);
    return {
      now,
      profile,
      mode: settings.mode,
      ...(input.maturity === undefined ? {} : { maturity: input.maturity }),
      peerGroup: ctx.peerGroup,
      hr: ctx.hr,
      account: accountOf(user, ctx.hr),
      threatIntel: settings.threatIntel,
      malwareDevices: input.malwareDevices,
      deviceOwners: input.deviceOwners ?? null,
      placePopulation: input.placePopulation ?? null,
      internalDomains: input.internalDomains,
      seenSources: input.seenSources,
    };
  };
  const keep = (finding: Finding): void => {
    findings.push(finding);
    if (finding.sessionId === null) return;
    const s = state(finding.user);
    const list = s.openFindings.get(finding.sessionId) ?? [];
    list.push(toFusionFinding(finding, finding.sessionId));
    s.openFindings.set(finding.sessionId, list);
    dirtySessions.set(finding.sessionId, finding.user);
  };

  // A closed session is evaluated right after its last event of the batch, before the user's
  // next session begins: a batch can span days, and the profile holds few open sessions.
  const closedById = new Map(input.sessions.filter((x) => x.status === 'CLOSED').map((x) => [x.id, x]));
  const lastIndex = new Map<string, number>();
  input.events.forEach((event, i) => {
    const id = input.eventSessions.get(event.id);
    if (id !== undefined) lastIndex.set(id, i);
  });
  const closed = new Set<string>();
  const closeSession = (session: AnalysedSession): void => {
    closed.add(session.id);
    const s = state(session.user);
    const features = takeSessionFeatures(s.profile, session.id);
    if (features === null) return; // no behaviour in it (an HR record alone), or learnt before a restart lost the features
    const sessionFindings = (s.openFindings.get(session.id) ?? []).map(findingView);
    for (const finding of evaluateSession({ ...common(session.user, s.profile), session, features, sessionFindings }, settings.indicators)) keep(finding);
    observeSession(s.profile, features);
    // The periodic re-clustering of the numeric baselines, on the data's own clock.
    const every = input.reclusterEveryMs ?? DEFAULT_RECLUSTER_EVERY_MS;
    if (s.profile.reclusteredAt === null || features.last - s.profile.reclusteredAt >= every) recluster(s.profile, features.last);
  };

  input.events.forEach((event, i) => {
    noteSources(input.seenSources, event);
    if (event.hr !== undefined) applyHrRecord(input.contexts, event.hr);
    const user = event.user;
    const sessionId = input.eventSessions.get(event.id) ?? null;
    if (user !== undefined && isBehaviour(event)) {
      const s = state(user);
      const opensSession = sessionId !== null && !s.profile.open.some((f) => f.sessionId === sessionId);
      for (const finding of evaluateEvent({ ...common(user, s.profile), event, sessionId, opensSession }, settings.indicators)) keep(finding);
      observeEvent(s.profile, event, { sessionId, internalDomains: input.internalDomains, opensSession });
    } else if (user !== undefined && event.hr !== undefined && input.users.has(user)) {
      // An HR record is no behaviour, but HR-triggered indicators read it (a departure that
      // reveals the weeks before it), on the profile as it stands.
      for (const finding of evaluateEvent({ ...common(user, state(user).profile), event, sessionId }, settings.indicators)) keep(finding);
    }
    const ending = sessionId === null ? undefined : closedById.get(sessionId);
    if (ending !== undefined && lastIndex.get(ending.id) === i) closeSession(ending);
  });
  // Sessions closed without events in this batch (sweeps, or a gap noticed by a later event).
  for (const session of closedById.values()) if (!closed.has(session.id)) closeSession(session);

  // Fusion: every session with new findings (and every closed one holding findings) is rescored.
  for (const id of closed) {
    const session = closedById.get(id)!;
    if (state(session.user).openFindings.has(id)) dirtySessions.set(id, session.user);
  }
  const rescoredClosed = new Map((input.rescore?.closedSessions ?? []).filter((c) => !closed.has(c.sessionId)).map((c) => [c.sessionId, c]));
  for (const user of input.rescore?.users ?? []) {
    for (const sessionId of state(user).openFindings.keys()) dirtySessions.set(sessionId, user);
  }
  for (const [sessionId, c] of rescoredClosed) if (!state(c.user).openFindings.has(sessionId)) dirtySessions.set(sessionId, c.user);
  const calibration = calibrationContext(input);
  const fusion = input.fusion ?? DEFAULT_FUSION_CONFIG;
  const sessions = new Map<string, ScoredSessionOutcome>();
  const closedSessions: BatchAnalysis['closedSessions'] = [];
  const endOf = new Map(input.sessions.map((x) => [x.id, x.end ?? x.lastTs]));
  for (const [sessionId, user] of dirtySessions) {
    const s = state(user);
    const stored = rescoredClosed.get(sessionId);
    const list = stored?.findings ?? s.openFindings.get(sessionId) ?? [];
    const score = scoreSession({ userId: user, sessionId }, list, calibration, input.triggerStats, fusion);
    const shadow = scoreSession({ userId: user, sessionId }, list.map((f) => ({ ...f, learning: false })), calibration, input.triggerStats, fusion);
    const isClosed = closed.has(sessionId);
    sessions.set(sessionId, { score, shadowScore: shadow.score, closed: isClosed || stored !== undefined, anomalyCount: list.length });
    const endedAt = stored?.endedAt ?? endOf.get(sessionId) ?? Math.max(...list.map((f) => f.ts));
    s.recent = s.recent.filter((r) => r.sessionId !== sessionId);
    if (score.score > 0) s.recent.push({ sessionId, score: score.score, endedAt });
    if (isClosed) {
      closedSessions.push({ user, sessionId, indicatorIds: [...new Set(list.map((f) => f.indicatorId))].sort() });
      s.openFindings.delete(sessionId);
    }
  }
  for (const id of closed) {
    if (dirtySessions.has(id)) continue;
    const session = closedById.get(id)!;
    closedSessions.push({ user: session.user, sessionId: id, indicatorIds: [] });
  }

  // User risk, as of the user's latest behaviour (data time: replayed history decays by its own clock).
  const riskConfig = input.risk ?? DEFAULT_USER_RISK_CONFIG;
  const users = new Map<string, UserRiskOutcome>();
  const touchedUsers = new Set<string>([...dirtySessions.values(), ...(input.rescore?.users ?? [])]);
  for (const user of touchedUsers) {
    const s = state(user);
    const asOf = Math.max(s.profile.lastSeen ?? 0, ...s.recent.map((r) => r.endedAt));
    s.recent = s.recent.filter((r) => asOf - r.endedAt <= riskConfig.windowMs).sort((a, b) => a.endedAt - b.endedAt);
    const risk = userRisk(user, s.recent, asOf, riskConfig);
    const previous = s.risk.score;
    if (risk.score === previous && risk.level === s.risk.level) continue;
    const peak = Math.max(s.risk.peak, risk.score);
    users.set(user, { risk, previous, previousLevel: s.risk.level, peak });
    s.risk = { score: risk.score, level: risk.level, peak };
  }

  // Alerts: per rescored session, with its user's risk update.
  const raise: AlertCandidate[] = [];
  const wouldRaise: AlertCandidate[] = [];
  const alertConfig = input.alerts ?? DEFAULT_ALERT_CONFIG;
  const userAlerted = new Set<string>();
  for (const [sessionId, outcome] of sessions) {
    const user = outcome.score.userId;
    const risk = userAlerted.has(user) ? undefined : users.get(user);
    const decision = decideAlerts(
      { session: outcome.score, ...(risk === undefined ? {} : { userRisk: risk.risk, previousUserRisk: risk.previous }) },
      settings.mode,
      now,
      alertConfig,
    );
    if (risk !== undefined) userAlerted.add(user);
    raise.push(...decision.raise);
    wouldRaise.push(...decision.wouldRaise);
    // Learning findings leave the score below the threshold while the shadow score (every
    // finding scored) crosses it: that is what enforcement with mature baselines would raise.
    if (outcome.shadowScore >= alertConfig.sessionThreshold && outcome.score.score < alertConfig.sessionThreshold) {
      const shadow = decideAlerts({ session: { ...outcome.score, score: outcome.shadowScore } }, 'learning', now, alertConfig);
      wouldRaise.push(...shadow.wouldRaise.filter((c) => c.kind === 'session' && c.alert.session === sessionId));
    }
  }
  return { findings, sessions, users, raise: dedupeAlerts(raise), wouldRaise: dedupeAlerts(wouldRaise), closedSessions };
}

/** What a session indicator reads of a finding made earlier in the session. */
function findingView(f: FusionFinding): SessionFindingView {
  const evidence = (f.evidence ?? {}) as { observed?: { value?: unknown }; baseline?: { noveltyRate?: unknown } };
  const value = evidence.observed?.value;
  const rate = evidence.baseline?.noveltyRate;
  return {
    indicatorId: f.indicatorId,
    value: typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null,
    noveltyRate: typeof rate === 'number' ? rate : null,
    eventIds: f.eventIds,
  };
}

/** An HR record takes effect for the events after it in the batch, as it does in the graph. */
function applyHrRecord(contexts: Map<string, UserContext>, record: HrRecord): void {
  const ctx = contexts.get(record.userId) ?? { hr: null, peerGroup: null };
  const old = ctx.hr;
  const status = record.status ?? old?.status;
  if (status === undefined) return;
  const hr: HrStatus = { status };
  const changed = record.status !== undefined;
  const effectiveDate = changed ? record.effectiveDate : old?.effectiveDate;
  const lastDay = changed ? record.lastDay : old?.lastDay;
  if (effectiveDate !== undefined) hr.effectiveDate = effectiveDate;
  if (lastDay !== undefined) hr.lastDay = lastDay;
  const title = record.title ?? old?.title;
  const department = record.department ?? old?.department;
  const manager = record.manager ?? old?.manager;
  if (title !== undefined) hr.title = title;
  if (department !== undefined) hr.department = department;
  if (manager !== undefined) hr.manager = manager;
  contexts.set(record.userId, { ...ctx, hr });
}

function dedupeAlerts(candidates: AlertCandidate[]): AlertCandidate[] {
  const byId = new Map<string, AlertCandidate>();
  for (const c of candidates) byId.set(c.alert.id, c);
  return [...byId.values()];
}

function calibrationContext(input: BatchAnalysisInput): CalibrationContext {
  const hr = new Map<string, FusionHrStatus>();
  const privileged = new Set<string>();
  const watchlist = new Set<string>();
  for (const [user, ctx] of input.contexts) {
    if (ctx.watchlisted === true) watchlist.add(user);
    const status = fusionHr(ctx.hr);
    if (status !== null) hr.set(user, status);
    const account = classifyAccount(user, ctx.hr);
    if (account.type === 'privileged' || account.privilegedRole) privileged.add(user);
  }
  return { hr, privilegedUsers: privileged, watchlist, ...(input.assetCriticality === undefined ? {} : { assetCriticality: input.assetCriticality }) };
}
