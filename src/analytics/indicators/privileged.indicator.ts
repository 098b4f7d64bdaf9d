/**
 * Privileged access: what people do in privileged sessions (commands over SSH or RDP) and which
 * credentials they check out of the vault.
 *
 * - A risky command class (credential dumping, log tampering, disabling security controls,
 *   download and execute) is a finding by itself, whoever runs it.
 * - A command class new to the user is tested like a first access (categorical.profile.ts,
 *   `noveltyProbability`: how often this user's commands bring a class they had not used),
 *   and is not flagged when it is common among their peers ((k + 1) / (n + 2) of the peers have
 *   used it, Laplace's rule of succession, above maxPeerShare).
 * - A secret the user never checked out, that hardly any peer checks out either (the same
 *   rule of succession over the peer group's checkouts; without a usable peer group, the user's
 *   own novelty rate), from a user whose checkouts seldom bring new secrets.
 * - A checkout in a local hour in which the user is rarely active at all (the exact p-value of
 *   the hour under their decayed hour-of-day distribution, as unusual-hour tests session starts,
 *   but for every checkout: a credential taken at 03:00 inside a session that began at 09:00).
 * - A burst of checkouts of secrets new to the user in one session: the upper tail of
 *   Binomial(n, r) for k new of n distinct secrets, r the user's own novelty rate of secrets
 *   (floored at floorRate).
 * All read the profile before it learns the event (or, for the session burst, after the session).
 */
import { entityKey } from '../entities.ts';
import { noveltyProbability } from '../profiles/categorical.profile.ts';
import { DAY_MS } from '../profiles/forward-decay.ts';
import { hourDistribution, localTime, outcomePValue } from '../profiles/temporal.profile.ts';
import { scaleAt } from '../profiles/user-profile.ts';
import { classifyCommand, COMMAND_CLASS_DESCRIPTIONS, type CommandClass, RISKY_COMMAND_CLASSES } from '../privileged-access.ts';
import type { EventContext, PeerGroupSummary, Resolved } from './context.ts';
import { categoricalBaseline, type CategoricalEvidence } from './evidence.ts';
import { formatList, formatNumber, formatP } from './format.ts';
import {
  type Baseline,
  defineEventIndicator,
  defineSessionIndicator,
  type Evidence,
  factHolds,
  type IndicatorMeta,
  param,
  type PeerEvidence,
  pValueHolds,
  thresholdOf,
} from './indicator.ts';

/** Characters of a command line a reason quotes. */
const QUOTE_CHARS = 120;

function quote(command: string): string {
  const line = command.trim().replace(/\s+/g, ' ');
  return `'${line.length > QUOTE_CHARS ? `${line.slice(0, QUOTE_CHARS - 1)}…` : line}'`;
}

function peerOf(group: PeerGroupSummary): PeerEvidence {
  return { groupId: group.groupId, name: group.name ?? group.groupId, kind: group.kind, degree: group.degree, size: group.size };
}

/** Where a command ran: the target asset, else the device. */
function targetOf(ctx: Resolved<EventContext>): string {
  return ctx.event.asset ?? ctx.event.host ?? 'an unnamed host';
}

function describeClass(cls: string): string {
  return COMMAND_CLASS_DESCRIPTIONS[cls as CommandClass] ?? cls;
}

export const riskyCommand = defineEventIndicator<CategoricalEvidence>({
  id: 'risky-command',
  family: 'privileged',
  title: 'Risky command in a privileged session',
  description:
    'A command line of a risky class — credential dumping, log tampering, disabling security controls, download and execute — run in an SSH, RDP or console session (fact, whoever runs it).',
  dataSources: ['process'],
  anchorScore: 35,
  test: { kind: 'fact' },
  basis: 'none',
  exfiltration: false,
  params: {},
  collect(ctx) {
    const command = ctx.event.command;
    if (command === undefined) return [];
    const cls = classifyCommand(command);
    if (!RISKY_COMMAND_CLASSES.has(cls)) return [];
    const baseline = categoricalBaseline(ctx.profile, 'commands', cls, ctx.event.ts, null);
    return [
      {
        observed: { label: 'command', value: command, display: quote(command) },
        test: { kind: 'fact', fact: `command class ${cls} is risky`, holds: true },
        baseline,
        eventIds: [ctx.event.id],
        at: ctx.event.ts,
        facts: {
          commandClass: cls,
          target: targetOf(ctx),
          protocol: ctx.event.protocol ?? null,
          interactive: ctx.event.interactive ?? null,
          seenBefore: baseline.stats.seen,
        },
      },
    ];
  },
  holds: (e) => factHolds(e) && RISKY_COMMAND_CLASSES.has(e.facts['commandClass'] as CommandClass),
  explain(e) {
    const s = e.baseline.stats;
    const via = e.facts['protocol'] === null ? '' : ` over ${String(e.facts['protocol']).toUpperCase()}`;
    const before = s.seen ? `this user has run ${formatNumber(s.count)} such commands before (decayed count)` : 'this user never ran one before';
    return `${describeClass(e.facts['commandClass'] as string)} on ${e.facts['target']}${via}: ${e.observed.display}; ${before}`;
  },
});

export const newCommandClass = defineEventIndicator<CategoricalEvidence>({
  id: 'new-command-class',
  family: 'privileged',
  title: 'Command class new to the user',
  description:
    "A command of a class the user has never run (p-value of novelty of command classes under a Beta(1,1) prior on the decayed share of their commands that brought a new class), and not common among their peers ((k + 1) / (n + 2) of the peers have used it at most maxPeerShare, when the group has at least minPeers).",
  dataSources: ['process'],
  anchorScore: 20,
  test: { kind: 'p-value', threshold: 0.05 },
  basis: 'user',
  exfiltration: false,
  params: { minPeers: 5, maxPeerShare: 0.2 },
  collect(ctx, self: IndicatorMeta) {
    const command = ctx.event.command;
    if (command === undefined) return [];
    const cls = classifyCommand(command);
    const commands = ctx.profile.categorical.commands;
    if (commands.entries.has(cls)) return [];
    const p = noveltyProbability(commands, scaleAt(ctx.profile, ctx.event.ts));
    const group = ctx.peerGroup ?? null;
    const used = group?.commandClasses;
    const peersUsed = group === null || used === undefined ? null : (used.get(cls) ?? 0);
    const peers = peersUsed === null || group === null ? null : group.size;
    return [
      {
        observed: { label: 'command class', value: cls, display: `${cls} (${quote(command)})` },
        test: { kind: 'p-value', pValue: p, threshold: thresholdOf(self) },
        baseline: categoricalBaseline(ctx.profile, 'commands', cls, ctx.event.ts, p),
        eventIds: [ctx.event.id],
        at: ctx.event.ts,
        ...(group === null || peers === null ? {} : { peer: peerOf(group) }),
        facts: {
          commandClass: cls,
          target: targetOf(ctx),
          seenBefore: false,
          peersUsed,
          peers,
          peerShare: peersUsed === null || peers === null ? null : round((peersUsed + 1) / (peers + 2)),
          minPeers: param(self, 'minPeers'),
          maxPeerShare: param(self, 'maxPeerShare'),
        },
      },
    ];
  },
  holds(e) {
    if (!pValueHolds(e) || e.facts['seenBefore'] !== false) return false;
    const peers = e.facts['peers'];
    const share = e.facts['peerShare'];
    // Peers count only when there are enough of them; then the class must be uncommon among them.
    if (typeof peers !== 'number' || typeof share !== 'number' || peers < (e.facts['minPeers'] as number)) return true;
    return share <= (e.facts['maxPeerShare'] as number);
  },
  explain(e) {
    const s = e.baseline.stats;
    const p = e.test.kind === 'p-value' ? e.test.pValue : Number.NaN;
    const peers = e.facts['peers'];
    const peerText =
      typeof peers === 'number' && peers >= (e.facts['minPeers'] as number)
        ? `; ${e.facts['peersUsed']} of ${peers} peers in '${e.peer?.name ?? 'the peer group'}' ${e.facts['peersUsed'] === 1 ? 'has' : 'have'} run one`
        : '';
    return `first command of class ${e.observed.display} on ${e.facts['target']}, ${describeClass(e.facts['commandClass'] as string)}: not among the ${s.distinct} command classes of this user (${formatNumber(s.total)} decayed commands); a new class is this likely for them: ${formatP(p)}${peerText}`;
  },
});

export const unusualSecretAccess = defineEventIndicator<CategoricalEvidence>({
  id: 'unusual-secret-access',
  family: 'privileged',
  title: 'Secret checked out outside the usual pattern',
  description:
    "The user checks out a vault secret they never checked out before, that few of their peers check out ((k + 1) / (n + 2) of at least minPeers peers; without a usable peer group, the user's own novelty p-value of secrets), and their checkouts seldom bring new secrets (novelty rate at most maxUserNovelty).",
  dataSources: ['vault'],
  anchorScore: 25,
  test: { kind: 'p-value', threshold: 0.1 },
  basis: 'user',
  exfiltration: false,
  params: { minPeers: 5, maxUserNovelty: 0.25 },
  collect(ctx, self: IndicatorMeta) {
    const secret = ctx.event.secretId;
    if (secret === undefined) return [];
    const secrets = ctx.profile.categorical.secrets;
    if (secrets.entries.has(secret)) return [];
    const userP = noveltyProbability(secrets, scaleAt(ctx.profile, ctx.event.ts));
    const group = ctx.peerGroup ?? null;
    const minPeers = param(self, 'minPeers');
    const usable = group !== null && group.size >= minPeers;
    const accessedBy = group === null ? null : (group.accessedBy.get(entityKey({ type: 'Asset', id: secret })) ?? 0);
    const peerP = usable && accessedBy !== null ? (accessedBy + 1) / (group.size + 2) : null;
    return [
      {
        observed: { label: 'secret', value: secret, display: secret },
        test: { kind: 'p-value', pValue: peerP ?? userP, threshold: thresholdOf(self) },
        baseline: categoricalBaseline(ctx.profile, 'secrets', secret, ctx.event.ts, userP),
        eventIds: [ctx.event.id],
        at: ctx.event.ts,
        ...(group === null ? {} : { peer: peerOf(group) }),
        facts: {
          seenBefore: false,
          userNovelty: round(userP),
          maxUserNovelty: param(self, 'maxUserNovelty'),
          peersCheckedOut: accessedBy,
          peers: group === null ? null : group.size,
          testedAgainst: peerP === null ? 'user' : 'peers',
          app: ctx.event.app ?? null,
        },
      },
    ];
  },
  holds: (e) => pValueHolds(e) && e.facts['seenBefore'] === false && (e.facts['userNovelty'] as number) <= (e.facts['maxUserNovelty'] as number),
  explain(e) {
    const s = e.baseline.stats;
    const p = e.test.kind === 'p-value' ? e.test.pValue : Number.NaN;
    const own = `never checked out by this user before (${s.distinct} secrets in their baseline, ${formatNumber(s.total)} decayed checkouts; a new secret is this likely for them: ${formatP(e.facts['userNovelty'] as number)})`;
    const peers =
      e.facts['testedAgainst'] === 'peers'
        ? `; ${e.facts['peersCheckedOut']} of ${e.facts['peers']} peers in '${e.peer?.name ?? 'the peer group'}' check it out (${formatP(p)})`
        : '';
    return `checkout of secret ${e.observed.display}: ${own}${peers}`;
  },
});

/** P(X ≥ k) for X ~ Binomial(n, p), by the recurrence pmf(i + 1) = pmf(i) · (n − i)/(i + 1) · p/(1 − p). */
function binomialTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n || p <= 0) return 0;
  if (p >= 1) return 1;
  let pmf = Math.pow(1 - p, n);
  let tail = 0;
  for (let i = 0; i <= n; i++) {
    if (i >= k) tail += pmf;
    pmf *= ((n - i) / (i + 1)) * (p / (1 - p));
  }
  return Math.min(1, tail);
}

export const secretCheckoutBurst = defineSessionIndicator<CategoricalEvidence>({
  id: 'secret-checkout-burst',
  family: 'privileged',
  title: 'Burst of checkouts of secrets new to the user',
  description:
    "A session checks out at least minNovel distinct vault secrets the user never checked out before, more than their novelty rate of secrets explains (binomial upper-tail p-value over the distinct secrets of the session, the rate floored at floorRate).",
  dataSources: ['vault'],
  anchorScore: 30,
  test: { kind: 'p-value', threshold: 0.001 },
  basis: 'user',
  exfiltration: false,
  params: { minNovel: 3, floorRate: 0.02 },
  collect(ctx, self: IndicatorMeta) {
    const f = ctx.features;
    const k = f.novelSecrets.length;
    if (k === 0) return [];
    const n = Math.max(k, f.secrets.length);
    const secrets = ctx.profile.categorical.secrets;
    const rate = Math.min(1, Math.max(param(self, 'floorRate'), noveltyProbability(secrets, scaleAt(ctx.profile, f.last))));
    const eventIds = f.secrets.flatMap((s, i) => (f.novelSecrets.includes(s) && f.secretEvents[i] !== undefined ? [f.secretEvents[i]!] : []));
    return [
      {
        observed: { label: 'secrets new to the user in session', value: k, display: `${k} of ${n} secrets new to this user` },
        test: { kind: 'p-value', pValue: binomialTail(k, n, rate), threshold: thresholdOf(self) },
        baseline: categoricalBaseline(ctx.profile, 'secrets', f.novelSecrets[0]!, f.last, rate),
        eventIds: eventIds.slice(0, 20),
        at: f.last,
        facts: { novel: k, distinct: n, checkouts: f.secretCheckouts, noveltyRate: round(rate), minNovel: param(self, 'minNovel'), secrets: formatList(f.novelSecrets, 6) },
      },
    ];
  },
  holds: (e, self) => pValueHolds(e) && (e.facts['novel'] as number) >= param(self, 'minNovel'),
  explain(e) {
    const p = e.test.kind === 'p-value' ? e.test.pValue : Number.NaN;
    return `${e.observed.display} checked out in one session (${e.facts['secrets']}; ${e.facts['checkouts']} checkouts in all); with this user's novelty rate of secrets ${formatNumber(e.facts['noveltyRate'] as number)} about ${formatNumber((e.facts['distinct'] as number) * (e.facts['noveltyRate'] as number))} were expected; this many or more: ${formatP(p)}`;
  },
});

type TemporalEvidence = Evidence<Extract<Baseline, { kind: 'temporal' }>>;

const pad = (n: number): string => String(n).padStart(2, '0');

export const secretCheckoutUnusualHour = defineEventIndicator<TemporalEvidence>({
  id: 'secret-checkout-unusual-hour',
  family: 'privileged',
  title: 'Secret checked out at an unusual hour',
  description:
    "A vault secret is checked out in a local hour of day in which the user is rarely active: exact p-value of the hour under their decayed hour-of-day distribution (smoothed over neighbouring hours, one-observation Dirichlet prior), tested on every checkout rather than only at session starts.",
  dataSources: ['vault'],
  anchorScore: 15,
  test: { kind: 'p-value', threshold: 0.01 },
  basis: 'user',
  exfiltration: false,
  params: {},
  collect(ctx, self: IndicatorMeta) {
    const secret = ctx.event.secretId;
    if (secret === undefined) return [];
    const p = ctx.profile;
    const t = p.temporal;
    const scale = scaleAt(p, ctx.event.ts);
    const { hour } = localTime(ctx.event.ts, p.tzOffsetMinutes);
    const dist = hourDistribution(t, scale);
    const local = new Date(ctx.event.ts + p.tzOffsetMinutes * 60_000);
    return [
      {
        observed: { label: 'local time of checkout', value: hour, display: `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}` },
        test: { kind: 'p-value', pValue: outcomePValue(dist, hour), threshold: thresholdOf(self) },
        baseline: {
          kind: 'temporal',
          part: 'hour',
          tzOffsetMinutes: p.tzOffsetMinutes,
          counts: t.hours.map((w) => round(w * scale)),
          probability: round(dist[hour]!),
          total: round(t.total * scale),
          halfLifeDays: p.clock.halfLifeMs / DAY_MS,
        },
        eventIds: [ctx.event.id],
        at: ctx.event.ts,
        facts: { hour, secret },
      },
    ];
  },
  holds: (e) => pValueHolds(e),
  explain(e) {
    const b = e.baseline;
    const hour = e.facts['hour'] as number;
    const p = e.test.kind === 'p-value' ? e.test.pValue : Number.NaN;
    return `secret ${e.facts['secret']} checked out at ${e.observed.display} local time: ${formatNumber(b.counts[hour] ?? 0)} of ${formatNumber(b.total)} decayed events of this user fell in ${pad(hour)}:00–${pad(hour)}:59; hours this quiet or quieter hold ${formatP(p)} of their activity`;
  },
});

function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(4)) : x;
}
