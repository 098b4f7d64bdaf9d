import type { ApiKeyAuthenticator } from '../auth/api-key.authenticator.ts';
import type { Principal } from '../auth/roles.ts';
import type { IngestService } from '../ingest/ingest.service.ts';
import type { Logger } from '../logger.ts';
import { createLoaders, type Loaders } from './loaders.ts';
import type { IndicatorCatalog, PeerGroupRecomputer, RiskDecider, SettingsAdministration } from './ports.ts';
import type { PubSub } from './pubsub/redis-pubsub.ts';
import type { ScopeRegistry } from './pubsub/scope-registry.ts';
import type { ApiRepositories } from './repositories.ts';

export type { ApiRepositories } from './repositories.ts';

/** Long-lived collaborators, shared by all requests. */
export interface ApiServices {
  repos: ApiRepositories;
  ingest: Pick<IngestService, 'ingest' | 'importStatus'>;
  indicators: IndicatorCatalog;
  /** Analysis settings: mode, indicator configuration, threat intelligence. */
  settings: SettingsAdministration;
  peerGroups: PeerGroupRecomputer;
  /** The login-time risk decision (in-memory state; see src/risk/). */
  riskDecisions: RiskDecider;
  pubsub: PubSub;
  /** `filter.near` scopes of subscriptions, shared by their subscribers (this instance's). */
  scopes: ScopeRegistry;
  apiKeyAuthenticator: Pick<ApiKeyAuthenticator, 'evict'>;
  log: Logger;
  clock: () => number;
  /** The session score (points) at which the pipeline raises an alert (`RISKGRAPH_ALERT_SESSION_POINTS`). */
  alertSessionPoints: number;
  version: string;
  /** Events a subscriber may fall behind before it is cut off. */
  subscriberBuffer: number;
  /**
   * Loaders shared by every WebSocket operation of this instance, their cache emptied each
   * second: one alert delivered to a thousand dashboards resolves its user once, not a
   * thousand times. Sharing is safe because loaders return graph records only; what a
   * principal may see is decided by the resolvers.
   */
  wsLoaders: Loaders;
}

/** What every resolver receives: who asks, per-request loaders, and the services. */
export interface ApiContext {
  principal: Principal;
  loaders: Loaders;
  services: ApiServices;
  transport: 'http' | 'ws';
  /** WebSocket only: cut off this connection because it cannot keep up. */
  onSlowConsumer?: () => void;
}

export function createContext(
  services: ApiServices,
  principal: Principal,
  transport: 'http' | 'ws',
  onSlowConsumer?: () => void,
): ApiContext {
  // A subscription lives long and re-resolves on every event: it uses the instance's shared
  // loaders, whose cache lasts a second, so it neither serves stale users nor grows unbounded.
  const loaders = transport === 'ws' ? services.wsLoaders : createLoaders(services.repos, { cache: true, clock: services.clock, indicators: services.indicators });
  return { principal, loaders, services, transport, ...(onSlowConsumer ? { onSlowConsumer } : {}) };
}
