/**
 * What the known-answer cases (privileged-cases.ts) do not show by themselves: the service
 * account's extended interactive channels, the fallbacks without a peer group, and old profile
 * checkpoints without the new categorical parts.
 */
import { describe, expect, it } from 'vitest';
import { INDICATORS } from '../../../src/analytics/indicators/registry.ts';
import { deserialize, serialize } from '../../../src/analytics/profiles/profile.codec.ts';
import { createUserProfile, observeEvent } from '../../../src/analytics/profiles/user-profile.ts';
import { event, eventContext, T1 } from './fixtures.ts';
import { expectFinding, expectNoFinding } from './harness.ts';
import { admin, adminPeers } from './privileged-cases.ts';

const byId = (id: string) => INDICATORS.find((i) => i.id === id)!;

describe('accounts used against their purpose, over privileged sessions', () => {
  const svc = () => createUserProfile('svc-backup');
  it('a service account with an RDP desktop or a typed command is used interactively', () => {
    const rdp = event({ user: 'svc-backup', ts: T1, category: 'authentication', action: 'remote_logon', protocol: 'rdp', asset: 'BKP-01' });
    expect(expectFinding(byId('service-account-interactive'), eventContext(rdp, { profile: svc() })).reason).toContain('RDP session on BKP-01');
    const typed = event({ user: 'svc-backup', ts: T1, category: 'process', action: 'command', command: 'whoami', interactive: true, asset: 'BKP-01' });
    expect(expectFinding(byId('service-account-interactive'), eventContext(typed, { profile: svc() })).reason).toContain("command typed in a terminal on BKP-01: 'whoami'");
  });

  it('a service account running commands without a terminal, or logging on over SSH, is automation', () => {
    const ssh = event({ user: 'svc-backup', ts: T1, category: 'authentication', action: 'remote_logon', protocol: 'ssh', asset: 'BKP-01' });
    expectNoFinding(byId('service-account-interactive'), eventContext(ssh, { profile: svc() }));
    const batch = event({ user: 'svc-backup', ts: T1, category: 'process', action: 'command', command: 'tar czf /backup/x.tgz /srv', asset: 'BKP-01' });
    expectNoFinding(byId('service-account-interactive'), eventContext(batch, { profile: svc() }));
  });

  it('a dedicated privileged account on RDP or in a shell does what it is for', () => {
    const rdp = event({ user: 'adm-jdoe', ts: T1, category: 'authentication', action: 'remote_logon', protocol: 'rdp', asset: 'ITO-DC-01' });
    expectNoFinding(byId('privileged-account-interactive'), eventContext(rdp, { profile: createUserProfile('adm-jdoe') }));
  });
});

describe('privileged indicators without a peer group', () => {
  const command = (line: string) =>
    event({ user: 'rhale', ts: T1, category: 'process', action: 'command', command: line, interactive: true, asset: 'DB-PROD-01' });
  const checkout = (secret: string) => event({ user: 'rhale', ts: T1, category: 'iam', action: 'secret_access', secretId: secret });

  it('a new command class stands on the user baseline alone', () => {
    const f = expectFinding(byId('new-command-class'), eventContext(command('whoami /all'), { profile: admin(), peerGroup: null }));
    expect(f.evidence.facts['peers']).toBeNull();
    expect(f.reason).not.toContain('peers');
  });

  it('a class common among peers is not flagged, however new to the user', () => {
    expectNoFinding(byId('new-command-class'), eventContext(command('whoami /all'), { profile: admin(), peerGroup: adminPeers() }));
  });

  it('a new secret is tested against the user novelty rate (p = 0.054 ≤ 0.1)', () => {
    const f = expectFinding(byId('unusual-secret-access'), eventContext(checkout('prod/payments/db-root'), { profile: admin(), peerGroup: null }));
    expect(f.evidence.facts['testedAgainst']).toBe('user');
    expect(f.evidence.test.kind === 'p-value' && f.evidence.test.pValue).toBeCloseTo(0.0539, 3);
  });

  it('a peer group too small to judge falls back to the user', () => {
    const f = expectFinding(byId('unusual-secret-access'), eventContext(checkout('prod/payments/db-root'), { profile: admin(), peerGroup: adminPeers({ size: 3 }) }));
    expect(f.evidence.facts['testedAgainst']).toBe('user');
  });
});

describe('profiles learn privileged sessions', () => {
  it('counts command classes, secrets and interactive channels', () => {
    const p = admin();
    expect([...p.categorical.commands.entries.keys()].sort()).toEqual(['normal-admin', 'privilege-escalation']);
    expect([...p.categorical.secrets.entries.keys()].sort()).toEqual(['prod/db/app-ro', 'prod/db/backup', 'prod/db/migrations']);
    expect([...p.categorical.interactive.entries.keys()]).toEqual(['shell']);
  });

  it('loads a checkpoint written before the parts existed, with them empty', () => {
    const p = createUserProfile('old');
    observeEvent(p, event({ user: 'old', ts: T1, asset: 'X' }));
    const json = serialize(p) as unknown as { categorical: Record<string, unknown> };
    delete json.categorical['commands'];
    delete json.categorical['secrets'];
    delete json.categorical['interactive'];
    const back = deserialize(json);
    expect(back.categorical.assets.entries.has('X')).toBe(true);
    expect(back.categorical.secrets.entries.size).toBe(0);
    expect(back.categorical.commands.cap).toBe(p.categorical.commands.cap);
  });
});
