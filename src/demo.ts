import { generateDataset } from '../seeds/generate.ts';
import { parseStream } from './events/importer.ts';
import type { IngestSummary } from './ingest/ingest.service.ts';
import type { Runtime } from './main.ts';
import { type AlertedUsers, Neo4jGraphStatusRepository } from './store/graph-status.repository.ts';

/**
 * `riskgraph serve --demo`: loads a small synthetic organisation (60 people over five weeks,
 * every attack scenario and hard negative of the seed generator) into an empty graph, so a
 * newcomer sees a populated graph at once. A graph that already holds users is left alone.
 *
 * Five weeks, not two: baselines mature after 14 days (RISKGRAPH_MATURITY_DAYS), and the
 * attacks start in the second half of the period, so most scenarios are scored and alerted,
 * with explanations and risk histories, as they would be in a deployment; the peer groups are
 * rebuilt as the weeks go by, as for any backfill.
 */
export const DEMO_OPTIONS = Object.freeze({
  seed: 7,
  users: 60,
  days: 35,
  scenarios: 'all',
  benign: 'all',
} as const);

export interface DemoSummary extends IngestSummary {
  /** What the console shows: users with explained alerts. */
  alerted: AlertedUsers;
}

export async function loadDemoData(runtime: Runtime): Promise<DemoSummary | null> {
  const status = new Neo4jGraphStatusRepository(runtime.executor);
  if ((await status.userCount()) > 0) return null;
  const chunks: Buffer[] = [];
  await generateDataset(DEMO_OPTIONS, { write: (chunk: Buffer) => void chunks.push(chunk) });
  const source = 'demo';
  const summary = await runtime.ingest.ingest(parseStream(chunks, { format: 'ecs', source }), { source, wait: true });
  return { ...summary, alerted: await status.alertedUsers() };
}
