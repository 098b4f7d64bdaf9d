import type { AlertRecord } from '../store/alert.repository.ts';
import type { AccessRecord, EntityRecord, UserRecord } from '../store/entity.repository.ts';
import type { FindingRecord } from '../store/finding.repository.ts';
import type { RiskSnapshotRecord } from '../store/risk-history.repository.ts';
import type { ContributionRecord, ExplanationRecord, SessionRecord, TimelineEventRecord } from '../store/session.repository.ts';
import type { PeerGroupRecord } from '../store/peer-group-view.repository.ts';
import { toGlobalId } from './global-id.ts';
import { RISK_LEVEL_ORDER, type RiskLevel, riskLevelOf } from './risk-level.ts';

/**
 * Graph records (epoch ms, optional properties) turned into the shapes of the GraphQL types,
 * so most fields resolve by default and only relations need resolvers.
 */
export function toDate(ms: unknown): Date | null {
  return typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms) : null;
}

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const numOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
/** A stored list of names, sorted (stored in the order they were added). */
const names = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').sort() : []);

export interface EntityModel {
  /** GraphQL typename: resolves the Entity interface. */
  type: EntityRecord['type'];
  id: string;
  key: string;
  firstSeen: Date | null;
  [field: string]: unknown;
}

export interface UserModel extends EntityModel {
  type: 'User';
  riskScore: number;
  /** The stored UserRisk JSON, parsed only when `riskExplanation` is asked for. */
  riskExplanationSource: unknown;
}

export function userModel(user: UserRecord): UserModel {
  const riskScore = num(user.riskScore);
  return {
    type: 'User',
    id: toGlobalId('User', user.id),
    key: user.id,
    firstSeen: toDate(user.firstSeen),
    lastSeen: toDate(user.lastSeen),
    eventCount: num(user.eventCount),
    name: str(user.name),
    department: str(user.department),
    title: str(user.title),
    email: str(user.email),
    location: str(user.location),
    employmentStatus: str(user.employmentStatus) ?? 'ACTIVE',
    statusEffective: toDate(user.statusEffective),
    lastDay: toDate(user.lastDay),
    watchlists: names(user.watchlists),
    riskScore,
    riskLevel: riskLevelOf(riskScore),
    peakRiskScore: Math.max(num(user.peakRiskScore), riskScore),
    riskUpdatedAt: toDate(user.riskUpdatedAt),
    riskExplanationSource: user.riskExplanation ?? null,
    stepDownAccess: user.stepDownAccess === true,
    stepDownSince: toDate(user.stepDownSince),
  };
}

export function entityModel(record: EntityRecord): EntityModel {
  if (record.type === 'User') return userModel(record.props as UserRecord);
  const props = record.props;
  const base: EntityModel = {
    type: record.type,
    id: toGlobalId(record.type, props.id),
    key: props.id,
    firstSeen: toDate(props.firstSeen),
  };
  if (record.type === 'Device') return { ...base, malwareAt: toDate(props.malwareAt), malwareSignature: str(props.malwareSignature) };
  if (record.type === 'Asset') return { ...base, kind: str(props.kind), criticality: numOrNull(props.criticality) };
  return base;
}

export function accessModel(access: AccessRecord | null) {
  if (access === null) return null;
  return {
    count: num(access.count),
    failures: num(access.failures),
    firstSeen: toDate(access.firstSeen),
    lastSeen: toDate(access.lastSeen),
    bytesIn: num(access.bytesIn),
    bytesOut: num(access.bytesOut),
    hourHistogram: access.hourHist ?? [],
    dayOfWeekHistogram: access.dowHist ?? [],
  };
}

export interface SessionModel {
  id: string;
  userKey: string;
  [field: string]: unknown;
}

export function sessionModel(session: SessionRecord): SessionModel {
  return {
    id: session.id,
    userKey: session.user,
    start: toDate(session.start),
    end: toDate(session.end),
    lastEventAt: toDate(session.lastTs ?? session.start),
    status: session.status === 'CLOSED' ? 'CLOSED' : 'OPEN',
    closeReason: str(session.closeReason),
    eventCount: num(session.eventCount),
    logons: num(session.logons),
    failures: num(session.failures),
    webRequests: num(session.webRequests),
    fileEvents: num(session.fileEvents),
    emails: num(session.emails),
    usbEvents: num(session.usbEvents),
    commands: num(session.commands),
    secretCheckouts: num(session.secretCheckouts),
    bytesIn: num(session.bytesIn),
    bytesOut: num(session.bytesOut),
    ips: session.ips ?? [],
    countries: session.countries ?? [],
    distinctEntities: num(session.distinctEntities),
    score: numOrNull(session.score),
    shadowScore: numOrNull(session.shadowScore),
    scoredAt: toDate(session.scoredAt),
    anomalyCount: numOrNull(session.anomalyCount),
  };
}

export interface FindingModel {
  id: string;
  userKey: string;
  sessionId: string | null;
  indicatorId: string;
  [field: string]: unknown;
}

/** Stored test kinds ('p-value' | 'fact') as the TestKind enum; inferred when not stored. */
function testKindOf(finding: FindingRecord): 'P_VALUE' | 'FACT' {
  if (finding.testKind === 'p-value') return 'P_VALUE';
  if (finding.testKind === 'fact') return 'FACT';
  return finding.pValue !== null ? 'P_VALUE' : 'FACT';
}

export function findingModel(finding: FindingRecord): FindingModel {
  return {
    id: finding.id,
    userKey: finding.user,
    sessionId: finding.sessionId,
    indicatorId: finding.indicatorId,
    family: finding.family ?? 'unknown',
    title: finding.title ?? finding.indicatorId,
    reason: finding.reason,
    at: toDate(finding.at),
    evaluatedAt: toDate(finding.evaluatedAt),
    learning: finding.learning,
    anchorScore: Math.max(0, finding.anchorScore),
    testKind: testKindOf(finding),
    pValue: finding.pValue,
    fact: finding.fact,
    evidenceJson: finding.evidenceJson,
    eventIds: finding.eventIds,
  };
}

export interface ContributionModel {
  indicatorId: string;
  [field: string]: unknown;
}

export function explanationModel(explanation: ExplanationRecord) {
  return { score: explanation.score, contributions: explanation.contributions.map(contributionModel) };
}

function contributionModel(c: ContributionRecord): ContributionModel {
  return {
    indicatorId: c.indicatorId,
    reason: c.reason,
    value: c.value,
    unscored: c.unscored === null ? null : c.unscored === 'learning' ? 'LEARNING' : 'REPEAT',
    weights: c.weights,
    observed: c.observed,
    baseline: c.baseline,
    pValue: c.pValue,
    fact: c.fact,
    evidence: c.evidence,
    eventIds: c.eventIds,
    at: toDate(c.ts),
  };
}

export function timelineEventModel(event: TimelineEventRecord) {
  const { ts, ...rest } = event;
  return { ...rest, at: toDate(ts) };
}

/** A stored risk level when it is one of ours, else the level of the score. */
export function storedRiskLevel(level: string | null, score: number): RiskLevel {
  return level !== null && (RISK_LEVEL_ORDER as readonly string[]).includes(level) ? (level as RiskLevel) : riskLevelOf(score);
}

export function riskSnapshotModel(snapshot: RiskSnapshotRecord) {
  return {
    at: toDate(snapshot.at),
    score: snapshot.score,
    level: storedRiskLevel(snapshot.level, snapshot.score),
    previousScore: snapshot.previousScore,
    reasons: snapshot.reasons,
  };
}

export interface PeerGroupModel {
  id: string;
  [field: string]: unknown;
}

export function peerGroupModel(group: PeerGroupRecord): PeerGroupModel {
  return {
    id: group.id,
    kind: str(group.kind) ?? 'unknown',
    label: str(group.label),
    algorithm: str(group.algorithm),
    k: typeof group.k === 'number' ? group.k : null,
    silhouette: typeof group.silhouette === 'number' ? group.silhouette : null,
    builtAt: toDate(group.builtAt),
    size: num(group.size),
    active: group.active === true,
    features: Array.isArray(group.features) ? group.features.filter((f): f is string => typeof f === 'string') : [],
    dominantDepartment: str(group.dominantDepartment),
    dominantDepartmentShare: typeof group.dominantDepartmentShare === 'number' ? group.dominantDepartmentShare : null,
  };
}

export interface AlertModel {
  id: string;
  userKey: string;
  sessionId: string | null;
  [field: string]: unknown;
}

export function alertModel(alert: AlertRecord): AlertModel {
  return {
    id: alert.id,
    severity: alert.severity,
    status: alert.status ?? 'OPEN',
    raisedAt: toDate(alert.raisedAt),
    userKey: alert.user,
    sessionId: alert.session ?? null,
    reasons: alert.reasons ?? [],
    score: num(alert.score),
    acknowledgedAt: toDate(alert.acknowledgedAt),
    acknowledgedBy: alert.acknowledgedBy ?? null,
    resolvedAt: toDate(alert.resolvedAt),
    resolvedBy: alert.resolvedBy ?? null,
    resolution: alert.resolution ?? null,
  };
}
