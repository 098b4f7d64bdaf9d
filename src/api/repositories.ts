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
import type { ScopeRepository } from '../store/scope.repository.ts';
import type { SessionRepository } from '../store/session.repository.ts';

/**
 * The store interfaces the API reads and writes through, on their own so that the context and
 * the loaders (which the context creates) both depend on them without depending on each other.
 */
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
  /** Neighbourhoods as subscription scopes (`filter.near`). */
  scopes: ScopeRepository;
}

