/**
 * The analytics step of the pipeline, between the pure core (analytics/analysis) and the
 * store: per partition it caches each user's analysis state (profile, open findings, recent
 * scored sessions, risk), loads what a batch needs inside the batch's transaction, runs
 * `analyseBatch` on working copies, and hands back the writes plus what to do after the
 * commit (adopt the copies, update trigger statistics, deliver alerts and risk changes).
 *
 * Exactly-once: the writes go into the batch's own transaction (anomaly ids are deterministic,
 * alerts enter an outbox there); the cache is only replaced after the commit, so a retried
 * transaction starts again from the same state. Profiles are checkpointed every
 * `checkpointEvery` batches of a partition (and by every sweep); a restart resumes from the
 * last checkpoint, losing at most that much learning, never an event.
 */
import type { AnalysisSettingsSource } from '../analytics/analysis-settings.ts';
import {
  type AnalysedSession,
  analyseBatch,
  type BatchAnalysis,
  cloneUserAnalysis,
  emptyUserAnalysis,
  type UserAnalysis,
  type UserContext,
} from '../analytics/analysis/batch-analysis.ts';
import { entityKey, type EntityType } from '../analytics/entities.ts';
import {
  type AlertCandidate,
  type AlertConfig,
  DEFAULT_ALERT_CONFIG,
  DEFAULT_USER_RISK_CONFIG,
  emptyTriggerStats,
  type FusionFinding,
  type Json,
  type RiskLevel,
  downWeight,
  recordFeedback,
  recordSession,
  refitTriggerStats,
  type TriggerStats,
} from '../analytics/fusion/index.ts';
import {
  DATA_SOURCES,
  type DataSource,
  type HrStatus,
  type MalwareFact,
  type PeerFeatureStats,
  type PeerGroupSummary,
  summarisePeerFeature,
} from '../analytics/indicators/context.ts';
import type { Finding } from '../analytics/indicators/indicator.ts';
import type { MaturityConfig } from '../analytics/maturity.ts';
import { NUMERIC_FEATURES, type NumericFeature } from '../analytics/profiles/histogram.profile.ts';
import { deserializeFromString, serializeToString } from '../analytics/profiles/profile.codec.ts';
import { createUserProfile, typicalSessionValue } from '../analytics/profiles/user-profile.ts';
import type { EmploymentStatus, NormalizedEvent } from '../events/event.ts';
import type { Logger } from '../logger.ts';
import type { AnalysisWrite, AuditRow, LoadedUserRow, Neo4jAnalysisRepository } from '../store/analysis.repository.ts';
import type { BatchReader } from '../store/ingest.repository.ts';
import { createHash } from 'node:crypto';
import { StageTimings } from '../perf/stage-timings.ts';
import { TtlCache } from './ttl-cache.ts';

/** Where alerts and risk changes go once committed (Redis pub/sub in the runtime). */
export interface ScoringPublisher {
  alertRaised(alert: Record<string, unknown>): Promise<void>;
  riskChanged(change: { user: string; previousScore: number; score: number; changedAt: number; reasons: readonly string[] }): Promise<void>;
}

export interface AnalysisStageOptions {
  repository: Neo4jAnalysisRepository;
  settings: AnalysisSettingsSource;
  publisher: ScoringPublisher | null;
  log: Logger;
  clock: () => number;
  /** The organisation's mail domains (mail elsewhere is external). */
  internalDomains?: readonly string[];
  maturity?: Partial<MaturityConfig>;
  /** Alert thresholds (session points, user risk); defaults as in fusion/alert-decision.ts. */
  alerts?: Partial<Pick<AlertConfig, 'sessionThreshold' | 'userThreshold'>>;
  /** Checkpoint a partition's changed profiles every this many batches. Default 10. */
  checkpointEvery?: number;
  /** Timeline events kept per session per batch. Default 200. */
  timelineCap?: number;
  /** Users whose state is kept in memory (all partitions); the least recently active beyond it are dropped at checkpoints. Default 50,000. */
  maxCachedUsers?: number;
  /** How long HR, peer-group, watchlist, malware and criticality context read from the graph is reused, ms. Default 60 s. */
  contextTtlMs?: number;
}

/** A batch's analysis, ready to write; `committed` runs after the transaction commits. */
export interface PreparedAnalysis {
  write: AnalysisWrite;
  result: BatchAnalysis;
  committed(): Promise<void>;
}

const PEER_FEATURES_TTL_MS = 10 * 60_000;
const MAX_CACHED_PEER_GROUPS = 10_000;
/** How long graph context read for a batch is reused, ms (RISKGRAPH_CONTEXT_TTL_SECONDS). */
export const DEFAULT_CONTEXT_TTL_MS = 60_000;
/** Refit the trigger statistics after this many closed sessions (and at least hourly in data time). */
const REFIT_EVERY_SESSIONS = 500;
const TRIGGER_HALF_LIFE_MS = 30 * 86_400_000;
const SAVE_TRIGGER_STATS_EVERY_MS = 60_000;

export class AnalysisStage {
  readonly #o: AnalysisStageOptions & { checkpointEvery: number; timelineCap: number; internalDomains: readonly string[]; maxCachedUsers: number; contextTtlMs: number };
  readonly #cache = new Map<number, Map<string, UserAnalysis>>();
  readonly #dirty = new Map<number, Set<string>>();
  readonly #sinceCheckpoint = new Map<number, number>();
  #seenSources: Set<DataSource> | null = null;
  #stats: TriggerStats | null = null;
  #closedSinceRefit = 0;
  #statsChanged = false;
  #statsSavedAt = 0;
  /** Per peer group: entity key → members who accessed it (a peer-group rebuild makes new group ids). */
  readonly #groupAccess: TtlCache<string, Promise<ReadonlyMap<string, number>>>;
  /** Per peer group: the members' typical session values, refreshed every 10 minutes. */
  readonly #groupFeatures: TtlCache<string, Promise<Partial<Record<NumericFeature, PeerFeatureStats>>>>;
  /** Per user: HR status, peer group and watchlists as last read (or as the last batch left them). */
  readonly #contexts: TtlCache<string, UserContext>;
  /** Every device with malware on record, under the one key 'all'. */
  readonly #malware: TtlCache<'all', Promise<ReadonlyMap<string, MalwareFact>>>;
  /** Every rated asset's criticality, under the one key 'all'. */
  readonly #criticality: TtlCache<'all', Promise<ReadonlyMap<string, number>>>;

  constructor(options: AnalysisStageOptions) {
    this.#o = { checkpointEvery: 10, timelineCap: 200, internalDomains: [], maxCachedUsers: 50_000, contextTtlMs: DEFAULT_CONTEXT_TTL_MS, ...options };
    const ttlMs = this.#o.contextTtlMs;
    this.#contexts = new TtlCache({ ttlMs, maxEntries: this.#o.maxCachedUsers });
    this.#malware = new TtlCache({ ttlMs, maxEntries: 1 });
    this.#criticality = new TtlCache({ ttlMs, maxEntries: 1 });
    this.#groupAccess = new TtlCache({ ttlMs: PEER_FEATURES_TTL_MS, maxEntries: MAX_CACHED_PEER_GROUPS });
    this.#groupFeatures = new TtlCache({ ttlMs: PEER_FEATURES_TTL_MS, maxEntries: MAX_CACHED_PEER_GROUPS });
  }

  get log(): Logger {
    return this.#o.log;
  }

  /** Drops the partition's cached state (another process wrote it). */
  forget(partition: number): void {
    this.#cache.delete(partition);
    this.#dirty.delete(partition);
    this.#sinceCheckpoint.delete(partition);
  }

  async prepare(
    partition: number,
    unit: BatchReader,
    events: readonly NormalizedEvent[],
    eventSessions: ReadonlyMap<string, string>,
    sessions: readonly AnalysedSession[],
    options: { checkpoint: boolean; rescore?: { users: readonly string[]; reason: string; batchId: string; since: number } },
    t: StageTimings = new StageTimings(),
  ): Promise<PreparedAnalysis> {
    const [seen, stats, settings] = await Promise.all([this.#sources(), this.#triggerStats(), this.#o.settings.current()]);
    const cache = this.#cache.get(partition) ?? new Map<string, UserAnalysis>();
    const userSet = new Set<string>();
    for (const e of events) if (e.user !== undefined) userSet.add(e.user);
    for (const s of sessions) userSet.add(s.user);
    for (const u of options.rescore?.users ?? []) userSet.add(u);
    const users = [...userSet].sort();
    const missing = users.filter((u) => !cache.has(u));
    // The data's own clock: the batch's latest event, else (sweeps, re-scorings) the latest the
    // sessions or users show. A loop, not Math.max(...): batches can hold ~100k users.
    let dataTime = events.length > 0 ? events[events.length - 1]!.ts : 0;
    if (events.length === 0) {
      for (const s of sessions) dataTime = Math.max(dataTime, s.lastTs);
      for (const u of users) dataTime = Math.max(dataTime, cache.get(u)?.profile.lastSeen ?? 0);
    }
    // Graph context (HR, peer groups, watchlists) is read for users not cached, for users being
    // re-scored (their HR status just changed) and when the cached copy is older than the TTL.
    const rescoring = new Set(options.rescore?.users ?? []);
    const reused = new Map<string, UserContext>();
    for (const u of users) {
      const known = cache.has(u) && !rescoring.has(u) ? this.#contexts.get(u) : undefined;
      if (known !== undefined) reused.set(u, known);
    }
    const needContext = users.filter((u) => !reused.has(u));
    const contextReadAt = Date.now();
    const loaded = await unit.loadUserAnalysis(needContext, missing, dataTime - DEFAULT_USER_RISK_CONFIG.windowMs);
    // Every device with malware on record at once (few), re-read when older than the TTL.
    let pendingMalware = this.#malware.get('all');
    if (pendingMalware === undefined) {
      // One read shared by the partitions that miss at the same time.
      pendingMalware = unit.loadMalwareDevices().then((rows) => new Map(rows.map((m) => [m.host, { malwareAt: m.malwareAt, signature: m.signature }])));
      pendingMalware.catch(() => this.#malware.delete('all'));
      this.#malware.set('all', pendingMalware);
    }
    const infected = await pendingMalware;
    const malware = new Map<string, MalwareFact>();
    for (const e of events) {
      const fact = e.host === undefined ? undefined : infected.get(e.host);
      if (fact !== undefined) malware.set(e.host!, fact);
    }
    for (const e of events) {
      if (e.category === 'malware' && e.host !== undefined && !malware.has(e.host)) malware.set(e.host, { malwareAt: e.ts, signature: e.action });
    }

    const working = new Map<string, UserAnalysis>();
    const contexts = new Map<string, UserContext>();
    const contextAt = new Map<string, number>();
    for (const user of users) {
      const cached = cache.get(user);
      const row = loaded.get(user);
      working.set(user, cached !== undefined ? t.time('analysis:clone', () => cloneUserAnalysis(cached)) : t.time('analysis:decode', () => stateFromRow(user, row, this.#o.log)));
      const known = reused.get(user);
      if (known !== undefined) {
        contexts.set(user, known);
        contextAt.set(user, this.#contexts.readAt(user) ?? contextReadAt);
      } else {
        contexts.set(user, { hr: hrFromRow(row), peerGroup: await this.#peerGroup(row), watchlisted: (row?.watchlists.length ?? 0) > 0 });
        contextAt.set(user, contextReadAt);
      }
    }
    const seenSources = new Set(seen);
    const now = this.#o.clock();
    const rescoreClosed =
      options.rescore === undefined
        ? []
        : (await unit.loadRescoreSessions(options.rescore.users, options.rescore.since)).map((r) => ({
            user: r.user,
            sessionId: r.sessionId,
            endedAt: r.endedAt,
            findings: r.anomalies.map((a) => fusionFromAnomaly(r.user, a)).filter((f): f is FusionFinding => f !== null),
          }));
    const assets = new Set<string>();
    for (const e of events) if (e.asset !== undefined) assets.add(e.asset);
    for (const state of working.values()) for (const list of state.openFindings.values()) for (const f of list) for (const a of f.assets ?? []) assets.add(a);
    for (const c of rescoreClosed) for (const f of c.findings) for (const a of f.assets ?? []) assets.add(a);
    // Every rated asset at once (administrators rate few), re-read when older than the TTL.
    let pendingRated = this.#criticality.get('all');
    if (pendingRated === undefined) {
      pendingRated = unit.loadRatedAssets();
      pendingRated.catch(() => this.#criticality.delete('all'));
      this.#criticality.set('all', pendingRated);
    }
    const rated = await pendingRated;
    const assetCriticality = new Map<string, number>();
    for (const asset of assets) {
      const value = rated.get(asset);
      if (value !== undefined) assetCriticality.set(asset, value);
    }
    const stopCore = t.start('analysis:core');
    const result = analyseBatch({
      assetCriticality,
      events,
      eventSessions,
      sessions,
      users: working,
      contexts,
      settings,
      seenSources,
      malwareDevices: malware,
      internalDomains: this.#o.internalDomains,
      ...(this.#o.maturity === undefined ? {} : { maturity: this.#o.maturity }),
      triggerStats: stats,
      alerts: { ...DEFAULT_ALERT_CONFIG, ...this.#o.alerts },
      now,
      ...(options.rescore === undefined ? {} : { rescore: { users: options.rescore.users, closedSessions: rescoreClosed } }),
    });

    stopCore();
    const stopRows = t.start('analysis:rows');
    const newSources = [...seenSources].filter((s) => !seen.has(s)).sort();
    const reasons = riskReasonsByUser(result);
    const dirty = new Set([...(this.#dirty.get(partition) ?? []), ...users]);
    const checkpoint = options.checkpoint || (this.#sinceCheckpoint.get(partition) ?? 0) + 1 >= this.#o.checkpointEvery;
    const write: AnalysisWrite = {
      anomalies: result.findings.map(anomalyRow),
      sessionScores: [...result.sessions].map(([id, o]) => ({
        id,
        score: o.score.score,
        shadowScore: o.shadowScore,
        explanation: JSON.stringify(o.score),
        scoredAt: now,
        anomalyCount: o.anomalyCount,
      })),
      timeline: timelineRows(events, eventSessions, this.#o.timelineCap),
      risks: [...result.users].map(([user, o]) => ({
        user,
        score: o.risk.score,
        level: o.risk.level,
        peak: o.peak,
        updatedAt: o.risk.computedAt,
        explanation: JSON.stringify(o.risk),
        snapshot:
          Math.abs(o.risk.score - o.previous) >= 1 || o.risk.level !== o.previousLevel
            ? { at: o.risk.computedAt, score: o.risk.score, level: o.risk.level, previousScore: o.previous, reasons: reasons.get(user) ?? [] }
            : null,
      })),
      profiles: checkpoint
        ? [...dirty].sort().map((user) => {
            const state = working.get(user) ?? cache.get(user)!;
            return { user, profile: serializeToString(state.profile), typical: typicalJson(state), at: now };
          })
        : [],
      alerts: result.raise.map((c) => ({ ...c.alert, reasons: [...c.alert.reasons] })),
      newSources,
      audit: [...(options.rescore === undefined ? [] : rescoreAudit(options.rescore, result, contexts, working, now)), ...stepDownAudit(result, now)],
    };

    stopRows();
    return {
      write,
      result,
      committed: async () => {
        // Adopt: the batch is in the graph, so its state becomes the cache.
        const target = this.#cache.get(partition) ?? new Map<string, UserAnalysis>();
        for (const [user, state] of working) {
          // Re-inserted, so the map's order is least recently active first.
          target.delete(user);
          target.set(user, state);
        }
        this.#cache.set(partition, target);
        if (checkpoint) {
          this.#dirty.set(partition, new Set());
          this.#sinceCheckpoint.set(partition, 0);
          this.#evict(target);
        } else {
          this.#dirty.set(partition, dirty);
          this.#sinceCheckpoint.set(partition, (this.#sinceCheckpoint.get(partition) ?? 0) + 1);
        }
        for (const s of newSources) this.#seenSources?.add(s as DataSource);
        // The context as the batch left it (HR records in the stream applied), read when it was.
        for (const [user, ctx] of contexts) this.#contexts.set(user, ctx, contextAt.get(user));
        // Malware the batch's own events reported is on record now (merge-device-facts).
        const known = this.#malware.get('all');
        if (known !== undefined && malware.size > 0) {
          const next = known.then((map) => {
            const merged = new Map(map);
            for (const [host, fact] of malware) if (!merged.has(host)) merged.set(host, fact);
            return merged;
          });
          this.#malware.set('all', next, this.#malware.readAt('all'));
        }
        this.#recordClosed(result, dataTime);
        await this.#deliver(result.raise, result, reasons, now);
        await this.#maybeSaveStats();
      },
    };
  }

  /** Writes the profile checkpoints of the partition's users changed since its last checkpoint. */
  async checkpoint(partition: number): Promise<number> {
    const cache = this.#cache.get(partition);
    const dirty = this.#dirty.get(partition);
    if (cache === undefined || dirty === undefined || dirty.size === 0) return 0;
    const at = this.#o.clock();
    const rows = [...dirty]
      .sort()
      .flatMap((user) => {
        const state = cache.get(user);
        return state === undefined ? [] : [{ user, profile: serializeToString(state.profile), typical: typicalJson(state), at }];
      });
    await this.#o.repository.checkpointProfiles(rows);
    this.#dirty.set(partition, new Set());
    this.#sinceCheckpoint.set(partition, 0);
    return rows.length;
  }

  /** Users whose analysis state this process holds, over all partitions. */
  cachedUsers(): number {
    let n = 0;
    for (const cache of this.#cache.values()) n += cache.size;
    return n;
  }

  /**
   * Keeps a partition's cache within its share of `maxCachedUsers`, dropping the least recently
   * active users. Called right after a checkpoint, so nothing dropped is unsaved: a dropped user
   * is reloaded from the graph on their next event.
   */
  #evict(cache: Map<string, UserAnalysis>): void {
    const limit = Math.max(1, Math.floor(this.#o.maxCachedUsers / Math.max(1, this.#cache.size)));
    for (const user of cache.keys()) {
      if (cache.size <= limit) break;
      cache.delete(user);
    }
  }

  /** Delivers alerts a stopped process left in the outbox (raised before `before`). */
  async deliverOutbox(before: number): Promise<number> {
    const pending = await this.#o.repository.undeliveredAlerts(before);
    if (pending.length === 0 || this.#o.publisher === null) return 0;
    for (const alert of pending) await this.#o.publisher.alertRaised(alert);
    await this.#o.repository.markAlertsDelivered(pending.map((a) => String(a.id)));
    return pending.length;
  }

  /**
   * Feeds analysts' verdicts on alerts into the trigger statistics (fusion/trigger-stats.ts,
   * recordFeedback): a false positive (or benign) makes the indicators behind the alert look
   * more routine for that user, so they weigh less next time; a true positive takes back one
   * trigger. Each verdict is applied once (a corrected verdict is applied as the new one).
   */
  async applyFeedback(): Promise<number> {
    const pending = await this.#o.repository.pendingFeedback();
    if (pending.length === 0) return 0;
    const stats = await this.#triggerStats();
    for (const alert of pending) {
      let indicatorIds: string[] = [];
      try {
        const explanation = alert.explanation === null ? null : (JSON.parse(alert.explanation) as { contributions?: Array<{ indicatorId: string; value: number }> });
        indicatorIds = [...new Set((explanation?.contributions ?? []).filter((c) => c.value > 0).map((c) => c.indicatorId))];
      } catch {
        indicatorIds = [];
      }
      if (indicatorIds.length === 0) continue;
      recordFeedback(stats, { userId: alert.user, indicatorIds, verdict: alert.resolution === 'TRUE_POSITIVE' ? 'TRUE_POSITIVE' : 'FALSE_POSITIVE' });
    }
    this.#statsChanged = true;
    await this.#o.repository.saveFeedback(serializeTriggerStats(stats), this.#o.clock(), pending.map((a) => ({ id: a.id, resolution: a.resolution })));
    this.#statsChanged = false;
    return pending.length;
  }

  /** The down-weight fusion would give this user's finding of this indicator now (diagnostics, tests). */
  async downWeightOf(user: string, indicatorId: string): Promise<number> {
    return downWeight(await this.#triggerStats(), user, indicatorId).weight;
  }

  async close(): Promise<void> {
    if (this.#statsChanged && this.#stats !== null) await this.#o.repository.saveTriggerStats(serializeTriggerStats(this.#stats), this.#o.clock());
  }

  #recordClosed(result: BatchAnalysis, dataTime: number): void {
    if (this.#stats === null || result.closedSessions.length === 0) return;
    for (const closed of result.closedSessions) recordSession(this.#stats, closed.user, closed.indicatorIds);
    this.#closedSinceRefit += result.closedSessions.length;
    this.#statsChanged = true;
    const fittedAt = this.#stats.fittedAt;
    if (this.#closedSinceRefit >= REFIT_EVERY_SESSIONS || (fittedAt !== null && dataTime - fittedAt >= 3_600_000)) {
      this.#stats = refitTriggerStats(this.#stats, Math.max(dataTime, fittedAt ?? 0), TRIGGER_HALF_LIFE_MS);
      this.#closedSinceRefit = 0;
    }
  }

  async #maybeSaveStats(): Promise<void> {
    if (!this.#statsChanged || this.#stats === null) return;
    const now = Date.now();
    if (now - this.#statsSavedAt < SAVE_TRIGGER_STATS_EVERY_MS) return;
    this.#statsSavedAt = now;
    this.#statsChanged = false;
    try {
      await this.#o.repository.saveTriggerStats(serializeTriggerStats(this.#stats), this.#o.clock());
    } catch (error) {
      this.#statsChanged = true;
      this.#o.log.warn({ err: error }, 'could not checkpoint trigger statistics');
    }
  }

  async #deliver(raise: readonly AlertCandidate[], result: BatchAnalysis, reasons: ReadonlyMap<string, string[]>, now: number): Promise<void> {
    const publisher = this.#o.publisher;
    if (publisher === null) return;
    try {
      for (const c of raise) await publisher.alertRaised({ ...c.alert, status: 'OPEN' });
      await this.#o.repository.markAlertsDelivered(raise.map((c) => c.alert.id));
      for (const [user, o] of result.users) {
        await publisher.riskChanged({ user, previousScore: o.previous, score: o.risk.score, changedAt: now, reasons: reasons.get(user) ?? [] });
      }
    } catch (error) {
      // The alerts stay in the outbox; the periodic sweep delivers them.
      this.#o.log.warn({ err: error }, 'could not deliver alerts or risk changes now; the outbox keeps the alerts');
    }
  }

  async #sources(): Promise<Set<DataSource>> {
    if (this.#seenSources === null) {
      const stored = await this.#o.repository.dataSources();
      this.#seenSources = new Set(stored.filter((s): s is DataSource => (DATA_SOURCES as readonly string[]).includes(s)));
    }
    return this.#seenSources;
  }

  async #triggerStats(): Promise<TriggerStats> {
    if (this.#stats === null) {
      const stored = await this.#o.repository.loadTriggerStats();
      this.#stats = stored === null ? emptyTriggerStats() : deserializeTriggerStats(stored);
    }
    return this.#stats;
  }

  async #peerGroup(row: LoadedUserRow | undefined): Promise<PeerGroupSummary | null> {
    if (row === undefined || row.groups.length === 0) return null;
    const group = [...row.groups].sort((a, b) => Number(a.kind !== 'behaviour') - Number(b.kind !== 'behaviour') || (b.degree ?? 0) - (a.degree ?? 0))[0]!;
    let access = this.#groupAccess.get(group.id);
    if (access === undefined) {
      access = this.#o.repository.peerGroupAccess(group.id).then((rows) => {
        const map = new Map<string, number>();
        for (const r of rows) map.set(entityKey({ type: r.type as EntityType, id: r.id }), r.members);
        return map;
      });
      access.catch(() => this.#groupAccess.delete(group.id));
      this.#groupAccess.set(group.id, access);
    }
    let features = this.#groupFeatures.get(group.id);
    if (features === undefined) {
      features = this.#o.repository.peerGroupTypicals(group.id).then(summariseTypicals);
      features.catch(() => this.#groupFeatures.delete(group.id));
      this.#groupFeatures.set(group.id, features);
    }
    return {
      groupId: group.id,
      name: group.label ?? group.id,
      kind: group.kind === 'behaviour' ? 'behaviour' : 'organisation',
      degree: group.degree ?? 1,
      size: Math.max(0, (group.size ?? 1) - 1),
      accessedBy: await access,
      features: await features,
    };
  }
}

/**
 * The step-down-access policy's decisions: a user whose risk becomes CRITICAL is flagged for
 * reduced access (User.stepDownAccess, for identity providers and PAM); the flag clears when the
 * risk falls below. Each flip is audited.
 */
function stepDownAudit(result: BatchAnalysis, now: number): AuditRow[] {
  const rows: AuditRow[] = [];
  for (const [user, o] of result.users) {
    const was = o.previousLevel === 'CRITICAL';
    const is = o.risk.level === 'CRITICAL';
    if (was === is) continue;
    rows.push({
      id: `audit-stepdown-${createHash('sha256').update(`${user}\u0000${o.risk.computedAt}\u0000${is}`).digest('hex').slice(0, 24)}`,
      at: now,
      actor: 'system:policy',
      action: is ? 'access.step-down' : 'access.restore',
      target: user,
      outcome: 'OK',
      details: JSON.stringify({ previousScore: o.previous, score: o.risk.score, level: o.risk.level, dataTime: new Date(o.risk.computedAt).toISOString() }),
    });
  }
  return rows;
}

/** One audit entry per re-scored user: why, the status in force, what moved. */
function rescoreAudit(
  rescore: { users: readonly string[]; reason: string; batchId: string; since: number },
  result: BatchAnalysis,
  contexts: ReadonlyMap<string, UserContext>,
  working: ReadonlyMap<string, UserAnalysis>,
  now: number,
): AuditRow[] {
  return rescore.users.map((user) => {
    const risk = result.users.get(user);
    const sessions = [...result.sessions].filter(([, o]) => o.score.userId === user).map(([id, o]) => ({ session: id, score: o.score.score }));
    return {
      id: `audit-rescore-${createHash('sha256').update(`${rescore.batchId}\u0000${user}`).digest('hex').slice(0, 24)}`,
      at: now,
      actor: 'system:scoring',
      action: 'risk.rescore',
      target: user,
      outcome: 'OK',
      details: JSON.stringify({
        reason: rescore.reason,
        since: new Date(rescore.since).toISOString(),
        hrStatus: contexts.get(user)?.hr?.status ?? null,
        sessionsRescored: sessions,
        previousRisk: risk?.previous ?? working.get(user)?.risk.score ?? 0,
        risk: risk?.risk.score ?? working.get(user)?.risk.score ?? 0,
        alerts: result.raise.filter((c) => c.alert.user === user).map((c) => c.alert.id),
      }),
    };
  });
}

/** Per user, the first five scored reasons of the sessions the batch scored (one pass over them). */
function riskReasonsByUser(result: BatchAnalysis): Map<string, string[]> {
  const byUser = new Map<string, string[]>();
  for (const [, o] of result.sessions) {
    const list = byUser.get(o.score.userId) ?? [];
    for (const c of o.score.contributions) if (list.length < 5 && c.unscored === null && c.value > 0) list.push(`${c.reason} (+${c.value})`);
    byUser.set(o.score.userId, list);
  }
  return byUser;
}

function summariseTypicals(rows: ReadonlyArray<{ user: string; typical: string }>): Partial<Record<NumericFeature, PeerFeatureStats>> {
  const values = new Map<NumericFeature, number[]>();
  for (const row of rows) {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(row.typical) as Record<string, unknown>;
    } catch {
      continue;
    }
    for (const feature of NUMERIC_FEATURES) {
      const v = parsed[feature];
      if (typeof v === 'number' && Number.isFinite(v)) values.set(feature, [...(values.get(feature) ?? []), v]);
    }
  }
  const out: Partial<Record<NumericFeature, PeerFeatureStats>> = {};
  for (const [feature, list] of values) out[feature] = summarisePeerFeature(list);
  return out;
}

function typicalJson(state: UserAnalysis): string {
  const out: Record<string, number> = {};
  if (state.profile.sessions === 0) return JSON.stringify(out);
  for (const feature of NUMERIC_FEATURES) out[feature] = typicalSessionValue(state.profile, feature);
  return JSON.stringify(out);
}

function hrFromRow(row: LoadedUserRow | undefined): HrStatus | null {
  if (row === undefined || row.status === null) return null;
  const hr: HrStatus = { status: row.status as EmploymentStatus };
  if (row.effectiveDate !== null) hr.effectiveDate = row.effectiveDate;
  if (row.lastDay !== null) hr.lastDay = row.lastDay;
  if (row.title !== null) hr.title = row.title;
  if (row.department !== null) hr.department = row.department;
  return hr;
}

function stateFromRow(user: string, row: LoadedUserRow | undefined, log: Logger): UserAnalysis {
  let profile = createUserProfile(user);
  if (row?.profile) {
    try {
      profile = deserializeFromString(row.profile);
    } catch (error) {
      // A checkpoint we cannot read (a format change): start the baseline again rather than stop ingesting.
      log.warn({ err: error, user }, 'unreadable profile checkpoint; the baseline restarts');
    }
  }
  const state = emptyUserAnalysis(profile);
  if (row === undefined) return state;
  state.risk = { score: row.riskScore ?? 0, level: (row.riskLevel as RiskLevel | null) ?? 'LOW', peak: row.peakRiskScore ?? row.riskScore ?? 0 };
  state.recent = row.recent.map((r) => ({ sessionId: r.sessionId, score: r.score, endedAt: r.endedAt }));
  for (const a of row.open) {
    const finding = fusionFromAnomaly(user, a);
    if (finding === null) continue;
    const list = state.openFindings.get(finding.sessionId) ?? [];
    list.push(finding);
    state.openFindings.set(finding.sessionId, list);
  }
  return state;
}

function fusionFromAnomaly(user: string, a: Record<string, unknown>): FusionFinding | null {
  if (typeof a.sessionId !== 'string' || typeof a.indicatorId !== 'string') return null;
  let evidence: Json = null;
  try {
    evidence = JSON.parse(String(a.evidence)) as Json;
  } catch {
    evidence = null;
  }
  const ev = (evidence ?? {}) as { peer?: { degree?: number }; observed?: { label?: string; value?: unknown } };
  const out: FusionFinding = {
    indicatorId: a.indicatorId,
    anchorScore: Number(a.anchorScore ?? 0),
    learning: a.learning === true,
    reason: String(a.reason ?? ''),
    evidence,
    eventIds: Array.isArray(a.eventIds) ? (a.eventIds as string[]) : [],
    userId: user,
    sessionId: a.sessionId,
    ts: Number(a.at ?? 0),
    exfiltration: a.exfiltration === true,
  };
  if (typeof ev.peer?.degree === 'number') out.peerDegree = ev.peer.degree;
  if (typeof a.pValue === 'number') out.pValue = a.pValue;
  if (typeof a.fact === 'string') out.fact = a.fact;
  if (ev.observed?.label === 'asset' && typeof ev.observed.value === 'string') out.assets = [ev.observed.value];
  return out;
}

/** A deterministic id: the same finding of a replayed batch is the same node. */
export function anomalyId(f: Finding): string {
  const key = [f.indicatorId, f.user, f.sessionId ?? '', String(f.at), ...f.evidence.eventIds, String(f.evidence.observed.value)].join('\u0000');
  return `anomaly-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

function anomalyRow(f: Finding): { id: string; sessionId: string | null; props: Record<string, unknown> } {
  const test = f.evidence.test;
  return {
    id: anomalyId(f),
    sessionId: f.sessionId,
    props: {
      indicatorId: f.indicatorId,
      family: f.family,
      title: f.title,
      user: f.user,
      sessionId: f.sessionId,
      at: f.at,
      evaluatedAt: f.evaluatedAt,
      learning: f.learning,
      anchorScore: f.anchorScore,
      testKind: f.testKind,
      pValue: test.kind === 'p-value' ? test.pValue : null,
      fact: test.kind === 'fact' ? test.fact : null,
      reason: f.reason,
      evidence: JSON.stringify(f.evidence),
      eventIds: f.evidence.eventIds,
      exfiltration: f.exfiltration,
      amplifiers: f.amplifiers,
    },
  };
}

function timelineRows(events: readonly NormalizedEvent[], eventSessions: ReadonlyMap<string, string>, cap: number) {
  const bySession = new Map<string, NormalizedEvent[]>();
  for (const e of events) {
    const id = eventSessions.get(e.id);
    if (id === undefined) continue;
    const list = bySession.get(id);
    if (list === undefined) bySession.set(id, [e]);
    else list.push(e);
  }
  return [...bySession].map(([sessionId, list]) => ({
    sessionId,
    seq: list[0]!.ts,
    events: JSON.stringify(list.slice(0, cap).map(compactEvent)),
    omitted: Math.max(0, list.length - cap),
  }));
}

function compactEvent(e: NormalizedEvent): Record<string, unknown> {
  const target = e.asset ?? e.app ?? e.domain ?? e.url ?? e.filePath ?? e.emailTo?.join(', ') ?? e.host ?? null;
  const targetType = e.asset !== undefined ? 'Asset' : e.app !== undefined ? 'Application' : e.domain !== undefined ? 'Domain' : e.url !== undefined ? 'Url' : e.filePath !== undefined ? 'File' : e.emailTo !== undefined ? 'Email' : e.host !== undefined ? 'Device' : null;
  return {
    id: e.id,
    ts: e.ts,
    category: e.category,
    action: e.action,
    outcome: e.outcome,
    target,
    targetType,
    ip: e.ip ?? null,
    country: e.country ?? null,
    city: e.city ?? null,
    bytesIn: e.bytesIn ?? null,
    bytesOut: e.bytesOut ?? null,
  };
}

function serializeTriggerStats(stats: TriggerStats): string {
  return JSON.stringify({
    fittedAt: stats.fittedAt,
    population: { sessions: stats.population.sessions, triggers: [...stats.population.triggers] },
    users: [...stats.users].map(([u, c]) => [u, c.sessions, [...c.triggers]]),
    populationRate: [...stats.populationRate],
    unseenRate: stats.unseenRate,
  });
}

function deserializeTriggerStats(text: string): TriggerStats {
  const o = JSON.parse(text) as {
    fittedAt: number | null;
    population: { sessions: number; triggers: Array<[string, number]> };
    users: Array<[string, number, Array<[string, number]>]>;
    populationRate: Array<[string, number]>;
    unseenRate: number;
  };
  return {
    fittedAt: o.fittedAt,
    population: { sessions: o.population.sessions, triggers: new Map(o.population.triggers) },
    users: new Map(o.users.map(([u, sessions, triggers]) => [u, { sessions, triggers: new Map(triggers) }])),
    populationRate: new Map(o.populationRate),
    unseenRate: o.unseenRate,
  };
}
