import { describe, expect, it } from 'vitest';
import { emptyUserAnalysis } from '../../../src/analytics/analysis/batch-analysis.ts';
import { createUserProfile, observeEvent } from '../../../src/analytics/profiles/user-profile.ts';
import { summariseCommandClasses, summariseTypicals, typicalJson } from '../../../src/ingest/analysis-rows.ts';

describe("peers' command classes from their checkpoints", () => {
  it('typical features carry the classes a user ran; the group summary counts members per class', () => {
    const p = createUserProfile('a');
    const cmd = (id: string, command: string) =>
      observeEvent(p, { id, ts: Date.UTC(2024, 0, 1), category: 'process', action: 'command', outcome: 'unknown', user: 'a', command });
    cmd('1', 'df -h');
    cmd('2', 'sudo -i');
    cmd('3', 'df -h');
    const a = typicalJson(emptyUserAnalysis(p));
    expect(JSON.parse(a)).toEqual({ commandClasses: ['normal-admin', 'privilege-escalation'] });
    const rows = [
      { user: 'a', typical: a },
      { user: 'b', typical: JSON.stringify({ commandClasses: ['normal-admin', 'recon', 'recon'], 'bytes-in': 5 }) },
      { user: 'c', typical: JSON.stringify({ 'bytes-in': 7 }) },
      { user: 'd', typical: 'not json' },
    ];
    expect(summariseCommandClasses(rows)).toEqual(new Map([['normal-admin', 2], ['privilege-escalation', 1], ['recon', 1]]));
    // The numeric summary ignores the list.
    expect(summariseTypicals(rows)['bytes-in']).toEqual({ median: 6, mad: 1, peers: 2 });
  });

  it('is null when no checkpoint carries command classes (unknown, not "nobody")', () => {
    expect(summariseCommandClasses([{ user: 'c', typical: JSON.stringify({ 'bytes-in': 7 }) }])).toBeNull();
  });
});
