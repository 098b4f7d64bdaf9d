import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roundScore } from '../../src/analytics/fusion/rounding.ts';
import { userRisk } from '../../src/analytics/fusion/user-risk.ts';
import { parseStream } from '../../src/events/importer.ts';
import type { Server } from '../../src/main.ts';
import { DAY, ecsLine, iso, MIN, routineDays } from '../support/behaviour.ts';
import { graphQuery, testServer } from '../support/runtime.ts';
import { gql, gqlData } from './graphql-support.ts';

/**
 * Risk over time against the real Neo4j, from real ingestion: a user with a mature baseline
 * (18 routine days) copies files to USB on day 20 and again on day 23, each imported on its own
 * at 03:00 (one scoring batch each, so the risk history records a change at each). Then:
 * - `risk(asOf)` before, at, between and after the changes equals what the history stored,
 *   with the explanation stored then, which the fusion core reproduces from the sessions;
 * - `whatIf` with nothing changed reproduces every stored score and the stored risk; leaving an
 *   indicator out removes exactly its contributions; bad settings are refused, listing all;
 * - an HR change answers with the user's risk before and after its re-scoring, and the risk as
 *   of the earlier instants stays what was stored then.
 */
const start = Math.floor((Date.now() - 30 * DAY) / DAY) * DAY; // midnight UTC, 30 days ago
const EXFIL_1 = start + 20 * DAY + 10 * 60 * MIN;
// The second at 03:00, far outside the 09:00–17:00 routine: unusual-hour findings besides any copy volume.
const EXFIL_2 = start + 23 * DAY + 3 * 60 * MIN;
const USER = 'rita';

/** A USB copy session from `at` with ids tagged `tag`: logon, connect, `files` copies of 2 MB, logoff after 30 min. */
function usbCopies(tag: string, at: number, files: number): string[] {
  const lines = [ecsLine(USER, `${USER}-${tag}-in`, at, 'authentication', 'logon'), ecsLine(USER, `${USER}-${tag}-usb`, at + MIN, 'host', 'usb_connect')];
  for (let i = 0; i < files; i++) {
    lines.push(ecsLine(USER, `${USER}-${tag}-${i}`, at + 2 * MIN + i * 1000, 'file', 'file_copy', { file: { path: `E:/${tag}/${i}.xlsx`, size: 2_000_000 } }));
  }
  lines.push(ecsLine(USER, `${USER}-${tag}-out`, at + 30 * MIN, 'authentication', 'logoff'));
  return lines;
}

interface Snapshot {
  at: string;
  score: number;
  level: string;
  previousScore: number;
  reasons: string[];
}

interface StoredSession {
  id: string;
  score: number;
  endedAt: number;
  explanation: string;
}

const RISK_AS_OF = `query ($id: ID!, $asOf: DateTime) { user(id: $id) { risk(asOf: $asOf) {
  asOf score level source computedAt recordedAt reasons nextChangeAt explanationSource
  explanation { score level raw computedAt contributions { sessionId sessionScore ageMs decay decayedScore value } } } } }`;

const WHAT_IF = `query ($userId: ID!, $without: [ID!], $with: WhatIfSettingsInput, $asOf: DateTime, $maxSessions: Int) {
  whatIf(userId: $userId, without: $without, with: $with, asOf: $asOf, maxSessions: $maxSessions) {
    user { key } asOf delta truncated
    actualRisk { score level raw contributions { sessionId sessionScore value } }
    whatIfRisk { score level raw contributions { sessionId sessionScore value } }
    sessions { sessionId session { id } endedAt actualScore whatIfScore delta
      contributions { indicatorId reason at actual whatIf actualUnscored whatIfUnscored dropped anchor calibrationProduct downWeight } } } }`;

describe('risk as of a time, what-if and HR before/after', () => {
  let server: Server;
  let history: Snapshot[];

  const ingest = async (lines: string[], source: string) => {
    await server.runtime.ingest.ingest(parseStream(Readable.from([lines.join('\n')]), { format: 'ecs', source }), { source, wait: true });
  };
  const riskAsOf = async (asOf: number | null) => (await gqlData(server, RISK_AS_OF, { id: USER, asOf: asOf === null ? null : iso(asOf) })).user.risk;
  const storedSessions = () =>
    graphQuery<StoredSession>(
      server.runtime,
      'MATCH (s:Session {user: $user}) WHERE s.explanation IS NOT NULL RETURN s.id AS id, s.score AS score, coalesce(s.end, s.lastTs) AS endedAt, s.explanation AS explanation',
      { user: USER },
    );
  // The stored risk as the API shows it: to hundredths (a sum of hundredths is not always one).
  const currentRisk = async () => {
    const row = (await graphQuery<{ score: number; level: string; updatedAt: number }>(server.runtime, 'MATCH (u:User {id: $user}) RETURN u.riskScore AS score, u.riskLevel AS level, u.riskUpdatedAt AS updatedAt', { user: USER }))[0]!;
    return { ...row, score: roundScore(row.score) };
  };

  beforeAll(async () => {
    server = await testServer();
    // One import (so one scoring batch) per stage: the history records a change at each.
    await ingest(routineDays(USER, start, 18), 'routine.ndjson');
    await ingest(usbCopies('x1', EXFIL_1, 300), 'exfil-1.ndjson');
    await ingest(usbCopies('x2', EXFIL_2, 300), 'exfil-2.ndjson');
    const data = await gqlData(server, `query ($id: ID!) { user(id: $id) { riskHistory(first: 100) { edges { node { at score level previousScore reasons } } } } }`, { id: USER });
    history = data.user.riskHistory.edges.map((e: { node: Snapshot }) => e.node).reverse();
  }, 300_000);
  afterAll(async () => {
    await server?.close();
  });

  it('answers risk(asOf) before, at, between and after the recorded changes with the stored values', async () => {
    // The two copy sessions each moved the risk (earlier changes from routine days may precede them).
    expect(history.length, JSON.stringify(history)).toBeGreaterThanOrEqual(2);
    const times = history.map((h) => Date.parse(h.at));
    expect(times.at(-2)!).toBeGreaterThanOrEqual(EXFIL_1);
    expect(times.at(-2)!).toBeLessThan(EXFIL_2);
    expect(times.at(-1)!).toBeGreaterThanOrEqual(EXFIL_2);
    const sessions = await storedSessions();
    const current = await currentRisk();
    // The current value is the later one only when computed after the last change (a sub-point move).
    const currentIsLater = current.updatedAt > times.at(-1)!;

    for (let i = 0; i < history.length; i++) {
      const h = history[i]!;
      const at = times[i]!;
      const next = times[i + 1] ?? null;
      for (const asOf of [at, next === null ? at + DAY : Math.floor((at + next) / 2)]) {
        const risk = await riskAsOf(asOf);
        expect(risk, `asOf ${iso(asOf)}`).toMatchObject({ score: h.score, level: h.level, computedAt: h.at, reasons: h.reasons, nextChangeAt: next === null ? null : iso(next) });
        expect(risk.source).toBe(next === null && currentIsLater && asOf >= current.updatedAt ? 'CURRENT' : 'SNAPSHOT');
        if (risk.source === 'SNAPSHOT') expect(Date.parse(risk.recordedAt)).toBeGreaterThan(Date.now() - 3600_000);
        // The explanation stored then adds up to the score…
        expect(risk.explanationSource).toBe('STORED');
        expect(risk.explanation.score).toBe(h.score);
        const values = risk.explanation.contributions.map((c: { value: number }) => c.value);
        expect(values.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(h.score, 6);
        // …and is what the fusion core computes at that instant from the sessions ended by then
        // (none was re-scored since), independently of what the pipeline stored.
        const expected = userRisk(USER, sessions.filter((s) => s.endedAt <= at).map((s) => ({ sessionId: s.id, score: s.score, endedAt: s.endedAt })), at);
        expect(risk.explanation.contributions.map((c: { sessionId: string; value: number }) => [c.sessionId, c.value])).toEqual(
          expected.contributions.map((c) => [c.sessionId, c.value]),
        );
      }
    }
    // Before the first change: the score that stood until then, with no explanation kept.
    const before = await riskAsOf(times[0]! - 1);
    expect(before).toMatchObject({ source: 'BEFORE_FIRST_CHANGE', score: history[0]!.previousScore, explanation: null, explanationSource: null, computedAt: null, nextChangeAt: history[0]!.at });
    // Now: the current risk and its explanation.
    const now = await riskAsOf(null);
    expect(now).toMatchObject({ source: currentIsLater ? 'CURRENT' : 'SNAPSHOT', score: current.score, level: current.level, computedAt: iso(current.updatedAt), nextChangeAt: null });
    const stored = (await gqlData(server, `query ($id: ID!) { user(id: $id) { riskExplanation { score contributions { sessionId value } } } }`, { id: USER })).user.riskExplanation;
    expect(now.explanation).toMatchObject(stored);
    // A user riskgraph does not know was not scored then.
    expect((await gqlData(server, RISK_AS_OF, { id: 'nobody', asOf: iso(EXFIL_1) })).user).toBeNull();
  });

  it('shows dashboards the risk as of a time (scores and session shares, no evidence)', async () => {
    const { createApiKey } = await gqlData(server, `mutation { createApiKey(name: "wall", role: DASHBOARD) { secret } }`);
    const response = await gql(server, RISK_AS_OF, { id: USER, asOf: iso(Date.parse(history.at(-1)!.at)) }, createApiKey.secret);
    expect(response.errors).toBeUndefined();
    expect(response.data.user.risk.score).toBe(history.at(-1)!.score);
    const whatIf = await gql(server, WHAT_IF, { userId: USER }, createApiKey.secret);
    expect(whatIf.errors![0]).toMatchObject({ message: 'role DASHBOARD may not use Query.whatIf', extensions: { code: 'FORBIDDEN' } });
  });

  it('re-scores with nothing changed to exactly the stored session scores and risk', async () => {
    const sessions = await storedSessions();
    const current = await currentRisk();
    const { whatIf } = await gqlData(server, WHAT_IF, { userId: USER });
    expect(whatIf.user.key).toBe(USER);
    expect(whatIf.asOf).toBe(iso(current.updatedAt));
    expect(whatIf.truncated).toBe(false);
    const inWindow = sessions.filter((s) => s.endedAt >= current.updatedAt - 30 * DAY);
    expect(whatIf.sessions.map((s: { sessionId: string }) => s.sessionId).sort()).toEqual(inWindow.map((s) => s.id).sort());
    const byId = new Map(sessions.map((s) => [s.id, s]));
    for (const s of whatIf.sessions) {
      expect(s.actualScore).toBe(roundScore(byId.get(s.sessionId)!.score));
      expect(s.whatIfScore).toBe(s.actualScore);
      expect(s.delta).toBe(0);
      expect(s.session.id).toBe(s.sessionId);
    }
    expect(whatIf.actualRisk.score).toBe(current.score);
    expect(whatIf.actualRisk.level).toBe(current.level);
    expect(whatIf.whatIfRisk).toEqual(whatIf.actualRisk);
    expect(whatIf.delta).toBe(0);
    // Sessions newest first, bounded by maxSessions.
    const one = (await gqlData(server, WHAT_IF, { userId: USER, maxSessions: 1 })).whatIf;
    expect(one.sessions.map((s: { sessionId: string }) => s.sessionId)).toEqual([whatIf.sessions[0].sessionId]);
    expect(one.truncated).toBe(true);
  });

  it('drops exactly an indicator’s contributions when it is left out, and re-weighs a new anchor score', async () => {
    const { whatIf } = await gqlData(server, WHAT_IF, { userId: USER, without: ['usb-copy-outlier'] });
    const usbTotal = (s: { contributions: Array<{ indicatorId: string; actual: number }> }) =>
      s.contributions.filter((c) => c.indicatorId === 'usb-copy-outlier').reduce((a, c) => a + c.actual, 0);
    const copies = whatIf.sessions.filter((s: { contributions: Array<{ indicatorId: string; actual: number }> }) => usbTotal(s) > 0);
    expect(copies.length).toBeGreaterThanOrEqual(1);
    // Other indicators' contributions are there to stay.
    expect(whatIf.sessions.some((s: { contributions: Array<{ indicatorId: string; actual: number }> }) => s.contributions.some((c) => c.indicatorId !== 'usb-copy-outlier' && c.actual > 0))).toBe(true);
    for (const s of whatIf.sessions) {
      expect(s.whatIfScore).toBeCloseTo(s.actualScore - usbTotal(s), 9);
      for (const c of s.contributions) {
        if (c.indicatorId === 'usb-copy-outlier') expect(c).toMatchObject({ dropped: 'LEFT_OUT', whatIf: 0 });
        else expect([c.dropped, c.whatIf]).toEqual([null, c.actual]);
      }
    }
    expect(whatIf.whatIfRisk.score).toBeLessThan(whatIf.actualRisk.score);
    // The risk is the fusion core's over the re-scored sessions at the same instant.
    const expected = userRisk(
      USER,
      whatIf.sessions.map((s: { sessionId: string; whatIfScore: number; endedAt: string }) => ({ sessionId: s.sessionId, score: s.whatIfScore, endedAt: Date.parse(s.endedAt) })),
      Date.parse(whatIf.asOf),
    );
    expect(whatIf.whatIfRisk.score).toBe(roundScore(expected.score));
    expect(whatIf.delta).toBeCloseTo(expected.score - whatIf.actualRisk.score, 9);

    const anchored = (await gqlData(server, WHAT_IF, { userId: USER, with: { indicators: [{ id: 'usb-copy-outlier', anchorScore: 50 }] } })).whatIf;
    const stored = (await storedSessions()).flatMap((s) =>
      (JSON.parse(s.explanation) as { contributions: Array<{ indicatorId: string; weights: { calibrationProduct: number; downWeight: number } }> }).contributions
        .filter((c) => c.indicatorId === 'usb-copy-outlier')
        .map((c) => [s.id, c.weights] as const),
    );
    for (const [sessionId, weights] of stored) {
      const row = anchored.sessions.find((s: { sessionId: string }) => s.sessionId === sessionId).contributions.find((c: { indicatorId: string }) => c.indicatorId === 'usb-copy-outlier');
      expect(row.anchor).toBe(50);
      expect(row.whatIf).toBe(Math.round(50 * weights.calibrationProduct * weights.downWeight * 100) / 100);
    }
  });

  it('refuses bad what-if arguments with every problem named, and an unknown user', async () => {
    const bad = await gql(server, WHAT_IF, {
      userId: USER,
      without: ['no-such-indicator'],
      with: { maxScoredPerIndicator: 0, riskScale: -1, indicators: [{ id: 'unusual-hour', params: [{ name: 'x', value: 1 }] }] },
    });
    expect(bad.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    for (const part of ["without: no such indicator 'no-such-indicator'", 'with.fusion.maxScoredPerIndicator', 'with.risk.scale', 'with.indicators.unusual-hour.params']) {
      expect(bad.errors![0]!.message).toContain(part);
    }
    expect(bad.text).not.toMatch(/at \w+ \(|\.ts:\d+/);
    const limit = await gql(server, WHAT_IF, { userId: USER, maxSessions: 0 });
    expect(limit.errors![0]).toMatchObject({ message: 'maxSessions: must be from 1 to 500, got 0', extensions: { code: 'BAD_USER_INPUT' } });
    const unknown = await gql(server, WHAT_IF, { userId: 'nobody' });
    expect(unknown.errors![0]!.extensions!.code).toBe('NOT_FOUND');
  });

  it('answers an employment change with the risk before and after its re-scoring, and keeps earlier instants as stored', async () => {
    const before = await currentRisk();
    const earlier = await riskAsOf(Date.parse(history.at(-2)!.at));
    const { setEmploymentStatuses } = await gqlData(
      server,
      `mutation ($inputs: [EmploymentStatusInput!]!) { setEmploymentStatuses(inputs: $inputs) { userId status
        riskChange { userId user { key } before { score level } after { score level } applied delta } } }`,
      {
        inputs: [
          { userId: USER, status: 'NOTICE_GIVEN', effectiveDate: iso(start + 19 * DAY), lastDay: iso(Date.now() + 10 * DAY) },
          { userId: 'sam', status: 'ON_LEAVE', effectiveDate: iso(start) },
        ],
      },
    );
    const after = await currentRisk();
    const rita = setEmploymentStatuses.find((c: { userId: string }) => c.userId === USER).riskChange;
    expect(rita).toMatchObject({ userId: USER, user: { key: USER }, applied: true, before: { score: before.score, level: before.level }, after: { score: after.score, level: after.level } });
    // Notice given before both copy sessions: their exfiltration weighs double.
    expect(after.score).toBeGreaterThan(before.score);
    expect(rita.delta).toBeCloseTo(after.score - before.score, 9);
    const audit = await graphQuery<{ details: string }>(server.runtime, "MATCH (a:AuditEntry {action: 'risk.rescore', target: $user}) RETURN a.details AS details", { user: USER });
    // The audit keeps the stored values; compared as the API shows them.
    expect(audit.map((a) => JSON.parse(a.details)).map((d) => ({ ...d, previousRisk: roundScore(d.previousRisk), risk: roundScore(d.risk) }))).toEqual([expect.objectContaining({ reason: 'hr-status', previousRisk: before.score, risk: after.score })]);
    // A user with nothing to re-score: unchanged at 0.
    expect(setEmploymentStatuses.find((c: { userId: string }) => c.userId === 'sam').riskChange).toMatchObject({ applied: true, before: { score: 0 }, after: { score: 0 }, delta: 0 });

    // The re-scoring recomputed the risk at the user's latest instant: as of then, the value
    // recorded last; as of the earlier change, what was stored then.
    const latest = await riskAsOf(Date.parse(history.at(-1)!.at));
    expect(latest.score).toBe(after.score);
    expect(await riskAsOf(Date.parse(history.at(-2)!.at))).toEqual(earlier);

    // An HR integration records the change but may not read risk: null and FORBIDDEN for the field.
    const { createApiKey } = await gqlData(server, `mutation { createApiKey(name: "hr", role: HR_INTEGRATION) { secret } }`);
    const hr = await gql(
      server,
      `mutation ($input: EmploymentStatusInput!) { setEmploymentStatus(input: $input) { status riskChange { applied } } }`,
      { input: { userId: 'sam', status: 'ACTIVE', effectiveDate: iso(start + DAY) } },
      createApiKey.secret,
    );
    expect(hr.data.setEmploymentStatus).toEqual({ status: 'ACTIVE', riskChange: null });
    expect(hr.errors![0]).toMatchObject({ path: ['setEmploymentStatus', 'riskChange'], extensions: { code: 'FORBIDDEN' } });
    // Without the field the mutation answers as before (riskChange is only in mutation results).
    const plain = await gqlData(server, `query { user(id: "rita") { employmentHistory { edges { node { status riskChange { applied } } } } } }`);
    expect(plain.user.employmentHistory.edges.map((e: { node: { riskChange: unknown } }) => e.node.riskChange)).toEqual([null]);
  });

  it('reconstructs the explanation of a snapshot stored without one from the sessions, keeping its stored score', async () => {
    // A snapshot as versions before this one wrote them: no explanation, no recording time.
    const h = history.at(-2)!;
    const at = Date.parse(h.at);
    await server.runtime.executor.query('WRITE', 'MATCH (r:RiskSnapshot {user: $user}) WHERE r.at = $at REMOVE r.explanation, r.recordedAt', { user: USER, at });
    const risk = await riskAsOf(at);
    expect(risk).toMatchObject({ source: 'SNAPSHOT', score: h.score, level: h.level, recordedAt: null, explanationSource: 'RECONSTRUCTED' });
    // The fusion core at that instant over the sessions ended by then, with their current scores
    // (re-scored since by the HR change, so the total may differ from the stored score).
    const sessions = await storedSessions();
    const expected = userRisk(USER, sessions.filter((s) => s.endedAt <= at).map((s) => ({ sessionId: s.id, score: s.score, endedAt: s.endedAt })), at);
    expect(risk.explanation).toMatchObject({ score: roundScore(expected.score), computedAt: h.at });
    expect(risk.explanation.contributions.map((c: { sessionId: string; value: number }) => [c.sessionId, c.value])).toEqual(expected.contributions.map((c) => [c.sessionId, c.value]));
  });
});
