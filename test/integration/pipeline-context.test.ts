import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStream } from '../../src/events/importer.ts';
import type { Runtime } from '../../src/main.ts';
import { DAY, MIN, ecsLine, routineDays } from '../support/behaviour.ts';
import { graphQuery, testRuntime } from '../support/runtime.ts';

/**
 * The malware context the pipeline keeps in memory (every device with malware on record, read
 * from the graph at once) follows what the worker itself writes: a detection from an earlier
 * import reaches a later import's logon on that device, and malware-on-device fires.
 */
const START = Date.UTC(2026, 6, 6);

describe('graph context in the pipeline', () => {
  let runtime: Runtime;
  const ingest = (lines: string[], source: string) =>
    runtime.ingest.ingest(parseStream(Readable.from([lines.join('\n')]), { format: 'ecs', source }), { source, wait: true });

  beforeAll(async () => {
    runtime = await testRuntime({ workers: true }, { RISKGRAPH_MATURITY_DAYS: '1', RISKGRAPH_MATURITY_EVENTS: '10' });
  });
  afterAll(async () => {
    await runtime?.close();
  });

  it('scores a logon on a device that an earlier import found malware on', async () => {
    const at = START + 20 * DAY;
    await ingest([...routineDays('kim', START, 15)], 'routine');
    const detection = JSON.stringify({ '@timestamp': new Date(at - DAY).toISOString(), event: { id: 'mw-1', category: 'malware', action: 'malware_detected' }, host: { name: 'WS-kim' } });
    await ingest([detection], 'edr');
    const [device] = await graphQuery<{ at: number }>(runtime, "MATCH (d:Device {id: 'WS-kim'}) RETURN d.malwareAt AS at");
    expect(device!.at).toBe(at - DAY);
    // A later import: the context was first read before the detection existed.
    await ingest([ecsLine('kim', 'kim-late-in', at + 9 * 60 * MIN, 'authentication', 'logon')], 'late');
    const findings = await graphQuery<{ indicator: string }>(runtime, "MATCH (a:Anomaly {user: 'kim'}) RETURN a.indicatorId AS indicator");
    expect(findings.map((f) => f.indicator)).toContain('malware-on-device');
  });
});
