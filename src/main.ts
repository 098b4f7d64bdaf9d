import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { PartitionLeases } from './queue/partition-leases.ts';
import { Redis } from 'ioredis';
import { createGraphqlApi, GRAPHQL_PATH, type ApiLimits, type GraphqlApi } from './api/graphql-api.ts';
import type { ApiRepositories } from './api/context.ts';
import type { AlertPublisher, GraphChangeNotice, IndicatorCatalog, PeerGroupRecomputer, RiskChangePublisher } from './api/ports.ts';
import { AnnouncingHrRepository, GraphAlertPublisher, PubSubRiskChangePublisher } from './api/publishers.ts';
import { type PubSub, RedisPubSub } from './api/pubsub/redis-pubsub.ts';
import { BatchedAuditWriter } from './risk/batched-audit.writer.ts';
import { RiskDecisionService, type RiskDecisionServiceOptions } from './risk/risk-decision.service.ts';
import { RiskStateCache } from './risk/risk-state.cache.ts';
import { Neo4jRiskStateRepository } from './store/risk-state.repository.ts';
import { ApiKeyAuthenticator } from './auth/api-key.authenticator.ts';
import { AdminTokenAuthenticator, type Authenticator, ChainAuthenticator } from './auth/authenticator.ts';
import { type Config, describeConfig } from './config.ts';
import { DomainError, ErrorCode } from './errors.ts';
import { Metrics } from './metrics.ts';
import { ConsoleSite } from './http/console-site.ts';
import { HttpServer } from './http/server.ts';
import { ensureLocalNeo4j, type LocalNeo4j } from './infra/neo4j-local.ts';
import { ensureRedis, type LocalRedis } from './infra/redis-local.ts';
import { IngestService } from './ingest/ingest.service.ts';
import { AnalysisStage } from './ingest/analysis.stage.ts';
import { PipelineService } from './ingest/pipeline.service.ts';
import { WebhookDispatcher } from './responses/webhooks.ts';
import { RescoringHrRepository } from './ingest/rescoring.hr-repository.ts';
import type { Logger } from './logger.ts';
import { EventDedup } from './queue/dedup.ts';
import { IngestQueues } from './queue/ingest.queue.ts';
import { ImportTracker } from './queue/import-tracker.ts';
import { PipelineWorkers } from './queue/pipeline.worker.ts';
import { PeerGroupJobs } from './jobs/peer-groups.job.ts';
import { PeerGroupFreshness } from './jobs/peer-group-freshness.ts';
import { policyEnabled } from './analytics/peer-groups/rebuild-policy.ts';
import { Neo4jPeerGroupTriggerRepository } from './store/peer-group-trigger.repository.ts';
import { Neo4jPeerGroupRepository } from './store/peer-group.repository.ts';
import { Neo4jAlertRepository } from './store/alert.repository.ts';
import { Neo4jApiKeyRepository } from './store/api-key.repository.ts';
import { Neo4jAuditRepository } from './store/audit.repository.ts';
import { Neo4jContextInputRepository } from './store/context-inputs.repository.ts';
import { Neo4jDeadLetterRepository } from './store/dead-letter.repository.ts';
import { Neo4jEntityRepository } from './store/entity.repository.ts';
import { Neo4jAttackPathRepository } from './store/attack-path.repository.ts';
import { Neo4jHrRepository } from './store/hr.repository.ts';
import { Neo4jPeerGroupViewRepository } from './store/peer-group-view.repository.ts';
import { Neo4jScopeRepository } from './store/scope.repository.ts';
import { Neo4jSessionRepository } from './store/session.repository.ts';
import { Neo4jFindingRepository } from './store/finding.repository.ts';
import { Neo4jRiskHistoryRepository } from './store/risk-history.repository.ts';
import { createDriver, Neo4jExecutor } from './store/executor.ts';
import { Neo4jIngestRepository } from './store/ingest.repository.ts';
import { Neo4jAnalysisRepository } from './store/analysis.repository.ts';
import { Topic } from './api/pubsub/topics.ts';
import { applyMigrations } from './store/migrations.ts';
import { Neo4jSettingsRepository } from './store/settings.repository.ts';
import { loadIndicatorConfigFile } from './settings/indicator-config.file.ts';
import { SettingsService } from './settings/settings.service.ts';

/**
 * The composition root: configuration → Neo4j and Redis (found or started) → driver and
 * repositories → services → workers and the HTTP edge. Everything else receives what it needs
 * through its constructor; nothing else reads the environment or opens a connection.
 */
export interface Runtime {
  config: Config;
  log: Logger;
  neo4jUri: string;
  /** The local Neo4j's process id when this runtime started or attached to one (benchmarks read its CPU). */
  neo4jPid: number | null;
  redisUrl: string;
  executor: Neo4jExecutor;
  redis: Redis;
  queues: IngestQueues;
  dedup: EventDedup;
  deadLetters: Neo4jDeadLetterRepository;
  ingest: IngestService;
  pipeline: PipelineService;
  workers: PipelineWorkers | null;
  /** Prometheus metrics of this process (served by the HTTP edge at /metrics). */
  metrics: Metrics;
  /** Peer-group recomputation: periodic in a server, on demand through the API and CLI. */
  peerGroups: { repository: Neo4jPeerGroupRepository; jobs: PeerGroupJobs };
  /** Analysis settings (mode, indicator configuration, threat intelligence): read per batch, changed by admins. */
  settings: SettingsService;
  /** Stops workers, then connections, then any server this process started. */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Run the pipeline workers in this process. */
  workers: boolean;
  /** Keep a periodic wall-clock session sweep scheduled (the long-running server). */
  scheduleSweeps?: boolean;
  clock?: () => number;
}

/** At start-up, employment changes that fell due this far back are (re)applied. */
const HR_DUE_LOOKBACK_MS = 7 * 86_400_000;

/** A rebuild for user growth needs at least this many new users (beside the configured share). */
const PEER_GROUP_MIN_NEW_USERS = 10;
/** ... and a day of data time since the last rebuild. */
const PEER_GROUP_GROWTH_GAP_MS = 86_400_000;

/** How often idle sessions are swept in a running server, ms. */
const SWEEP_EVERY_MS = 60_000;

export async function createRuntime(config: Config, log: Logger, options: RuntimeOptions): Promise<Runtime> {
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) {
      try {
        await closer();
      } catch (error) {
        log.warn({ err: error }, 'error while shutting down');
      }
    }
  };
  try {
    log.debug({ config: describeConfig(config) }, 'configuration');
    // A bad indicator file stops start-up before anything is started, listing every problem.
    const indicatorFileConfig = loadIndicatorConfigFile(config.analysis.indicatorsFile);
    let localNeo4j: LocalNeo4j | null = null;
    if (config.neo4j.uri === undefined) {
      localNeo4j = await ensureLocalNeo4j({
        dataDir: config.dataDir,
        pageCache: config.neo4j.pageCache,
        heap: config.neo4j.heap,
        log: (message) => log.info(message),
      });
      closers.push(() => localNeo4j!.stop());
      log.info({ uri: localNeo4j.uri, owned: localNeo4j.owned }, 'local Neo4j');
    }
    const neo4jUri = config.neo4j.uri ?? localNeo4j!.uri;

    const localRedis: LocalRedis = await ensureRedis({
      url: config.redis.url,
      dataDir: config.dataDir,
      log: (message) => log.info(message),
    });
    closers.push(() => localRedis.stop());

    const executor = new Neo4jExecutor(
      createDriver({ uri: neo4jUri, user: config.neo4j.user, password: config.neo4j.password, database: config.neo4j.database }),
      config.neo4j.database,
    );
    closers.push(() => executor.close());
    await executor.verify();
    await applyMigrations(executor, log);
    const settings = new SettingsService({
      repository: new Neo4jSettingsRepository(executor),
      fileConfig: indicatorFileConfig,
      defaultMode: config.analysis.defaultMode,
      log,
      ...(options.clock ? { clock: options.clock } : {}),
    });

    const redis = new Redis(localRedis.url, { maxRetriesPerRequest: 20, lazyConnect: false });
    // Without a listener ioredis prints every failed reconnect to stderr; one warning per outage.
    let redisDown = false;
    redis.on('error', (error: unknown) => {
      if (!redisDown) log.warn({ err: error }, 'Redis connection lost; reconnecting');
      redisDown = true;
    });
    redis.on('ready', () => {
      if (redisDown) log.info('Redis connection restored');
      redisDown = false;
    });
    closers.push(() => redis.quit());
    await warnWithoutPersistence(redis, log);

    const connection = { url: localRedis.url, prefix: config.queue.prefix };
    const queues = new IngestQueues(connection, config.queue.partitions);
    closers.push(() => queues.close());
    await queues.init();

    const metrics = new Metrics(() => queues.depths());
    const ingestRepository = new Neo4jIngestRepository(executor);
    const dedup = new EventDedup(redis, config.queue.prefix, config.queue.dedupTtlDays, await ingestRepository.storeIdentity());
    const deadLetters = new Neo4jDeadLetterRepository(executor);
    // Alerts and risk changes of the pipeline go to every API instance through Redis pub/sub.
    const scoringEvents = new RedisPubSub({ redis, prefix: config.queue.prefix, log });
    // ... and to SOAR/SIEM as signed webhooks, retried through their own queue.
    const webhooks = new WebhookDispatcher(config.webhooks, connection, { deadLetters, audit: new Neo4jAuditRepository(executor), log });
    closers.push(() => webhooks.close());
    if (options.workers) webhooks.start();
    const analysis = new AnalysisStage({
      repository: new Neo4jAnalysisRepository(executor),
      settings,
      publisher: {
        alertRaised: async (alert) => {
          await scoringEvents.publish(Topic.ALERT_RAISED, alert);
          await webhooks.alertRaised(alert);
        },
        riskChanged: (change) => scoringEvents.publish(Topic.RISK_SCORE_CHANGED, change),
      },
      log,
      clock: options.clock ?? Date.now,
      internalDomains: config.analysis.internalDomains,
      checkpointEvery: config.analysis.checkpointEvery,
      maturity: config.analysis.maturity,
      maxCachedUsers: config.analysis.maxCachedUsers,
      contextTtlMs: config.analysis.contextTtlMs,
      alerts: { sessionThreshold: config.analysis.alerts.sessionPoints, userThreshold: config.analysis.alerts.userRisk },
    });
    closers.push(() => analysis.close());
    const peerGroupRepository = new Neo4jPeerGroupRepository(executor);
    const peerGroupJobs = new PeerGroupJobs({
      connection,
      deps: { repository: peerGroupRepository, log },
      ...(options.clock ? { clock: options.clock } : {}),
    });
    closers.push(() => peerGroupJobs.close());
    await peerGroupJobs.init();
    // Peer groups follow the data's time as well as the daily schedule: a backfill is scored
    // against groups rebuilt as its data moves on, like live traffic.
    const peerGroupPolicy = { windowMs: config.peerGroups.dataWindowMs, userGrowth: config.peerGroups.userGrowth, minNewUsers: PEER_GROUP_MIN_NEW_USERS, growthGapMs: PEER_GROUP_GROWTH_GAP_MS };
    const freshness = policyEnabled(peerGroupPolicy)
      ? new PeerGroupFreshness({
          repository: new Neo4jPeerGroupTriggerRepository(executor),
          jobs: peerGroupJobs,
          policy: peerGroupPolicy,
          onGroupsChanged: () => analysis.peerGroupsChanged(),
          log,
        })
      : null;
    const pipeline = new PipelineService({
      repository: ingestRepository,
      dedup,
      sessions: config.sessions,
      analysis,
      gate: freshness,
      // Before the batch's alerts, so every API instance refreshes the subscription scopes
      // (filter.near) the new edges touch before it filters those alerts.
      onTopologyChanged: async (change) => {
        try {
          await scoringEvents.publish(Topic.GRAPH_CHANGED, change satisfies GraphChangeNotice);
        } catch (error) {
          log.warn({ err: error }, 'could not announce a graph change; subscription scopes catch up at their periodic refresh');
        }
      },
      ...(options.clock ? { clock: options.clock } : {}),
    });
    const tracker = new ImportTracker(redis, config.queue.prefix);
    const ingest = new IngestService({
      queues,
      tracker,
      storeIdentity: () => ingestRepository.storeIdentity(),
      dedup,
      deadLetters,
      batchSize: config.queue.batchSize,
      batchWindowMs: config.peerGroups.dataWindowMs,
      ...(options.clock ? { clock: options.clock } : {}),
    });

    let workers: PipelineWorkers | null = null;
    if (options.workers) {
      workers = new PipelineWorkers({
        connection,
        partitions: config.queue.partitions,
        lockMs: config.queue.jobLockMs,
        metrics,
        pipeline,
        deadLetters,
        log,
        tracker,
      });
      // Partitions are shared with any other worker process on the same Redis by lease.
      const running = workers;
      const leases = new PartitionLeases({
        redis,
        prefix: config.queue.prefix,
        partitions: config.queue.partitions,
        owner: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
        ttlMs: config.queue.leaseMs,
        onAcquire: async (partition) => running.startPartition(partition),
        onRelease: (partition) => running.stopPartition(partition),
        log,
      });
      await leases.start();
      // Workers close first so no batch is cut between its commit and its acknowledgement;
      // each partition's learning is checkpointed as it is released.
      closers.push(async () => {
        await leases.close();
        await running.close();
      });
    }
    if (options.scheduleSweeps) await queues.scheduleSweeps(SWEEP_EVERY_MS);

    if (options.workers) peerGroupJobs.start();
    if (options.scheduleSweeps) await peerGroupJobs.schedule(config.peerGroups.everyMs);

    return {
      config,
      log,
      neo4jUri,
      neo4jPid: localNeo4j?.pid ?? null,
      redisUrl: localRedis.url,
      executor,
      redis,
      queues,
      dedup,
      deadLetters,
      ingest,
      pipeline,
      workers,
      metrics,
      peerGroups: { repository: peerGroupRepository, jobs: peerGroupJobs },
      settings,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Without persistence a Redis restart drops queued events; say so loudly. */
async function warnWithoutPersistence(redis: Redis, log: Logger): Promise<void> {
  try {
    const reply = (await redis.config('GET', 'appendonly')) as string[];
    if (reply[1] !== 'yes') {
      log.warn('Redis runs without append-only persistence: events queued but not yet processed are lost if Redis restarts; enable appendonly in production');
    }
  } catch {
    // CONFIG may be disabled on managed Redis; nothing to check then.
  }
}

/** The bearer-token authenticator; without a configured admin token, a random one per run. */
export function createAuthenticator(config: Config, log: Logger): Authenticator {
  let token = config.adminToken;
  if (token === undefined) {
    if (config.env === 'production') {
      throw new DomainError(ErrorCode.CONFIG_INVALID, 'RISKGRAPH_ADMIN_TOKEN must be set in production');
    }
    token = randomBytes(24).toString('base64url');
    // Shown once so a developer can use the API; never persisted.
    process.stderr.write(`riskgraph: no RISKGRAPH_ADMIN_TOKEN set; this run's admin token is ${token}\n`);
  }
  return new AdminTokenAuthenticator(token);
}

export interface Server {
  runtime: Runtime;
  http: HttpServer;
  url: string;
  /** The GraphQL API and what the rest of the product publishes through it. */
  api: {
    graphql: GraphqlApi;
    pubsub: PubSub;
    /** Scoring (issue 4) raises alerts through this. */
    alerts: AlertPublisher;
    /** Scoring (issue 4) announces risk score changes through this. */
    riskChanges: RiskChangePublisher;
    /** Query.riskDecision: the in-memory risk state and the decision over it. */
    riskDecisions: RiskDecisionService;
  };
  close(): Promise<void>;
}

export interface ServerOptions {
  clock?: () => number;
  /** The indicator catalogue shown by Query.indicators; by default the registry as configured (runtime.settings). */
  indicators?: IndicatorCatalog;
  /** Overrides of the API limits (tests). */
  apiLimits?: Partial<ApiLimits>;
  /** Overrides of the risk-decision state's paging and reload period (tests, benchmarks). */
  riskDecisions?: Partial<RiskDecisionServiceOptions>;
  /** How often employment changes recorded ahead of their effective date are checked for falling due, ms. Default a minute. */
  hrDueEveryMs?: number;
}

/** Mutation.recomputePeerGroups through the peer-group job (shared by concurrent requests). */
function peerGroupRecomputer(jobs: PeerGroupJobs): PeerGroupRecomputer {
  return {
    async recompute(wait) {
      if (!wait) {
        await jobs.runNow();
        return { finished: false, buildId: null, activated: null, users: null, clustered: null };
      }
      const result = await jobs.runNow({ wait: true });
      return { finished: true, buildId: result.buildId, activated: result.activated, users: result.users, clustered: result.clustered };
    },
  };
}

/** A key without a User node is answered as unknown for this long before it is read again, ms. */
const UNKNOWN_USER_TTL_MS = 60_000;
/** Unknown keys remembered at most (identity providers may ask about many accounts we never saw). */
const MAX_UNKNOWN_USERS = 10_000;

/** `riskgraph serve`: API and workers in one process, drained on SIGTERM. */
export async function startServer(config: Config, log: Logger, options: ServerOptions = {}): Promise<Server> {
  const { indicators, apiLimits, riskDecisions: riskDecisionOptions, hrDueEveryMs: _hrDueEveryMs, ...runtimeOptions } = options;
  const runtime = await createRuntime(config, log, { workers: true, scheduleSweeps: true, ...runtimeOptions });
  const clock = options.clock ?? Date.now;
  const closers: Array<() => Promise<unknown>> = [];
  try {
    const { executor } = runtime;
    // Its cache runs on wall-clock time, not the (possibly simulated) domain clock.
    const apiKeyAuthenticator = new ApiKeyAuthenticator(new Neo4jApiKeyRepository(executor));
    // The bootstrap admin token first (no graph read), then API keys; /ingest accepts both.
    const authenticator = new ChainAuthenticator([createAuthenticator(config, log), apiKeyAuthenticator]);
    const pubsub = new RedisPubSub({ redis: runtime.redis, prefix: config.queue.prefix, log });
    closers.push(() => pubsub.close());
    // Risk decisions: audited in batches off the request path; closed before their audit
    // writer, which then writes what is left.
    const decisionAudit = new BatchedAuditWriter({ repository: new Neo4jAuditRepository(executor), log });
    closers.push(() => decisionAudit.close());
    const riskDecisions = new RiskDecisionService({
      repository: new Neo4jRiskStateRepository(executor),
      cache: new RiskStateCache({ unknownTtlMs: UNKNOWN_USER_TTL_MS, maxUnknown: MAX_UNKNOWN_USERS, now: Date.now }),
      audit: decisionAudit,
      pubsub,
      log,
      clock,
      ...(riskDecisionOptions ? { options: riskDecisionOptions } : {}),
    });
    closers.push(() => riskDecisions.close());
    await riskDecisions.start();
    const repos: ApiRepositories = {
      entities: new Neo4jEntityRepository(executor),
      attackPaths: new Neo4jAttackPathRepository(executor),
      sessions: new Neo4jSessionRepository(executor),
      findings: new Neo4jFindingRepository(executor),
      riskHistory: new Neo4jRiskHistoryRepository(executor),
      peerGroups: new Neo4jPeerGroupViewRepository(executor),
      alerts: new Neo4jAlertRepository(executor),
      audit: new Neo4jAuditRepository(executor),
      apiKeys: new Neo4jApiKeyRepository(executor),
      // HR changes are announced so every instance's risk-decision state re-reads those users.
      hr: new AnnouncingHrRepository({
        inner: new RescoringHrRepository({
          inner: new Neo4jHrRepository(executor),
          rescore: (users, reason, since, waitMs) =>
            runtime.ingest.rescore(users, reason, waitMs === undefined ? { since } : { since, wait: true, timeoutMs: waitMs }),
          log,
        }),
        pubsub,
        log,
        clock,
      }),
      deadLetters: runtime.deadLetters,
      contextInputs: new Neo4jContextInputRepository(executor),
      scopes: new Neo4jScopeRepository(executor),
    };
    const graphql = await createGraphqlApi({
      services: {
        repos,
        ingest: runtime.ingest,
        indicators: indicators ?? runtime.settings,
        settings: runtime.settings,
        peerGroups: peerGroupRecomputer(runtime.peerGroups.jobs),
        riskDecisions,
        pubsub,
        apiKeyAuthenticator,
        log,
        clock,
        alertSessionPoints: config.analysis.alerts.sessionPoints,
      },
      authenticator,
      env: config.env,
      ...(apiLimits ? { limits: apiLimits } : {}),
      log,
    });
    closers.push(() => graphql.close());
    runtime.metrics.watchScopes(() => graphql.scopes.stats());
    const http = new HttpServer({
      authenticator,
      metrics: runtime.metrics,
      ingest: runtime.ingest,
      maxBodyBytes: config.http.maxBodyBytes,
      log,
      console: new ConsoleSite(),
      health: [
        { name: 'neo4j', check: () => runtime.executor.verify() },
        { name: 'redis', check: async () => void (await runtime.redis.ping()) },
      ],
    });
    // Employment changes recorded ahead of their effective date take effect when due: the
    // users' current status is refreshed (and, through the HR repository's wrappers, their
    // scores re-computed and the change announced). Idempotent, so every instance may run it.
    let hrDueSince = clock() - HR_DUE_LOOKBACK_MS;
    const hrDue = setInterval(() => {
      const now = clock();
      repos.hr
        .refreshDue(hrDueSince, now)
        .then(() => {
          hrDueSince = now;
        })
        .catch((error: unknown) => log.warn({ err: error }, 'could not apply employment changes falling due; retrying next round'));
    }, options.hrDueEveryMs ?? 60_000);
    hrDue.unref();
    closers.push(async () => clearInterval(hrDue));
    http.mount(GRAPHQL_PATH, graphql.handler);
    graphql.attachWebSocket(http.server);
    const { url } = await http.listen(config.port, config.host);
    log.info({ url }, 'riskgraph listening');
    return {
      runtime,
      http,
      url,
      api: {
        graphql,
        pubsub,
        alerts: new GraphAlertPublisher(repos.alerts, pubsub),
        riskChanges: new PubSubRiskChangePublisher(pubsub),
        riskDecisions,
      },
      close: async () => {
        // WebSocket subscribers and pub/sub first, so the HTTP server can drain and close.
        for (const closer of closers.reverse()) await closer().catch((error: unknown) => log.warn({ err: error }, 'error while shutting down'));
        await http.close();
        await runtime.close();
      },
    };
  } catch (error) {
    for (const closer of closers.reverse()) await closer().catch(() => {});
    await runtime.close();
    throw error;
  }
}
