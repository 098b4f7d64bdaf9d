import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from '../../src/main.ts';
import { TEST_ADMIN_TOKEN, testServer } from '../support/runtime.ts';
import { DAY, iso, MIN } from '../support/behaviour.ts';
import { gqlData } from './graphql-support.ts';

/**
 * Privileged sessions through the real pipeline, over real HTTP against the real Neo4j and
 * Redis: an administrator with three weeks of routine SSH work (the same two classes of
 * command, the same two vault secrets) has a session in which she reads /etc/shadow, creates
 * an account, clears her shell history and checks out five secrets she never used; a batch
 * service account that never worked interactively opens an RDP desktop. The findings appear in
 * the explanation of those sessions, and every score leaves the API rounded to hundredths.
 */
const HOUR = 60 * MIN;
const start = Math.floor((Date.now() - 25 * DAY) / DAY) * DAY;

let n = 0;
function line(ts: number, user: string, event: Record<string, unknown>, fields: Record<string, unknown> = {}): string {
  n += 1;
  return JSON.stringify({ '@timestamp': iso(ts), event: { id: `p${n}`, outcome: 'success', ...event }, user: { name: user }, ...fields });
}
const ROUTINE = ['systemctl status postgresql', 'df -h', 'sudo -i', 'tail -n 100 /var/log/postgresql/main.log', 'free -m', 'sudo systemctl reload postgresql'];
const ssh = (ts: number, user: string, commandLine: string) =>
  line(ts, user, { category: 'process', action: 'command' }, {
    host: { name: 'ITO-JUMP-01' },
    destination: { address: 'DB-PROD-01' },
    network: { protocol: 'ssh' },
    process: { command_line: commandLine, interactive: true },
  });
const checkout = (ts: number, user: string, secret: string) =>
  line(ts, user, { category: 'iam', action: 'secret_access' }, { host: { name: 'ITO-JUMP-01' }, service: { name: 'vault' }, riskgraph: { secret: { id: secret } } });
const logon = (ts: number, user: string, host: string) => line(ts, user, { category: 'authentication', action: 'logon' }, { host: { name: host } });
const logoff = (ts: number, user: string, host: string) => line(ts, user, { category: 'authentication', action: 'logoff' }, { host: { name: host } });

function events(): string[] {
  const lines: string[] = [];
  for (let d = 0; d < 20; d++) {
    const day = start + d * DAY;
    // rhale, 09:00–17:00: six routine commands and three checkouts of her two secrets (12 events a day).
    lines.push(logon(day + 9 * HOUR, 'rhale', 'ITO-JUMP-01'));
    lines.push(line(day + 9 * HOUR + MIN, 'rhale', { category: 'network', action: 'remote_logon' }, { host: { name: 'ITO-JUMP-01' }, destination: { address: 'DB-PROD-01' }, network: { protocol: 'ssh' } }));
    ROUTINE.forEach((c, i) => lines.push(ssh(day + 10 * HOUR + i * 20 * MIN, 'rhale', c)));
    ['prod/db/app-ro', 'prod/db/backup', 'prod/db/app-ro'].forEach((s, i) => lines.push(checkout(day + 14 * HOUR + i * 30 * MIN, 'rhale', s)));
    lines.push(logoff(day + 17 * HOUR, 'rhale', 'ITO-JUMP-01'));
    // svc-etl, 02:00: a batch logon and a query (never interactive).
    lines.push(logon(day + 2 * HOUR, 'svc-etl', 'FIN-APP-01'));
    lines.push(line(day + 2 * HOUR + MIN, 'svc-etl', { category: 'network', action: 'app_access' }, { host: { name: 'FIN-APP-01' }, destination: { address: 'FIN-DB-01' }, service: { name: 'mssql' } }));
    lines.push(logoff(day + 2 * HOUR + 5 * MIN, 'svc-etl', 'FIN-APP-01'));
  }
  const attack = start + 22 * DAY + 9 * HOUR;
  lines.push(logon(attack, 'rhale', 'ITO-JUMP-01'));
  ['prod/payments/db-root', 'prod/hr/ldap-bind', 'break-glass/domain-admin', 'prod/payments/api-key', 'prod/finance/sftp'].forEach((s, i) =>
    lines.push(checkout(attack + (5 + i) * MIN, 'rhale', s)),
  );
  lines.push(ssh(attack + 20 * MIN, 'rhale', 'sudo cat /etc/shadow'));
  lines.push(ssh(attack + 22 * MIN, 'rhale', 'useradd -m -s /bin/bash support2'));
  lines.push(ssh(attack + 24 * MIN, 'rhale', 'history -c'));
  lines.push(logoff(attack + 40 * MIN, 'rhale', 'ITO-JUMP-01'));
  lines.push(
    line(attack + 3 * HOUR, 'svc-etl', { category: 'authentication', action: 'remote_logon' }, { host: { name: 'WS-0042' }, destination: { address: 'FIN-APP-01' }, network: { protocol: 'rdp' } }),
  );
  lines.push(logoff(attack + 3 * HOUR + 20 * MIN, 'svc-etl', 'WS-0042'));
  return lines.sort((a, b) => (JSON.parse(a)['@timestamp'] as string).localeCompare(JSON.parse(b)['@timestamp'] as string));
}

interface Contribution {
  indicatorId: string;
  reason: string;
  value: number;
  unscored: string | null;
}

const SESSIONS = `query ($id: ID!) { user(id: $id) { key riskScore peakRiskScore
  sessions(first: 3) { edges { node { id start score shadowScore commands secretCheckouts
    explanation { score contributions { indicatorId reason value unscored weights { anchor } } }
    timeline(first: 20) { edges { node { action target targetType command } } } } } } } }`;

/** Two decimals at most: what the API promises for every score. */
const hundredths = (x: number) => expect(Math.abs(x * 100 - Math.round(x * 100))).toBeLessThan(1e-9);

describe('privileged sessions end to end', () => {
  let server: Server;

  beforeAll(async () => {
    server = await testServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('explains a session of credential dumping and unusual checkouts, and a service account’s first RDP desktop', { timeout: 240_000 }, async () => {
    const body = events();
    const response = await fetch(`${server.url}/ingest?format=ecs&wait=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/x-ndjson' },
      body: body.join('\n'),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ accepted: body.length, duplicates: 0, deadLetters: 0 });

    const { user: admin } = await gqlData(server, SESSIONS, { id: 'rhale' });
    const attack = admin.sessions.edges.map((e: { node: { start: string } }) => e.node).find((s: { start: string }) => Date.parse(s.start) >= start + 22 * DAY);
    expect(attack, JSON.stringify(admin.sessions)).toBeDefined();
    expect({ commands: attack.commands, secretCheckouts: attack.secretCheckouts }).toEqual({ commands: 3, secretCheckouts: 5 });
    const contributions = attack.explanation.contributions as Contribution[];
    const scored = (id: string) => contributions.filter((c) => c.indicatorId === id && c.unscored === null && c.value > 0);
    expect(contributions.map((c) => c.indicatorId)).toEqual(
      expect.arrayContaining(['risky-command', 'new-command-class', 'unusual-secret-access', 'secret-checkout-burst']),
    );
    // risky-command is a fact (two risky lines: /etc/shadow and history -c).
    expect(scored('risky-command').map((c) => c.reason.split(':')[0])).toEqual(
      expect.arrayContaining([expect.stringMatching(/^credential dumping/), expect.stringMatching(/^log tampering/)]),
    );
    // The others stand on her mature baseline: scored, not learning.
    for (const id of ['new-command-class', 'unusual-secret-access', 'secret-checkout-burst']) expect(scored(id).length, id).toBeGreaterThan(0);
    expect(scored('new-command-class').map((c) => c.reason).join('\n')).toMatch(/account-management/);
    expect(scored('secret-checkout-burst')[0]!.reason).toMatch(/^5 of 5 secrets new to this user/);
    expect(contributions.some((c) => c.reason.includes('prod/payments/db-root'))).toBe(true);
    // The explanation adds up to the score, both rounded to hundredths at the API.
    const cents = contributions.reduce((sum, c) => sum + Math.round(c.value * 100), 0);
    expect(Math.round(attack.score * 100)).toBe(cents);
    expect(attack.explanation.score).toBe(attack.score);
    for (const x of [attack.score, attack.shadowScore, admin.riskScore, admin.peakRiskScore, ...contributions.map((c) => c.value)]) hundredths(x);
    expect(admin.riskScore).toBeGreaterThan(0);
    // The timeline shows the commands and the secrets checked out.
    const timeline = attack.timeline.edges.map((e: { node: unknown }) => e.node) as Array<{ action: string; target: string; targetType: string; command: string | null }>;
    expect(timeline).toContainEqual({ action: 'command', target: 'DB-PROD-01', targetType: 'Asset', command: 'sudo cat /etc/shadow' });
    expect(timeline).toContainEqual({ action: 'secret_access', target: 'prod/payments/db-root', targetType: 'Asset', command: null });
    // Her routine sessions raise nothing of the kind.
    const routine = admin.sessions.edges.map((e: { node: unknown }) => e.node).filter((s: { id: string }) => s.id !== attack.id);
    for (const s of routine as Array<{ explanation: { contributions: Contribution[] } | null }>) {
      expect((s.explanation?.contributions ?? []).filter((c) => c.indicatorId === 'risky-command' || c.indicatorId === 'secret-checkout-burst')).toEqual([]);
    }

    const { user: svc } = await gqlData(server, SESSIONS, { id: 'svc-etl' });
    const rdp = svc.sessions.edges.map((e: { node: unknown }) => e.node).find((s: { start: string }) => Date.parse(s.start) >= start + 22 * DAY) as {
      explanation: { contributions: Contribution[] };
    };
    expect(rdp, JSON.stringify(svc.sessions)).toBeDefined();
    const first = rdp.explanation.contributions.find((c) => c.indicatorId === 'service-account-first-interactive');
    expect(first, JSON.stringify(rdp.explanation)).toBeDefined();
    expect(first!.reason).toMatch(/used interactively for the first time: RDP session on FIN-APP-01; none of its 60 earlier events/);
    expect(first!.value).toBeGreaterThan(0);
    expect(rdp.explanation.contributions.some((c) => c.indicatorId === 'service-account-interactive')).toBe(true);

    // The secret is an Asset of kind `secret` in the graph, reached by the user.
    const { entity } = await gqlData(server, `{ entity(id: "Asset:prod/payments/db-root") { ... on Asset { key kind } } }`);
    expect(entity).toEqual({ key: 'prod/payments/db-root', kind: 'secret' });
  });
});
