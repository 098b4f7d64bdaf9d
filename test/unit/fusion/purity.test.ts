import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ANALYTICS = fileURLToPath(new URL('../../../src/analytics/', import.meta.url));
const FILES = ['fusion', 'evaluation', 'replay'].flatMap((dir) => readdirSync(join(ANALYTICS, dir)).filter((f) => f.endsWith('.ts')).map((f) => join(ANALYTICS, dir, f)));

describe('fusion, evaluation and replay stay pure', () => {
  it('import no driver, queue, GraphQL, API, store, I/O, environment, clock or randomness', () => {
    expect(FILES.length).toBeGreaterThan(8);
    for (const path of FILES) {
      const text = readFileSync(path, 'utf8');
      expect(text, path).not.toMatch(/from ['"](neo4j-driver|bullmq|ioredis|graphql|@apollo\/[^'"]+|node:fs|node:child_process|node:net|node:http)['"]/);
      expect(text, path).not.toMatch(/from ['"]\.\.\/\.\.\/(api|store|queue|jobs)\//);
      expect(text, path).not.toMatch(/process\.env|Date\.now\(\)|Math\.random\(\)|new Date\(\)/);
    }
  });
});
