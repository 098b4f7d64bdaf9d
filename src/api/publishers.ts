import type { HrRecord } from '../events/event.ts';
import type { Logger } from '../logger.ts';
import type { AlertRepository, RaisedAlert } from '../store/alert.repository.ts';
import type { EmploymentChangeInput, HrRepository, RecordEmploymentOptions } from '../store/hr.repository.ts';
import type { AlertPublisher, HrChangeNotice, RiskChangePublisher, RiskScoreChange } from './ports.ts';
import type { PubSub } from './pubsub/redis-pubsub.ts';
import { Topic } from './pubsub/topics.ts';

/** Records an alert in the graph, then delivers it to subscribers on every instance. */
export class GraphAlertPublisher implements AlertPublisher {
  readonly #alerts: AlertRepository;
  readonly #pubsub: PubSub;

  constructor(alerts: AlertRepository, pubsub: PubSub) {
    this.#alerts = alerts;
    this.#pubsub = pubsub;
  }

  async publish(alert: RaisedAlert) {
    const recorded = await this.#alerts.record(alert);
    // Recorded first, so a subscriber that follows the alert to Query.alerts finds it.
    if (recorded.created) await this.#pubsub.publish(Topic.ALERT_RAISED, recorded.alert);
    return recorded;
  }
}

export class PubSubRiskChangePublisher implements RiskChangePublisher {
  readonly #pubsub: PubSub;

  constructor(pubsub: PubSub) {
    this.#pubsub = pubsub;
  }

  async publish(change: RiskScoreChange): Promise<void> {
    await this.#pubsub.publish(Topic.RISK_SCORE_CHANGED, change);
  }
}

/**
 * The HR repository, announcing every committed change on `Topic.HR_CHANGED` so the
 * risk-decision state of every API instance re-reads those users (a terminated user is denied
 * at the next login, whichever instance the identity provider asks). A failed announcement
 * does not fail the change, which is committed: it is logged, and the state's periodic
 * reload catches up.
 */
export class AnnouncingHrRepository implements HrRepository {
  readonly #inner: HrRepository;
  readonly #pubsub: PubSub;
  readonly #log: Logger;
  readonly #clock: () => number;

  constructor(deps: { inner: HrRepository; pubsub: PubSub; log: Logger; clock: () => number }) {
    this.#inner = deps.inner;
    this.#pubsub = deps.pubsub;
    this.#log = deps.log;
    this.#clock = deps.clock;
  }

  async upsertDirectory(records: readonly HrRecord[]): Promise<void> {
    await this.#inner.upsertDirectory(records);
    await this.#announce(records.map((record) => record.userId));
  }

  async recordEmploymentChanges(changes: readonly EmploymentChangeInput[], by: string, now: number, options?: RecordEmploymentOptions) {
    const recorded = await this.#inner.recordEmploymentChanges(changes, by, now, options);
    await this.#announce(changes.map((change) => change.userId));
    return recorded;
  }

  async refreshDue(since: number, now: number): Promise<string[]> {
    const users = await this.#inner.refreshDue(since, now);
    await this.#announce(users);
    return users;
  }

  history(...args: Parameters<HrRepository['history']>) {
    return this.#inner.history(...args);
  }

  async #announce(users: readonly string[]): Promise<void> {
    if (users.length === 0) return;
    const notice: HrChangeNotice = { users: [...new Set(users)], at: this.#clock() };
    try {
      await this.#pubsub.publish(Topic.HR_CHANGED, notice);
    } catch (error) {
      this.#log.warn({ err: error, users: notice.users.length }, 'could not announce an HR change; risk decisions catch up at the next state reload');
    }
  }
}
