import { describe, expect, it } from 'vitest';
import { DomainError, ErrorCode } from '../../../src/errors.ts';
import type { Logger } from '../../../src/logger.ts';
import { BatchedAuditWriter } from '../../../src/risk/batched-audit.writer.ts';
import type { AuditEntry } from '../../../src/store/audit.repository.ts';

/** A logger that keeps what was logged at warn and error. */
function recordingLog() {
  const lines: Array<{ level: string; obj: Record<string, unknown>; msg: string }> = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg = '') => void lines.push({ level, obj, msg });
  const log = { debug: () => {}, info: () => {}, warn: at('warn'), error: at('error') } as unknown as Logger;
  return { log, lines };
}

/** An audit store that fails while `failWith` is set. */
function store() {
  const batches: AuditEntry[][] = [];
  const s = {
    batches,
    failWith: null as unknown,
    async record(entries: readonly AuditEntry[]) {
      if (s.failWith !== null) throw s.failWith;
      batches.push([...entries]);
    },
  };
  return s;
}

const entry = (i: number): AuditEntry => ({ at: i, actor: 'idp', action: 'Query.riskDecision', target: `u${i}`, outcome: 'OK', details: { i } });
const fast = { flushEveryMs: 5, retryBaseMs: 5, retryMaxMs: 20, maxBatch: 3, maxAttempts: 2 };
const until = async (check: () => boolean) => {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
};

describe('batched audit writer', () => {
  it('buffers entries without writing, then writes them in batches of at most maxBatch', async () => {
    const s = store();
    const writer = new BatchedAuditWriter({ repository: s, log: recordingLog().log, options: fast });
    for (let i = 0; i < 7; i++) writer.enqueue(entry(i));
    expect(s.batches).toEqual([]);
    expect(writer.pending).toBe(7);
    await until(() => writer.pending === 0);
    expect(s.batches.map((b) => b.length)).toEqual([3, 3, 1]);
    expect(s.batches.flat().map((e) => e.at)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    await writer.close();
  });

  it('keeps entries while the store is unavailable and writes them when it is back', async () => {
    const s = store();
    const { log, lines } = recordingLog();
    const writer = new BatchedAuditWriter({ repository: s, log, options: fast });
    s.failWith = new DomainError(ErrorCode.STORE_UNAVAILABLE, 'the graph store is unavailable');
    writer.enqueue(entry(1));
    await until(() => writer.stats.failedWrites >= 3);
    expect(writer.pending).toBe(1);
    expect(lines.every((l) => l.level === 'warn')).toBe(true);
    s.failWith = null;
    await until(() => writer.pending === 0);
    expect(s.batches.flat().map((e) => e.at)).toEqual([1]);
    expect(writer.stats).toMatchObject({ written: 1, dropped: 0 });
    await writer.close();
  });

  it('logs a batch in full at error level when it keeps failing for another reason', async () => {
    const s = store();
    const { log, lines } = recordingLog();
    const writer = new BatchedAuditWriter({ repository: s, log, options: fast });
    s.failWith = new Error('constraint');
    writer.enqueue(entry(1));
    await until(() => writer.stats.dropped === 1);
    const error = lines.find((l) => l.level === 'error');
    expect(error?.obj.auditEntries).toEqual([entry(1)]);
    expect(writer.pending).toBe(0);
    await writer.close();
  });

  it('bounds the buffer, logging the oldest entries it drops', async () => {
    const s = store();
    const { log, lines } = recordingLog();
    s.failWith = new DomainError(ErrorCode.STORE_UNAVAILABLE, 'down');
    const writer = new BatchedAuditWriter({ repository: s, log, options: { ...fast, maxBuffered: 2, flushEveryMs: 1000 } });
    for (let i = 0; i < 4; i++) writer.enqueue(entry(i));
    expect(writer.pending).toBe(2);
    expect(lines.filter((l) => l.level === 'error').flatMap((l) => l.obj.auditEntries as AuditEntry[])).toEqual([entry(0), entry(1)]);
    s.failWith = null;
    await writer.close();
    expect(s.batches.flat()).toEqual([entry(2), entry(3)]);
  });

  it('writes what is left on close, and logs what it cannot', async () => {
    const s = store();
    const { log, lines } = recordingLog();
    const writer = new BatchedAuditWriter({ repository: s, log, options: { ...fast, flushEveryMs: 60_000 } });
    writer.enqueue(entry(1));
    await writer.close();
    expect(s.batches.flat()).toEqual([entry(1)]);

    const broken = store();
    broken.failWith = new DomainError(ErrorCode.STORE_UNAVAILABLE, 'down');
    const other = new BatchedAuditWriter({ repository: broken, log, options: { ...fast, flushEveryMs: 60_000 } });
    other.enqueue(entry(2));
    await other.close();
    expect(lines.filter((l) => l.level === 'error').flatMap((l) => l.obj.auditEntries as AuditEntry[])).toEqual([entry(2)]);
    other.enqueue(entry(3));
    expect(other.stats.dropped).toBe(2);
  });
});
