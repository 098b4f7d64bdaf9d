import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStream } from '../../src/events/importer.ts';
import type { Server } from '../../src/main.ts';
import { createLogger } from '../../src/logger.ts';
import { graphQuery, startTestServer, testConfig, testServer } from '../support/runtime.ts';
import { DAY, iso, MIN, routineDays, usbExfiltration } from '../support/behaviour.ts';
import { gqlData } from './graphql-support.ts';

/**
 * HR effects on scoring, end to end: a user with a mature baseline copies hundreds of files to
 * USB in one session (an exfiltration-type finding). HR then records, after the fact, that the
 * user had given notice before that session. The change re-scores the session: the departing
 * employee's exfiltration weighs double, the user's risk rises, and the re-scoring is audited.
 */
const start = Math.floor((Date.now() - 25 * DAY) / DAY) * DAY; // midnight UTC, 25 days ago
const EXFIL_DAY = start + 20 * DAY + 10 * 60 * MIN;

describe('an HR status change re-scores the user', () => {
  let server: Server;

  beforeAll(async () => {
    server = await testServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('doubles a departing employee’s exfiltration after notice is recorded late, and audits it', { timeout: 240_000 }, async () => {
    const items = parseStream(Readable.from([[...routineDays('vera', start, 18), ...usbExfiltration('vera', EXFIL_DAY, 300)].join('\n')]), { format: 'ecs', source: 'vera.ndjson' });
    await server.runtime.ingest.ingest(items, { source: 'vera.ndjson', wait: true });

    const session = async () =>
      (
        await graphQuery<{ id: string; score: number; explanation: string }>(
          server.runtime,
          `MATCH (s:Session {user: 'vera'}) WHERE s.start <= $t AND s.lastTs >= $t RETURN s.id AS id, s.score AS score, s.explanation AS explanation`,
          { t: EXFIL_DAY + 5 * MIN },
        )
      )[0]!;
    const before = await session();
    type Weights = { anchor: number; calibration: Array<{ name: string }>; calibrationProduct: number; downWeight: number };
    const contributions = (e: string) => (JSON.parse(e) as { contributions: Array<{ indicatorId: string; value: number; weights: Weights }> }).contributions;
    const usb = contributions(before.explanation).find((c) => c.indicatorId === 'usb-copy-outlier');
    expect(usb, `findings: ${contributions(before.explanation).map((c) => c.indicatorId).join(', ')}`).toBeDefined();
    expect(usb!.value).toBeGreaterThan(0);
    expect(usb!.weights.calibration.map((c) => c.name)).not.toContain('departing-employee');
    const [riskBefore] = await graphQuery<{ score: number }>(server.runtime, "MATCH (u:User {id: 'vera'}) RETURN u.riskScore AS score");

    await gqlData(server, `mutation ($input: EmploymentStatusInput!) { setEmploymentStatus(input: $input) { status } }`, {
      input: { userId: 'vera', status: 'NOTICE_GIVEN', effectiveDate: iso(start + 19 * DAY), lastDay: iso(Date.now() + 10 * DAY) },
    });
    // The re-scoring is a batch on vera's partition queue: wait until the session was re-scored
    // with the HR status (not merely until its score moved: anything else re-scoring it would
    // end the wait early).
    const departing = (explanation: string) =>
      contributions(explanation).some((c) => c.indicatorId === 'usb-copy-outlier' && c.weights.calibration.some((k) => k.name === 'departing-employee'));
    let after = before;
    const deadline = Date.now() + 90_000;
    while (!departing(after.explanation) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      after = await session();
    }
    const usbAfter = contributions(after.explanation).find((c) => c.indicatorId === 'usb-copy-outlier')!;
    expect(usbAfter.weights.calibration.map((c) => c.name)).toContain('departing-employee');
    // Calibration doubles; the down-weight may have moved meanwhile (the session itself counted
    // as a trigger), and the value is anchor × calibration × down-weight under the new weights.
    expect(usbAfter.weights.calibrationProduct).toBeCloseTo(2 * usb!.weights.calibrationProduct, 10);
    const w = usbAfter.weights;
    expect(usbAfter.value).toBeCloseTo(w.anchor * w.calibrationProduct * w.downWeight, 2);
    expect(after.score).toBeGreaterThan(before.score);
    const [riskAfter] = await graphQuery<{ score: number }>(server.runtime, "MATCH (u:User {id: 'vera'}) RETURN u.riskScore AS score");
    expect(riskAfter!.score).toBeGreaterThan(riskBefore!.score);

    const audit = await graphQuery<{ details: string }>(
      server.runtime,
      "MATCH (a:AuditEntry {action: 'risk.rescore', target: 'vera'}) RETURN a.details AS details",
    );
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ reason: 'hr-status', hrStatus: 'NOTICE_GIVEN', previousRisk: riskBefore!.score, risk: riskAfter!.score });
  });

  it('applies a termination recorded ahead of time when it falls due, and re-scores the user', { timeout: 240_000 }, async () => {
    // The server's clock, which the test moves past the effective date: with the wall clock, a
    // loaded machine could reach the date before the first read below.
    let ahead = 0;
    const config = testConfig();
    const due = await startTestServer(config, createLogger(config.logLevel), { hrDueEveryMs: 200, clock: () => Date.now() + ahead });
    try {
      await due.runtime.executor.query('WRITE', "MERGE (:User {id: 'walt'})", {});
      const effective = Date.now() + 60 * MIN;
      await gqlData(due, `mutation ($input: EmploymentStatusInput!) { setEmploymentStatus(input: $input) { status current } }`, {
        input: { userId: 'walt', status: 'TERMINATED', effectiveDate: iso(effective), lastDay: iso(effective - DAY) },
      });
      const status = async () => (await graphQuery<{ s: string | null }>(due.runtime, "MATCH (u:User {id: 'walt'}) RETURN u.employmentStatus AS s"))[0]!.s;
      expect(await status()).not.toBe('TERMINATED');
      ahead = 2 * 60 * MIN;
      const deadline = Date.now() + 90_000;
      while ((await status()) !== 'TERMINATED' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(await status()).toBe('TERMINATED');
      const deadline2 = Date.now() + 90_000;
      const rescored = async () =>
        (await graphQuery(due.runtime, "MATCH (a:AuditEntry {action: 'risk.rescore', target: 'walt'}) WHERE a.details CONTAINS 'hr-status-due' RETURN a")).length;
      while ((await rescored()) === 0 && Date.now() < deadline2) await new Promise((r) => setTimeout(r, 200));
      expect(await rescored()).toBeGreaterThanOrEqual(1);
    } finally {
      await due.close();
    }
  });
});
