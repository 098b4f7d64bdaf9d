/** Detection-quality metrics for `riskgraph eval`. */
export * from './ranking-metrics.ts';
