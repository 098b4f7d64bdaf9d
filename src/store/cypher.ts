import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/**
 * Every Cypher statement the product runs lives in its own file under `store/cypher/`, with a
 * header saying its inputs and outputs (as BullMQ keeps its Lua and SQL commands). This loader
 * reads each once and caches it. Statements take parameters only: nothing is ever spliced
 * into Cypher text.
 *
 * The ingest path's write statements begin with `CYPHER replan=skip`: their plans are
 * unique-index seeks that statistics cannot improve, and during a bulk import the statistics
 * move so fast that Neo4j would otherwise replan them every few seconds (measured: over a
 * second per replan of merge-access on this 2-core machine).
 */
const CYPHER_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cypher');
const cache = new Map<string, string>();

export function cypher(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    if (!/^[a-z0-9-]+(\/[a-z0-9-]+)?$/.test(name)) throw new Error(`bad statement name ${name}`);
    text = readFileSync(path.join(CYPHER_DIR, `${name}.cypher`), 'utf8');
    cache.set(name, text);
  }
  return text;
}
