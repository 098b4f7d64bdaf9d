import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics, one registry per process (several servers in one test process must not
 * share one). Served at GET /metrics to a bearer token with the ADMIN or DASHBOARD role.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'route' | 'status'>;
  readonly httpDuration: Histogram<'route'>;
  readonly eventsAccepted: Counter<'path'>;
  readonly deadLetters: Counter<'path'>;
  readonly eventsApplied: Counter;
  readonly eventsDuplicate: Counter;
  readonly sessionsClosed: Counter;

  constructor(queueDepths: () => Promise<number[]>) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'riskgraph_' });
    this.httpRequests = new Counter({
      name: 'riskgraph_http_requests_total',
      help: 'HTTP requests by route and status code',
      labelNames: ['route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'riskgraph_http_request_duration_seconds',
      help: 'HTTP request latency by route, seconds',
      labelNames: ['route'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
      registers,
    });
    this.eventsAccepted = new Counter({
      name: 'riskgraph_events_accepted_total',
      help: 'Events accepted (queued) through the HTTP bulk endpoint (path="http")',
      labelNames: ['path'],
      registers,
    });
    this.deadLetters = new Counter({
      name: 'riskgraph_dead_letters_total',
      help: 'Input lines rejected as dead letters, by path in',
      labelNames: ['path'],
      registers,
    });
    this.eventsApplied = new Counter({ name: 'riskgraph_events_applied_total', help: 'Events written to the graph by this process\'s workers', registers });
    this.eventsDuplicate = new Counter({ name: 'riskgraph_events_duplicate_total', help: 'Events skipped by workers as already ingested', registers });
    this.sessionsClosed = new Counter({ name: 'riskgraph_sessions_closed_total', help: 'Sessions closed by this process\'s workers', registers });
    new Gauge({
      name: 'riskgraph_queue_depth',
      help: 'Batches waiting, active or delayed per ingest partition',
      labelNames: ['partition'],
      registers,
      async collect() {
        const depths = await queueDepths();
        depths.forEach((depth, partition) => this.set({ partition: String(partition) }, depth));
      },
    });
  }

  /**
   * The subscription scopes (`filter.near`) of this process's API: how many, how many
   * subscribers share them, and what reading their memberships has cost (first subscribers and
   * refreshes), read from the registry's counters at each scrape.
   */
  watchScopes(stats: () => { scopes: number; subscribers: number; reads: number; readMs: number; failedRefreshes: number }): void {
    const registers = [this.registry];
    const gauge = (name: string, help: string, value: (s: ReturnType<typeof stats>) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(value(stats()));
        },
      });
    gauge('riskgraph_subscription_scopes', 'Distinct filter.near scopes this API instance serves', (s) => s.scopes);
    gauge('riskgraph_subscription_scope_subscribers', 'Subscribers of filter.near scopes on this API instance', (s) => s.subscribers);
    gauge('riskgraph_subscription_scope_reads', 'Scope membership reads since start (first subscribers and refreshes)', (s) => s.reads);
    gauge('riskgraph_subscription_scope_read_seconds', 'Time spent reading scope memberships since start, seconds', (s) => s.readMs / 1000);
    gauge('riskgraph_subscription_scope_failed_refreshes', 'Scope refreshes that failed or found the scope over its bound (the last membership stayed)', (s) => s.failedRefreshes);
  }
}
