import { generateDataset } from '../seeds/generate.ts';
import { parseStream } from './events/importer.ts';
import type { IngestSummary } from './ingest/ingest.service.ts';
import type { Runtime } from './main.ts';
import { Neo4jGraphStatusRepository } from './store/graph-status.repository.ts';

/**
 * `riskgraph serve --demo`: loads a small synthetic organisation (60 people over two weeks,
 * every attack scenario and hard negative of the seed generator) into an empty graph, so a
 * newcomer sees a populated graph at once. A graph that already holds users is left alone.
 */
export const DEMO_OPTIONS = Object.freeze({
  seed: 7,
  users: 60,
  days: 14,
  scenarios: 'all',
  benign: 'all',
} as const);

export async function loadDemoData(runtime: Runtime): Promise<IngestSummary | null> {
  const status = new Neo4jGraphStatusRepository(runtime.executor);
  if ((await status.userCount()) > 0) return null;
  const chunks: Buffer[] = [];
  await generateDataset(DEMO_OPTIONS, { write: (chunk: Buffer) => void chunks.push(chunk) });
  const source = 'demo';
  return runtime.ingest.ingest(parseStream(chunks, { format: 'ecs', source }), { source, wait: true });
}
