import type { ApiKeyAuthenticator } from '../auth/api-key.authenticator.ts';
import type { Principal } from '../auth/roles.ts';
import type { IngestService } from '../ingest/ingest.service.ts';
import type { Logger } from '../logger.ts';
import type { AlertRepository } from '../store/alert.repository.ts';
import type { ApiKeyRepository } from '../store/api-key.repository.ts';
import type { AuditRepository } from '../store/audit.repository.ts';
import type { ContextInputRepository } from '../store/context-inputs.repository.ts';
import type { DeadLetterRepository } from '../store/dead-letter.repository.ts';
import type { EntityRepository } from '../store/entity.repository.ts';
import type { FindingRepository } from '../store/finding.repository.ts';
import type { HrRepository } from '../store/hr.repository.ts';
import type { PeerGroupViewRepository } from '../store/peer-group-view.repository.ts';
import type { RiskHistoryRepository } from '../store/risk-history.repository.ts';
import type { SessionRepository } from '../store/session.repository.ts';
import { createLoaders, type Loaders } from './loaders.ts';
import type { IndicatorCatalog, PeerGroupRecomputer, RiskDecider, SettingsAdministration } from './ports.ts';
import type { PubSub } from './pubsub/redis-pubsub.ts';

/** The store interfaces the API reads and writes through. */
export interface ApiRepositories {
  entities: EntityRepository;
  sessions: SessionRepository;
  findings: FindingRepository;
  riskHistory: RiskHistoryRepository;
  peerGroups: PeerGroupViewRepository;
  alerts: AlertRepository;
  audit: AuditRepository;
  apiKeys: ApiKeyRepository;
  hr: HrRepository;
  deadLetters: DeadLetterRepository;
  /** Fusion context inputs: asset criticality and watchlists. */
  contextInputs: ContextInputRepository;
}

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
