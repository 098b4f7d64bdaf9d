import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ANALYTICS = fileURLToPath(new URL('../../../src/analytics/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The pure core: profiles, indicators and maturity; the DGA training script is a build tool, not part of it. */
const CORE = [...sources(join(ANALYTICS, 'profiles')), ...sources(join(ANALYTICS, 'indicators')), join(ANALYTICS, 'maturity.ts')].filter(
  (path) => !path.endsWith(join('dga', 'train.ts')),
);

describe('the analytics core stays pure', () => {
  it('imports no driver, queue, GraphQL, file system or environment', () => {
    expect(CORE.length).toBeGreaterThan(20);
    for (const path of CORE) {
      const text = readFileSync(path, 'utf8');
      expect(text, path).not.toMatch(/from ['"](neo4j-driver|bullmq|ioredis|graphql|@apollo\/[^'"]+|node:fs|node:child_process|node:net|node:http)['"]/);
      expect(text, path).not.toMatch(/process\.env|Date\.now\(\)|Math\.random\(\)/);
    }
  });

  it('keeps indicator families independent of one another', () => {
    for (const path of CORE.filter((p) => p.endsWith('.indicator.ts'))) {
      expect(readFileSync(path, 'utf8'), path).not.toMatch(/from '\.\/[a-z-]+\.indicator\.ts'/);
    }
  });
});
