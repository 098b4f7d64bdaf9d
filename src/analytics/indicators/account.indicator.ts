/**
 * Accounts used against their purpose: a service account used interactively (and, once, for
 * the first time in a history without any interactive use), a dedicated privileged account used
 * for everyday work. The account type comes from the context (an
 * inventory) or from `classifyAccount` (naming such as `svc-…`, `adm-…`, and the HR title).
 */
import { interactiveChannel } from '../privileged-access.ts';
import type { EventContext, Resolved } from './context.ts';
import { formatNumber } from './format.ts';
import { type Baseline, defineEventIndicator, type Evidence, factHolds, type IndicatorMeta, param } from './indicator.ts';

export type AccountEvidence = Evidence<Extract<Baseline, { kind: 'account' }>>;

/**
 * What makes an event interactive, or null: browsing, mail, VPN (`interactiveChannel`), and for
 * a service account also an RDP desktop, a command typed in a terminal, or a logon from a device
 * it never ran on. A dedicated privileged account is meant for RDP and shells, so for it only
 * the everyday channels count.
 */
function interactiveUse(ctx: Resolved<EventContext>, forService: boolean): string | null {
  const e = ctx.event;
  const channel = interactiveChannel(e);
  if (channel === 'web') return `web request to ${e.domain ?? e.url ?? 'the web'}`;
  if (channel === 'email') return 'e-mail sent';
  if (channel === 'vpn') return 'VPN connection';
  if (!forService) return null;
  if (channel === 'rdp') return `RDP session on ${e.asset ?? e.host ?? 'an unnamed host'}`;
  if (channel === 'shell') return `command typed in a terminal on ${e.asset ?? e.host ?? 'an unnamed host'}: '${(e.command ?? '').slice(0, 80)}'`;
  if (e.action === 'logon' && e.outcome === 'success' && e.host !== undefined) {
    const devices = ctx.profile.categorical.devices;
    if (devices.entries.size > 0 && !devices.entries.has(e.host)) return `interactive logon on ${e.host}, a device it never ran on`;
  }
  return null;
}

function accountEvidence(ctx: Resolved<EventContext>, use: string, expected: string): AccountEvidence {
  const e = ctx.event;
  const a = ctx.account;
  const user = e.user ?? '';
  return {
    observed: { label: 'interactive use', value: use, display: use },
    test: { kind: 'fact', fact: `${expected} account ${user} used interactively`, holds: a.type === expected },
    baseline: {
      kind: 'account',
      accountType: a.type,
      basis: a.basis,
      privilegedRole: a.privilegedRole,
      knownDevices: ctx.profile.categorical.devices.entries.size,
    },
    eventIds: [e.id],
    at: e.ts,
    facts: { account: user },
  };
}

export const serviceAccountInteractive = defineEventIndicator<AccountEvidence>({
  id: 'service-account-interactive',
  family: 'account',
  title: 'Service account used interactively',
  description:
    'A service account browses the web, sends mail, connects over VPN, opens an RDP desktop, has a command typed in a terminal (process.interactive), or logs on interactively from a device it has never run on.',
  dataSources: [],
  anchorScore: 40,
  test: { kind: 'fact' },
  basis: 'none',
  exfiltration: false,
  params: {},
  collect(ctx) {
    if (ctx.account.type !== 'service') return [];
    const use = interactiveUse(ctx, true);
    return use === null ? [] : [accountEvidence(ctx, use, 'service')];
  },
  holds: (e) => factHolds(e) && e.baseline.accountType === 'service',
  explain(e) {
    return `service account ${e.facts['account']} (by ${e.baseline.basis}) used interactively: ${e.observed.display}`;
  },
});

export const privilegedAccountInteractive = defineEventIndicator<AccountEvidence>({
  id: 'privileged-account-interactive',
  family: 'account',
  title: 'Privileged account used for everyday work',
  description:
    'A dedicated privileged (administrative) account browses the web, sends mail or connects over VPN — work that belongs to the person’s ordinary account.',
  dataSources: [],
  anchorScore: 25,
  test: { kind: 'fact' },
  basis: 'none',
  exfiltration: false,
  params: {},
  collect(ctx) {
    if (ctx.account.type !== 'privileged') return [];
    const use = interactiveUse(ctx, false);
    return use === null ? [] : [accountEvidence(ctx, use, 'privileged')];
  },
  holds: (e) => factHolds(e) && e.baseline.accountType === 'privileged',
  explain(e) {
    return `dedicated privileged account ${e.facts['account']} (by ${e.baseline.basis}) used for everyday work: ${e.observed.display}`;
  },
});

export const serviceAccountFirstInteractive = defineEventIndicator<AccountEvidence>({
  id: 'service-account-first-interactive',
  family: 'account',
  title: 'Service account used interactively for the first time',
  description:
    "A service account with at least minEvents events of history and no interactive use in its baseline (no web, mail, VPN, RDP or typed command) is used interactively: the moment a program's credentials start being used by a person. service-account-interactive scores every such use; this marks the first.",
  dataSources: [],
  anchorScore: 25,
  test: { kind: 'fact' },
  basis: 'none',
  exfiltration: false,
  params: { minEvents: 50 },
  collect(ctx, self: IndicatorMeta) {
    if (ctx.account.type !== 'service') return [];
    const channel = interactiveChannel(ctx.event);
    if (channel === null) return [];
    const use = interactiveUse(ctx, true);
    if (use === null) return [];
    const p = ctx.profile;
    const evidence = accountEvidence(ctx, use, 'service');
    const priorInteractive = p.categorical.interactive.entries.size;
    const minEvents = param(self, 'minEvents');
    evidence.test = {
      kind: 'fact',
      fact: `service account ${ctx.event.user ?? ''} used interactively for the first time in ${p.events} events`,
      holds: priorInteractive === 0 && p.events >= minEvents,
    };
    evidence.facts = { ...evidence.facts, channel, priorEvents: p.events, priorInteractive, minEvents, since: p.firstSeen };
    return [evidence];
  },
  holds: (e) =>
    factHolds(e) &&
    e.baseline.accountType === 'service' &&
    e.facts['priorInteractive'] === 0 &&
    (e.facts['priorEvents'] as number) >= (e.facts['minEvents'] as number),
  explain(e) {
    const since = typeof e.facts['since'] === 'number' ? ` since ${new Date(e.facts['since']).toISOString().slice(0, 10)}` : '';
    return `service account ${e.facts['account']} (by ${e.baseline.basis}) used interactively for the first time: ${e.observed.display}; none of its ${formatNumber(e.facts['priorEvents'] as number)} earlier events${since} was interactive`;
  },
});
