import { describe, expect, it } from 'vitest';
import { describeConfig, loadConfig } from '../../src/config.ts';
import { DomainError } from '../../src/errors.ts';

describe('loadConfig', () => {
  it('applies documented defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.neo4j.uri).toBeUndefined();
    expect(config.neo4j.database).toBe('neo4j');
    expect(config.queue).toMatchObject({ partitions: 4, batchSize: 100_000, prefix: 'riskgraph' });
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

  it('reads the scoring settings and insists on a secret for webhooks, never showing it', () => {
    const config = loadConfig({
      RISKGRAPH_MATURITY_DAYS: '7',
      RISKGRAPH_ALERT_SESSION_POINTS: '120',
      RISKGRAPH_INTERNAL_DOMAINS: 'Example.com,corp.example',
      RISKGRAPH_WEBHOOK_URLS: 'https://soar.example/hook, http://siem.local/in',
      RISKGRAPH_WEBHOOK_SECRET: 'sixteen-chars-secret',
    });
    expect(config.analysis.maturity).toEqual({ minDays: 7, minEvents: 200 });
    expect(config.analysis.alerts).toEqual({ sessionPoints: 120, userRisk: 75 });
    expect(config.analysis.internalDomains).toEqual(['example.com', 'corp.example']);
    expect(config.webhooks.urls).toEqual(['https://soar.example/hook', 'http://siem.local/in']);
    expect(JSON.stringify(describeConfig(config))).not.toContain('sixteen-chars-secret');

    let error: unknown;
    try {
      loadConfig({ RISKGRAPH_WEBHOOK_URLS: 'https://soar.example/hook', RISKGRAPH_ALERT_USER_RISK: '150' });
    } catch (e) {
      error = e;
    }
    const problems = ((error as DomainError).details?.problems as string[]).join('\n');
    expect(problems).toContain('RISKGRAPH_WEBHOOK_SECRET: required when RISKGRAPH_WEBHOOK_URLS is set');
    expect(problems).toContain('RISKGRAPH_ALERT_USER_RISK');
  });
});
