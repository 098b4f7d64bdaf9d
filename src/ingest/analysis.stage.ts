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
import { type AnalysedSession, analyseBatch, type BatchAnalysis, cloneUserAnalysis, type UserAnalysis, type UserContext } from '../analytics/analysis/batch-analysis.ts';
import { entityKey, type EntityType } from '../analytics/entities.ts';
import { type AlertCandidate, type AlertConfig, DEFAULT_ALERT_CONFIG, DEFAULT_USER_RISK_CONFIG, emptyTriggerStats, type FusionFinding, downWeight, recordFeedback, recordSession, refitTriggerStats, type TriggerStats } from '../analytics/fusion/index.ts';
import { DATA_SOURCES, type DataSource, type DeviceOwnership, type MalwareFact, type PlacePopulation, type PeerFeatureStats, type PeerGroupSummary } from '../analytics/indicators/context.ts';
import type { MaturityConfig } from '../analytics/maturity.ts';
import { type NumericFeature } from '../analytics/profiles/histogram.profile.ts';
import { serializeToString } from '../analytics/profiles/profile.codec.ts';
import type { NormalizedEvent } from '../events/event.ts';
import type { Logger } from '../logger.ts';
import type { AnalysisWrite, LoadedUserRow, Neo4jAnalysisRepository } from '../store/analysis.repository.ts';
import type { BatchReader } from '../store/ingest.repository.ts';
import { StageTimings } from '../perf/stage-timings.ts';
import { TtlCache } from './ttl-cache.ts';
import { stepDownAudit, rescoreAudit } from './analysis-audit.ts';
import { riskReasonsByUser, summariseCommandClasses, summariseTypicals, typicalJson, hrFromRow, stateFromRow, fusionFromAnomaly, anomalyRow, timelineRows, serializeTriggerStats, deserializeTriggerStats } from './analysis-rows.ts';

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

function placePopulationOf(rows: ReadonlyArray<{ kind: string; place: string; users: number }>): PlacePopulation {
  const countries = new Map<string, number>();
  const cities = new Map<string, number>();
  let users = 0;
  for (const r of rows) {
    if (r.kind === 'total') users = Number(r.users);
    else (r.kind === 'country' ? countries : cities).set(r.place, Number(r.users));
  }
  return { users, countries, cities };
}

/** Devices whose ownership is cached (about 100 B each). */
const MAX_CACHED_DEVICE_OWNERS = 200_000;
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
  /** Incremented when the peer groups are rebuilt: a batch prepared before keeps its context to itself. */
  #contextEpoch = 0;
  /** Per peer group: entity key → members who accessed it (a peer-group rebuild makes new group ids). */
  readonly #groupAccess: TtlCache<string, Promise<ReadonlyMap<string, number>>>;
  /** Per peer group: the members' typical session values, refreshed every 10 minutes. */
  readonly #groupFeatures: TtlCache<
    string,
    Promise<{ features: Partial<Record<NumericFeature, PeerFeatureStats>>; commandClasses: Map<string, number> | null }>
  >;
  /** Per user: HR status, peer group and watchlists as last read (or as the last batch left them). */
  readonly #contexts: TtlCache<string, UserContext>;
  /** Every device with malware on record, under the one key 'all'. */
  readonly #malware: TtlCache<'all', Promise<ReadonlyMap<string, MalwareFact>>>;
  /** Ownership per device (null: nobody on record yet), re-read when older than the TTL. */
  readonly #owners: TtlCache<string, DeviceOwnership | null>;
  /** How common each country and city is, under the one key 'all', re-read when older than the TTL. */
  readonly #places: TtlCache<'all', Promise<PlacePopulation>>;
  /** Every rated asset's criticality, under the one key 'all'. */
  readonly #criticality: TtlCache<'all', Promise<ReadonlyMap<string, number>>>;

  constructor(options: AnalysisStageOptions) {
    this.#o = { checkpointEvery: 10, timelineCap: 200, internalDomains: [], maxCachedUsers: 50_000, contextTtlMs: DEFAULT_CONTEXT_TTL_MS, ...options };
    const ttlMs = this.#o.contextTtlMs;
    this.#contexts = new TtlCache({ ttlMs, maxEntries: this.#o.maxCachedUsers });
    this.#malware = new TtlCache({ ttlMs, maxEntries: 1 });
    this.#owners = new TtlCache({ ttlMs, maxEntries: MAX_CACHED_DEVICE_OWNERS });
    this.#places = new TtlCache({ ttlMs, maxEntries: 1 });
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

  /** Ownership of the devices the events name: cached per device, the misses read at once. */
  async #deviceOwners(unit: BatchReader, events: readonly NormalizedEvent[]): Promise<Map<string, DeviceOwnership>> {
    const hosts = new Set<string>();
    for (const e of events) if (e.host !== undefined && e.user !== undefined) hosts.add(e.host);
    const out = new Map<string, DeviceOwnership>();
    const missing: string[] = [];
    for (const host of hosts) {
      const known = this.#owners.get(host);
      if (known === undefined) missing.push(host);
      else if (known !== null) out.set(host, known);
    }
    if (missing.length > 0) {
      const rows = await unit.loadDeviceOwners(missing.sort());
      const found = new Map(rows.map((r) => [r.host, { owner: r.owner, ownerCount: Number(r.ownerCount), total: Number(r.total), users: Number(r.users) }]));
      for (const host of missing) {
        const o = found.get(host) ?? null;
        this.#owners.set(host, o);
        if (o !== null) out.set(host, o);
      }
    }
    return out;
  }

  /**
   * The peer groups were rebuilt (new group ids, members and summaries): the cached user
   * contexts (which name each user's group) and group summaries are dropped, so the next batch
   * reads the new groups instead of waiting out the context TTL.
   */
  peerGroupsChanged(): void {
    this.#contextEpoch += 1;
    this.#contexts.clear();
    this.#groupAccess.clear();
    this.#groupFeatures.clear();
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
    const epoch = this.#contextEpoch;
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
    const infected = await this.#malware.getOrLoad('all', () =>
      unit.loadMalwareDevices().then((rows) => new Map(rows.map((m) => [m.host, { malwareAt: m.malwareAt, signature: m.signature }]))),
    );
    const malware = new Map<string, MalwareFact>();
    for (const e of events) {
      const fact = e.host === undefined ? undefined : infected.get(e.host);
      if (fact !== undefined) malware.set(e.host!, fact);
    }
    for (const e of events) {
      if (e.category === 'malware' && e.host !== undefined && !malware.has(e.host)) malware.set(e.host, { malwareAt: e.ts, signature: e.action });
    }

    const deviceOwners = await this.#deviceOwners(unit, events);
    const placePopulation = events.some((e) => e.country !== undefined || e.city !== undefined)
      ? await this.#places.getOrLoad('all', () => unit.loadPlacePopulation().then(placePopulationOf))
      : null;

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
    const rated = await this.#criticality.getOrLoad('all', () => unit.loadRatedAssets());
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
      deviceOwners,
      placePopulation,
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
            ? { at: o.risk.computedAt, score: o.risk.score, level: o.risk.level, previousScore: o.previous, reasons: reasons.get(user) ?? [], recordedAt: now }
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
        // Not when the peer groups were rebuilt meanwhile: those contexts name the old groups.
        if (epoch === this.#contextEpoch) for (const [user, ctx] of contexts) this.#contexts.set(user, ctx, contextAt.get(user));
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
    const access = this.#groupAccess.getOrLoad(group.id, () =>
      this.#o.repository.peerGroupAccess(group.id).then((rows) => {
        const map = new Map<string, number>();
        for (const r of rows) map.set(entityKey({ type: r.type as EntityType, id: r.id }), r.members);
        return map;
      }),
    );
    const typicals = this.#groupFeatures.getOrLoad(group.id, () =>
      this.#o.repository.peerGroupTypicals(group.id).then((rows) => ({ features: summariseTypicals(rows), commandClasses: summariseCommandClasses(rows) })),
    );
    const { features, commandClasses } = await typicals;
    return {
      groupId: group.id,
      name: group.label ?? group.id,
      kind: group.kind === 'behaviour' ? 'behaviour' : 'organisation',
      degree: group.degree ?? 1,
      size: Math.max(0, (group.size ?? 1) - 1),
      accessedBy: await access,
      features,
      // Counts include the user, which is harmless: indicators read only classes the user never ran.
      ...(commandClasses === null ? {} : { commandClasses }),
    };
  }
}
