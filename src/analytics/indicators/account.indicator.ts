/**
 * Accounts used against their purpose: a service account used interactively, a dedicated
 * privileged account used for everyday work. The account type comes from the context (an
 * inventory) or from `classifyAccount` (naming such as `svc-…`, `adm-…`, and the HR title).
 */
import type { EventContext, Resolved } from './context.ts';
import { type Baseline, defineEventIndicator, type Evidence, factHolds } from './indicator.ts';

export type AccountEvidence = Evidence<Extract<Baseline, { kind: 'account' }>>;

/** What makes an event interactive, or null: browsing, mail, VPN, or a logon from a device the account never ran on. */
function interactiveUse(ctx: Resolved<EventContext>, includeNewDeviceLogon: boolean): string | null {
  const e = ctx.event;
  if (e.category === 'web') return `web request to ${e.domain ?? e.url ?? 'the web'}`;
  if (e.category === 'email' && e.action === 'email_send') return 'e-mail sent';
  if (e.action === 'vpn_connect' && e.outcome === 'success') return 'VPN connection';
  if (includeNewDeviceLogon && e.action === 'logon' && e.outcome === 'success' && e.host !== undefined) {
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
    'A service account browses the web, sends mail, connects over VPN, or logs on interactively from a device it has never run on.',
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
