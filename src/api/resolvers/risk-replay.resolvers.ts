import { type UserRisk, userRisk } from '../../analytics/fusion/user-risk.ts';
import { DEFAULT_REPLAY, type StoredSession, type WhatIfSettings, whatIf, whatIfProblems, whatIfRiskConfig } from '../../analytics/replay/what-if.ts';
import { DomainError, ErrorCode } from '../../errors.ts';
import { RISK_AS_OF_SOURCE, type RiskAsOfRecord, type ReplaySessionRecord, type UserRiskExplanationRecord } from '../../store/risk-history.repository.ts';
import type { ApiContext } from '../context.ts';
import { badInput, notFound } from '../errors.ts';
import { parseUserId } from '../global-id.ts';
import { sessionModel, storedRiskLevel, toDate, type UserModel } from '../models.ts';
import type { ResolverMap } from '../schema.ts';
import { loadUser } from './helpers.ts';

/**
 * Risk over time, read and replayed: `User.risk(asOf)` (what was stored, never recomputed) and
 * `Query.whatIf` (the stored findings re-scored by the pure replay, src/analytics/replay).
 */

/** Sessions a what-if re-scores at most, and by default. */
export const MAX_WHAT_IF_SESSIONS = 500;
export const DEFAULT_WHAT_IF_SESSIONS = 100;

const UNSCORED_NAME = { learning: 'LEARNING', repeat: 'REPEAT' } as const;
const DROPPED_NAME = { 'left-out': 'LEFT_OUT', disabled: 'DISABLED', threshold: 'THRESHOLD' } as const;

interface IndicatorConfigInput {
  id: string;
  enabled?: boolean | null;
  anchorScore?: number | null;
  threshold?: number | null;
  params?: Array<{ name: string; value: number }> | null;
}

interface WhatIfSettingsInput {
  indicators?: IndicatorConfigInput[] | null;
  disabledFamilies?: string[] | null;
  maxScoredPerIndicator?: number | null;
  privilegedMultiplier?: number | null;
  watchlistMultiplier?: number | null;
  departingExfiltrationMultiplier?: number | null;
  referenceRate?: number | null;
  riskHalfLifeDays?: number | null;
  riskWindowDays?: number | null;
  riskScale?: number | null;
}

interface WhatIfArgs {
  userId: string;
  without?: string[] | null;
  with?: WhatIfSettingsInput | null;
  asOf?: Date | null;
  maxSessions?: number | null;
}

/** Drops nulls: GraphQL's "left out" and "null" both mean "keep the deployment's value". */
function defined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as { [K in keyof T]?: Exclude<T[K], null> };
}

export function toWhatIfSettings(args: Pick<WhatIfArgs, 'without' | 'with'>): WhatIfSettings {
  const w = args.with ?? {};
  const indicators: Record<string, { enabled?: boolean; anchorScore?: number; threshold?: number; params?: Record<string, number> }> = {};
  for (const i of w.indicators ?? []) {
    indicators[i.id] = defined({
      enabled: i.enabled,
      anchorScore: i.anchorScore,
      threshold: i.threshold,
      params: i.params ? Object.fromEntries(i.params.map((p) => [p.name, p.value])) : null,
    });
  }
  const fusion = defined({
    maxScoredPerIndicator: w.maxScoredPerIndicator,
    privilegedMultiplier: w.privilegedMultiplier,
    watchlistMultiplier: w.watchlistMultiplier,
    departingExfiltrationMultiplier: w.departingExfiltrationMultiplier,
    referenceRate: w.referenceRate,
  });
  const risk = defined({ halfLifeDays: w.riskHalfLifeDays, windowDays: w.riskWindowDays, scale: w.riskScale });
  return {
    ...(args.without ? { without: args.without } : {}),
    ...(w.indicators || w.disabledFamilies ? { indicators: { indicators, ...(w.disabledFamilies ? { disabledFamilies: w.disabledFamilies } : {}) } } : {}),
    fusion,
    risk,
  };
}

function storedSession(row: ReplaySessionRecord): StoredSession {
  return {
    sessionId: row.sessionId,
    endedAt: row.endedAt,
    score: row.score,
    contributions: row.explanation.contributions.map((c) => ({
      indicatorId: c.indicatorId,
      reason: c.reason,
      value: c.value,
      unscored: c.unscored,
      weights: { ...c.weights, calibration: c.weights.calibration.map((f) => ({ name: f.name, value: f.factor, detail: f.reason })) },
      pValue: c.pValue,
      fact: c.fact,
      ts: c.ts,
    })),
  };
}

function riskModel(risk: UserRisk) {
  return { score: risk.score, level: risk.level, raw: risk.raw, contributions: risk.contributions };
}

/**
 * The explanation of a snapshot stored without one (recorded before snapshots kept theirs): the
 * fusion core's user risk at the snapshot's instant over the sessions ended by then, with their
 * stored scores (one indexed read, up to the what-if session bound). Per user, not batched:
 * only snapshots written before this version lack their explanation.
 */
async function reconstructedExplanation(ctx: ApiContext, userKey: string, at: number): Promise<UserRiskExplanationRecord> {
  const config = DEFAULT_REPLAY.risk;
  const rows = await ctx.services.repos.riskHistory.replaySessions(userKey, at - config.windowMs, at, MAX_WHAT_IF_SESSIONS);
  const risk = userRisk(userKey, rows.filter((r) => r.endedAt <= at).map((r) => ({ sessionId: r.sessionId, score: r.score, endedAt: r.endedAt })), at, config);
  return { score: risk.score, level: risk.level, raw: risk.raw, computedAt: risk.computedAt, contributions: risk.contributions };
}

function riskAsOfModel(r: RiskAsOfRecord, explanationSource: 'STORED' | 'RECONSTRUCTED' | null) {
  return {
    explanationSource,
    asOf: toDate(r.asOf),
    score: r.score,
    level: storedRiskLevel(r.level, r.score),
    source: r.source,
    computedAt: toDate(r.computedAt),
    recordedAt: toDate(r.recordedAt),
    reasons: r.reasons,
    explanation:
      r.explanation === null
        ? null
        : { ...r.explanation, level: storedRiskLevel(r.explanation.level, r.explanation.score), computedAt: toDate(r.explanation.computedAt) },
    nextChangeAt: toDate(r.nextChangeAt),
  };
}

export const riskReplayResolvers: ResolverMap = {
  User: {
    risk: async (parent: UserModel, args: { asOf?: Date | null }, ctx: ApiContext) => {
      const asOf = args.asOf ? args.asOf.getTime() : ctx.services.clock();
      const record = (await ctx.loaders.riskAsOf.load({ parent: parent.key, after: null, limit: 1, filter: asOf })) ?? {
        userId: parent.key,
        asOf,
        score: 0,
        level: null,
        source: RISK_AS_OF_SOURCE.NotScored,
        computedAt: null,
        recordedAt: null,
        reasons: [],
        explanation: null,
        nextChangeAt: null,
      };
      if (record.explanation === null && record.source === RISK_AS_OF_SOURCE.Snapshot && record.computedAt !== null) {
        return riskAsOfModel({ ...record, explanation: await reconstructedExplanation(ctx, parent.key, record.computedAt) }, 'RECONSTRUCTED');
      }
      return riskAsOfModel(record, record.explanation === null ? null : 'STORED');
    },
  },
  Query: {
    whatIf: async (_: unknown, args: WhatIfArgs, ctx: ApiContext) => {
      const userKey = parseUserId(args.userId, 'userId');
      const maxSessions = args.maxSessions ?? DEFAULT_WHAT_IF_SESSIONS;
      if (!Number.isInteger(maxSessions) || maxSessions < 1 || maxSessions > MAX_WHAT_IF_SESSIONS) {
        throw badInput('maxSessions', `must be from 1 to ${MAX_WHAT_IF_SESSIONS}, got ${maxSessions}`);
      }
      const settings = toWhatIfSettings(args);
      const problems = whatIfProblems(settings);
      if (problems.length > 0) {
        throw new DomainError(ErrorCode.BAD_INPUT, `invalid what-if settings: ${problems.join('; ')}`, { details: { field: 'with', problems } });
      }
      const user = await ctx.loaders.user.load(userKey);
      if (user === null) throw notFound('user', userKey);
      const asOf = args.asOf ? args.asOf.getTime() : typeof user.riskUpdatedAt === 'number' ? user.riskUpdatedAt : ctx.services.clock();
      // Read the wider of the two windows, so both risks see every session they count.
      const windowMs = Math.max(DEFAULT_REPLAY.risk.windowMs, whatIfRiskConfig(settings.risk).windowMs);
      const rows = await ctx.services.repos.riskHistory.replaySessions(userKey, asOf - windowMs, asOf, maxSessions + 1);
      const result = whatIf(userKey, rows.slice(0, maxSessions).map(storedSession), asOf, settings);
      return {
        userKey,
        asOf: toDate(asOf),
        actualRisk: riskModel(result.actualRisk),
        whatIfRisk: riskModel(result.whatIfRisk),
        delta: result.whatIfRisk.score - result.actualRisk.score,
        truncated: rows.length > maxSessions,
        sessions: result.sessions.map((s) => ({
          sessionId: s.sessionId,
          endedAt: toDate(s.endedAt),
          actualScore: s.actualScore,
          whatIfScore: s.whatIfScore,
          delta: s.whatIfScore - s.actualScore,
          contributions: s.contributions.map((c) => ({
            indicatorId: c.indicatorId,
            reason: c.reason,
            at: toDate(c.ts),
            actual: c.actual,
            whatIf: c.whatIf,
            actualUnscored: c.actualUnscored === null ? null : UNSCORED_NAME[c.actualUnscored],
            whatIfUnscored: c.whatIfUnscored === null ? null : UNSCORED_NAME[c.whatIfUnscored],
            dropped: c.dropped === null ? null : DROPPED_NAME[c.dropped],
            anchor: c.anchor,
            calibrationProduct: c.calibrationProduct,
            downWeight: c.downWeight,
          })),
        })),
      };
    },
  },
  WhatIf: {
    user: (parent: { userKey: string }, _: unknown, ctx: ApiContext) => loadUser(ctx, parent.userKey),
  },
  WhatIfSession: {
    session: async (parent: { sessionId: string }, _: unknown, ctx: ApiContext) => {
      const session = await ctx.loaders.session.load(parent.sessionId);
      return session === null ? null : sessionModel(session);
    },
  },
};
