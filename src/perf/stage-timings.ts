/**
 * Wall-clock time spent per named stage of the ingest path, in milliseconds, summed over the
 * calls. Each batch carries one (it travels back to the producer in the job's result, so a
 * worker in another process reports its stages too); the benchmark adds them up and prints
 * each stage's share. Stage names are `group:detail` (`write:merge-users`, `analysis:fusion`).
 */
export type StageTotals = Record<string, number>;

export class StageTimings {
  readonly totals: StageTotals = {};
  /** Rows (or items) a stage handled, where that is worth knowing (rows per write statement). */
  readonly counts: StageTotals = {};

  count(stage: string, n: number): void {
    this.counts[stage] = (this.counts[stage] ?? 0) + n;
  }

  add(stage: string, ms: number): void {
    this.totals[stage] = (this.totals[stage] ?? 0) + ms;
  }

  /** Times `work` (sync or async) under `stage`. */
  time<T>(stage: string, work: () => T): T {
    const started = performance.now();
    let result: T;
    try {
      result = work();
    } catch (error) {
      this.add(stage, performance.now() - started);
      throw error;
    }
    if (result instanceof Promise) {
      return result.finally(() => this.add(stage, performance.now() - started)) as T;
    }
    this.add(stage, performance.now() - started);
    return result;
  }

  /** A stopwatch for stages that are not one call: `const stop = t.start('x'); …; stop()`. */
  start(stage: string): () => void {
    const started = performance.now();
    return () => this.add(stage, performance.now() - started);
  }

  merge(other: { totals: StageTotals; counts: StageTotals } | undefined): void {
    if (other === undefined) return;
    for (const [stage, ms] of Object.entries(other.totals)) this.add(stage, ms);
    for (const [stage, n] of Object.entries(other.counts)) this.count(stage, n);
  }

  toJSON(): { totals: StageTotals; counts: StageTotals } {
    return { totals: this.totals, counts: this.counts };
  }
}
