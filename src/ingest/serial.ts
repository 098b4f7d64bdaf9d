/**
 * Runs async tasks one at a time, in call order. The pipeline's batch transactions go through
 * one of these per process: partitions touch shared entity nodes (popular domains, servers),
 * and concurrent transactions that create relationships to them deadlock in Neo4j, each retry
 * costing a backoff. One writer per process removes that; several processes still rely on the
 * driver's deadlock retry. On one Neo4j the writes gain nothing from running side by side.
 */
export class Serial {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task, task);
    this.#tail = result.catch(() => {});
    return result;
  }
}
