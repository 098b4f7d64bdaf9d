import type { AlertRepository, RaisedAlert } from '../store/alert.repository.ts';
import type { AlertPublisher, RiskChangePublisher, RiskScoreChange } from './ports.ts';
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
