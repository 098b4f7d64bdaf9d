import { describe, expect, it } from 'vitest';
import { describeConfig, loadConfig } from '../../src/config.ts';
import { DomainError } from '../../src/errors.ts';

describe('loadConfig', () => {
  it('applies documented defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.neo4j.uri).toBeUndefined();
    expect(config.neo4j.database).toBe('neo4j');
    expect(config.queue).toMatchObject({ partitions: 4, batchSize: 20_000, prefix: 'riskgraph' });
    expect(config.sessions.gapMs).toBe(120 * 60_000);
    expect(config.dataDir.endsWith('/data')).toBe(true);
  });

  it('lists every problem at once, naming each variable', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', NEO4J_URI: 'http://x', RISKGRAPH_PARTITIONS: '0', RISKGRAPH_ADMIN_TOKEN: 'short' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    const problems = (error as DomainError).details?.problems as string[];
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['NEO4J_URI', 'PORT', 'RISKGRAPH_ADMIN_TOKEN', 'RISKGRAPH_PARTITIONS']);
    expect((error as Error).message).toContain('PORT: must be a whole number');
  });

  it('treats empty variables as unset and accepts neo4j:// routing URIs', () => {
    const config = loadConfig({ PORT: '', NEO4J_URI: 'neo4j://cluster.example:7687', REDIS_URL: 'redis://:pw@r:6379' });
    expect(config.port).toBe(4000);
    expect(config.neo4j.uri).toBe('neo4j://cluster.example:7687');
  });

  it('never shows secrets in its description', () => {
    const text = JSON.stringify(
      describeConfig(loadConfig({ NEO4J_PASSWORD: 'hunter2', RISKGRAPH_ADMIN_TOKEN: 'a-very-secret-token', REDIS_URL: 'redis://:pw123@r:6379' })),
    );
    expect(text).not.toMatch(/hunter2|a-very-secret-token|pw123/);
  });
});
