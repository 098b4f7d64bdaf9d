import path from 'node:path';
import { z } from 'zod';
import type { EnforcementMode } from './analytics/maturity.ts';
import { DomainError, ErrorCode } from './errors.ts';

/**
 * Configuration comes from the environment only, validated once at start-up. Every problem is
 * listed at once, so an operator fixes a deployment in one round. Secrets (Neo4j password,
 * admin token) are never logged: see `describeConfig`.
 */

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const intFrom = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const sizeSetting = z.string().regex(/^\d+[kmgKMG]?$/, "must be a size such as '512m' or '2g'");

const uri = (schemes: readonly string[]) =>
  z.string().refine((value) => {
    try {
      return schemes.includes(new URL(value).protocol.replace(/:$/, ''));
    } catch {
      return false;
    }
  }, `must be a URI with scheme ${schemes.join(', ')}`);

const envSchema = z.object({
  PORT: intFrom(0, 65535).default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  RISKGRAPH_DATA_DIR: z.string().min(1).default('./data'),
  RISKGRAPH_LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  RISKGRAPH_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  NEO4J_URI: uri(['bolt', 'bolt+s', 'bolt+ssc', 'neo4j', 'neo4j+s', 'neo4j+ssc']).optional(),
  NEO4J_USER: z.string().min(1).default('neo4j'),
  NEO4J_PASSWORD: z.string().optional(),
  NEO4J_DATABASE: z.string().min(1).default('neo4j'),
  NEO4J_PAGE_CACHE: sizeSetting.default('512m'),
  NEO4J_HEAP: sizeSetting.default('1g'),
  REDIS_URL: uri(['redis', 'rediss']).optional(),
  RISKGRAPH_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
    .default('riskgraph'),
  RISKGRAPH_PARTITIONS: intFrom(1, 256).default(4),
  RISKGRAPH_BATCH_SIZE: intFrom(1, 500_000).default(100_000),
  RISKGRAPH_SESSION_GAP_MINUTES: intFrom(1, 24 * 60).default(120),
  RISKGRAPH_SESSION_MAX_HOURS: intFrom(1, 7 * 24).default(24),
  RISKGRAPH_DEDUP_TTL_DAYS: intFrom(1, 3650).default(35),
  RISKGRAPH_MAX_BODY_MB: intFrom(1, 100_000).default(1024),
  RISKGRAPH_JOB_LOCK_SECONDS: intFrom(2, 3600).default(60),
  RISKGRAPH_PEER_GROUPS_EVERY_MINUTES: intFrom(1, 7 * 24 * 60).default(24 * 60),
  RISKGRAPH_PEER_GROUPS_DATA_DAYS: intFrom(0, 365).default(7),
  RISKGRAPH_PEER_GROUPS_USER_GROWTH_PERCENT: intFrom(0, 10_000).default(20),
  RISKGRAPH_MODE: z.enum(['learning', 'enforcement']).default('enforcement'),
  RISKGRAPH_INDICATORS_FILE: z.string().min(1).optional(),
  RISKGRAPH_INTERNAL_DOMAINS: z
    .string()
    .regex(/^[a-z0-9.-]+(,[a-z0-9.-]+)*$/i, 'comma-separated domain names')
    .optional(),
  RISKGRAPH_PROFILE_CHECKPOINT_BATCHES: intFrom(1, 10_000).default(10),
  RISKGRAPH_MAX_CACHED_USERS: intFrom(1, 10_000_000).default(50_000),
  RISKGRAPH_CONTEXT_TTL_SECONDS: intFrom(0, 86_400).default(60),
  RISKGRAPH_LEASE_SECONDS: intFrom(2, 3600).default(30),
  RISKGRAPH_MATURITY_DAYS: intFrom(0, 365).default(14),
  RISKGRAPH_MATURITY_EVENTS: intFrom(0, 10_000_000).default(200),
  RISKGRAPH_ALERT_SESSION_POINTS: intFrom(1, 100_000).default(90),
  RISKGRAPH_ALERT_USER_RISK: intFrom(1, 100).default(75),
  RISKGRAPH_WEBHOOK_URLS: z
    .string()
    .refine((v) => v.split(',').every((u) => /^https?:\/\/[^\s,]+$/.test(u.trim())), 'comma-separated http(s) URLs')
    .optional(),
  RISKGRAPH_WEBHOOK_SECRET: z.string().min(16, 'at least 16 characters').optional(),
  RISKGRAPH_WEBHOOK_ATTEMPTS: intFrom(1, 50).default(8),
  RISKGRAPH_WEBHOOK_BACKOFF_MS: intFrom(1, 3_600_000).default(2000),
}).superRefine((e, ctx) => {
  if (e.RISKGRAPH_WEBHOOK_URLS !== undefined && e.RISKGRAPH_WEBHOOK_SECRET === undefined) {
    ctx.addIssue({ code: 'custom', path: ['RISKGRAPH_WEBHOOK_SECRET'], message: 'required when RISKGRAPH_WEBHOOK_URLS is set (webhooks are always signed)' });
  }
});

export interface Config {
  port: number;
  host: string;
  env: 'development' | 'production' | 'test';
  dataDir: string;
  logLevel: (typeof LOG_LEVELS)[number];
  adminToken: string | undefined;
  neo4j: {
    /** Unset: start or attach to the local Neo4j under `dataDir`. */
    uri: string | undefined;
    user: string;
    password: string | undefined;
    database: string;
    pageCache: string;
    heap: string;
  };
  redis: { url: string | undefined };
  queue: {
    prefix: string;
    /** Events are partitioned by user over this many ordered queues. */
    partitions: number;
    /** Events per queued batch. */
    batchSize: number;
    /** How long an accepted event's id is remembered for de-duplication, days. */
    dedupTtlDays: number;
    /** A worker's lock on a batch, ms: a crashed worker's batch is taken over after this. */
    jobLockMs: number;
    /** A worker process's hold on a partition lapses this long after its last renewal, ms. */
    leaseMs: number;
  };
  sessions: {
    /** A session closes after this much inactivity, ms. */
    gapMs: number;
    /** A session is cut after this long even if active, ms. */
    maxMs: number;
  };
  http: { maxBodyBytes: number };
  peerGroups: {
    /** How often the peer groups are rebuilt from the graph, ms. */
    everyMs: number;
    /** Rebuilt during ingestion when the data time enters a new window of this length, ms (0: off). */
    dataWindowMs: number;
    /** ... or the users in the graph have grown by this fraction since the last such rebuild (0: off). */
    userGrowth: number;
  };
  analysis: {
    /** The mode until an administrator sets one through the API. */
    defaultMode: EnforcementMode;
    /** Base indicator configuration (JSON or YAML), absolute; API overrides layer on top. */
    indicatorsFile: string | undefined;
    /** The organisation's mail domains: mail to any other domain is external. */
    internalDomains: string[];
    /** A partition's changed profiles are checkpointed to the graph every this many batches. */
    checkpointEvery: number;
    /** Users whose analysis state a worker process keeps in memory; the least recently active beyond it are reloaded when next seen. */
    maxCachedUsers: number;
    /** How long graph context (HR, peer groups, watchlists, asset ratings, malware) read for a batch is reused, ms. */
    contextTtlMs: number;
    /** A user baseline is mature (its findings score) after this many days and events. */
    maturity: { minDays: number; minEvents: number };
    /** Alerts: a session score (points) or a user risk (0–100) at or above these. */
    alerts: { sessionPoints: number; userRisk: number };
  };
  /** Signed alert webhooks (none when `urls` is empty). */
  webhooks: { urls: string[]; secret: string; attempts: number; backoffMs: number; timeoutMs: number };
}

/** Parse and validate the environment; throws one CONFIG_INVALID error listing every problem. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // Empty strings count as unset, as they do for most twelve-factor tooling.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new DomainError(ErrorCode.CONFIG_INVALID, `invalid configuration:\n  ${problems.join('\n  ')}`, {
      details: { problems },
    });
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    env: e.NODE_ENV,
    dataDir: path.resolve(e.RISKGRAPH_DATA_DIR),
    logLevel: e.RISKGRAPH_LOG_LEVEL,
    adminToken: e.RISKGRAPH_ADMIN_TOKEN,
    neo4j: {
      uri: e.NEO4J_URI,
      user: e.NEO4J_USER,
      password: e.NEO4J_PASSWORD,
      database: e.NEO4J_DATABASE,
      pageCache: e.NEO4J_PAGE_CACHE,
      heap: e.NEO4J_HEAP,
    },
    redis: { url: e.REDIS_URL },
    queue: {
      prefix: e.RISKGRAPH_QUEUE_PREFIX,
      partitions: e.RISKGRAPH_PARTITIONS,
      batchSize: e.RISKGRAPH_BATCH_SIZE,
      dedupTtlDays: e.RISKGRAPH_DEDUP_TTL_DAYS,
      jobLockMs: e.RISKGRAPH_JOB_LOCK_SECONDS * 1000,
      leaseMs: e.RISKGRAPH_LEASE_SECONDS * 1000,
    },
    sessions: {
      gapMs: e.RISKGRAPH_SESSION_GAP_MINUTES * 60_000,
      maxMs: e.RISKGRAPH_SESSION_MAX_HOURS * 3_600_000,
    },
    http: { maxBodyBytes: e.RISKGRAPH_MAX_BODY_MB * 1024 * 1024 },
    peerGroups: {
      everyMs: e.RISKGRAPH_PEER_GROUPS_EVERY_MINUTES * 60_000,
      dataWindowMs: e.RISKGRAPH_PEER_GROUPS_DATA_DAYS * 86_400_000,
      userGrowth: e.RISKGRAPH_PEER_GROUPS_USER_GROWTH_PERCENT / 100,
    },
    analysis: {
      defaultMode: e.RISKGRAPH_MODE,
      indicatorsFile: e.RISKGRAPH_INDICATORS_FILE === undefined ? undefined : path.resolve(e.RISKGRAPH_INDICATORS_FILE),
      internalDomains: (e.RISKGRAPH_INTERNAL_DOMAINS ?? '').split(',').filter((d) => d !== '').map((d) => d.toLowerCase()),
      checkpointEvery: e.RISKGRAPH_PROFILE_CHECKPOINT_BATCHES,
      maxCachedUsers: e.RISKGRAPH_MAX_CACHED_USERS,
      contextTtlMs: e.RISKGRAPH_CONTEXT_TTL_SECONDS * 1000,
      maturity: { minDays: e.RISKGRAPH_MATURITY_DAYS, minEvents: e.RISKGRAPH_MATURITY_EVENTS },
      alerts: { sessionPoints: e.RISKGRAPH_ALERT_SESSION_POINTS, userRisk: e.RISKGRAPH_ALERT_USER_RISK },
    },
    webhooks: {
      urls: (e.RISKGRAPH_WEBHOOK_URLS ?? '').split(',').map((u) => u.trim()).filter((u) => u !== ''),
      secret: e.RISKGRAPH_WEBHOOK_SECRET ?? '',
      attempts: e.RISKGRAPH_WEBHOOK_ATTEMPTS,
      backoffMs: e.RISKGRAPH_WEBHOOK_BACKOFF_MS,
      timeoutMs: 10_000,
    },
  };
}

/** The configuration with secrets replaced, for start-up logs. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    adminToken: config.adminToken ? '***' : undefined,
    neo4j: { ...config.neo4j, password: config.neo4j.password ? '***' : undefined },
    redis: { url: config.redis.url ? redactUrl(config.redis.url) : undefined },
    webhooks: { ...config.webhooks, secret: config.webhooks.secret ? '***' : '' },
  };
}

function redactUrl(value: string): string {
  const url = new URL(value);
  if (url.password) url.password = '***';
  return url.toString();
}
