/**
 * Peer-group deviation: access that no peer (or hardly any) has, and session volumes far above
 * the peers'. Peer groups come from the peer-group job (behaviour clusters of access vectors, or
 * HR groups); every finding reports the user's degree of membership so fusion can weigh it.
 *
 * Peer access tests only the user's own first access to an entity (a user's routine is the user
 * baseline's business). "Rare among peers" is tested by the posterior mean share of peers who
 * accessed the entity under a uniform prior, (k + 1) / (n + 2) (Laplace's rule of succession).
 *
 * Peer volume uses the robust z-score z = (x − median) / (1.4826 · MAD) over the peers' typical
 * session values (Rousseeuw and Croux 1993; 1.4826 makes the MAD consistent with a normal σ),
 * the MAD floored at a tenth of the median and at a unit-dependent minimum so that identical
 * peers do not make every difference infinite. A volume that is routine for the user's own
 * mature baseline (their tail p above userTail) is not flagged: a data engineer whose peers are
 * analysts is not exfiltrating every day.
 */
import { entityKey, type EntityType } from '../entities.ts';
import { assessMaturity } from '../maturity.ts';
import { FEATURE_SPECS } from '../profiles/histogram.profile.ts';
import { type SessionFeature, sessionFeatureValues } from '../profiles/session-features.ts';
import type { DataSource, EventContext, PeerGroupSummary, Resolved, SessionContext } from './context.ts';
import { ACCESS_FIELD, ACCESS_NOUN, type AccessKind, FEATURE_SOURCES, FEATURE_WORDING, userTail } from './evidence.ts';
import { formatNumber, formatP, formatValue } from './format.ts';
import {
  type Baseline,
  defineEventIndicator,
  defineSessionIndicator,
  type EventIndicator,
  type Evidence,
  type IndicatorMeta,
  param,
  type PeerEvidence,
  pValueHolds,
  type SessionIndicator,
  thresholdOf,
} from './indicator.ts';

export type PeerAccessEvidence = Evidence<Extract<Baseline, { kind: 'peer-access' }>>;
export type PeerFeatureEvidence = Evidence<Extract<Baseline, { kind: 'peer-feature' }>>;

const ENTITY_TYPE: Readonly<Record<AccessKind, EntityType>> = { assets: 'Asset', applications: 'Application', devices: 'Device' };
const SOURCES: Readonly<Record<AccessKind, readonly DataSource[]>> = {
  assets: ['network'],
  applications: ['network'],
  devices: ['authentication'],
};

export function peerEvidence(group: PeerGroupSummary): PeerEvidence {
  return { groupId: group.groupId, name: group.name ?? group.groupId, kind: group.kind, degree: group.degree, size: group.size };
}

function describeGroup(peer: PeerEvidence | undefined): string {
  if (peer === undefined) return 'the peer group';
  return `'${peer.name}' (${peer.kind} group, membership degree ${formatNumber(peer.degree)})`;
}

/** Candidate evidence for the user's first access to an entity, with the peers' count. */
function peerAccessCandidate(ctx: Resolved<EventContext>, kind: AccessKind): { key: string; group: PeerGroupSummary; accessedBy: number } | null {
  const key = ctx.event[ACCESS_FIELD[kind]];
  const group = ctx.peerGroup;
  if (key === undefined || group === undefined || group === null) return null;
  if (ctx.profile.categorical[kind].entries.has(key)) return null;
  const accessedBy = group.accessedBy.get(entityKey({ type: ENTITY_TYPE[kind], id: key })) ?? 0;
  return { key, group, accessedBy };
}

function peerUnseen(kind: AccessKind, anchorScore: number): EventIndicator<PeerAccessEvidence> {
  const noun = ACCESS_NOUN[kind];
  return defineEventIndicator<PeerAccessEvidence>({
    id: `peer-unseen-${noun.one}`,
    family: 'peer-group',
    title: `${noun.one[0]!.toUpperCase()}${noun.one.slice(1)} no peer has accessed`,
    description: `The user's first access to ${noun.one === 'asset' ? 'an' : 'a'} ${noun.one} that none of their peers has accessed (fact; the group must have at least minPeers members).`,
    dataSources: SOURCES[kind],
    anchorScore,
    test: { kind: 'fact' },
    basis: 'peers',
    exfiltration: false,
    params: { minPeers: 5 },
    collect(ctx, self: IndicatorMeta) {
      const c = peerAccessCandidate(ctx, kind);
      if (c === null) return [];
      const minPeers = param(self, 'minPeers');
      const holds = c.accessedBy === 0 && c.group.size >= minPeers;
      return [
        {
          observed: { label: noun.one, value: c.key, display: c.key },
          test: { kind: 'fact', fact: `none of ${c.group.size} peers has accessed it`, holds },
          baseline: { kind: 'peer-access', entity: c.key, accessedBy: c.accessedBy, peers: c.group.size },
          eventIds: [ctx.event.id],
          at: ctx.event.ts,
          peer: peerEvidence(c.group),
          facts: { accessedBy: c.accessedBy, peers: c.group.size, minPeers },
        },
      ];
    },
    holds: (e, self) => e.baseline.accessedBy === 0 && e.baseline.peers >= param(self, 'minPeers'),
    explain(e) {
      return `first access to ${noun.one} ${e.observed.display}; none of the ${e.baseline.peers} peers in ${describeGroup(e.peer)} has accessed it`;
    },
  });
}

function peerRare(kind: AccessKind, anchorScore: number): EventIndicator<PeerAccessEvidence> {
  const noun = ACCESS_NOUN[kind];
  return defineEventIndicator<PeerAccessEvidence>({
    id: `peer-rare-${noun.one}`,
    family: 'peer-group',
    title: `${noun.one[0]!.toUpperCase()}${noun.one.slice(1)} few peers have accessed`,
    description: `The user's first access to ${noun.one === 'asset' ? 'an' : 'a'} ${noun.one} that some, but few, of their peers have accessed: (k + 1) / (n + 2) at most the threshold, k of n peers.`,
    dataSources: SOURCES[kind],
    anchorScore,
    test: { kind: 'p-value', threshold: 0.1 },
    basis: 'peers',
    exfiltration: false,
    params: { minPeers: 5 },
    collect(ctx, self: IndicatorMeta) {
      const c = peerAccessCandidate(ctx, kind);
      if (c === null || c.accessedBy === 0) return [];
      const n = c.group.size;
      return [
        {
          observed: { label: noun.one, value: c.key, display: c.key },
          test: { kind: 'p-value', pValue: (c.accessedBy + 1) / (n + 2), threshold: thresholdOf(self) },
          baseline: { kind: 'peer-access', entity: c.key, accessedBy: c.accessedBy, peers: n },
          eventIds: [ctx.event.id],
          at: ctx.event.ts,
          peer: peerEvidence(c.group),
          facts: { accessedBy: c.accessedBy, peers: n, minPeers: param(self, 'minPeers') },
        },
      ];
    },
    holds: (e, self) => pValueHolds(e) && e.baseline.accessedBy >= 1 && e.baseline.peers >= param(self, 'minPeers'),
    explain(e) {
      const p = e.test.kind === 'p-value' ? e.test.pValue : Number.NaN;
      return `first access to ${noun.one} ${e.observed.display}; only ${e.baseline.accessedBy} of the ${e.baseline.peers} peers in ${describeGroup(e.peer)} ${e.baseline.accessedBy === 1 ? 'has' : 'have'} accessed it (${formatP(p)})`;
    },
  });
}

/** Floor of the MAD, raw units: 100 kB for volumes, one for counts. */
const MAD_FLOOR: Readonly<Record<'bytes' | 'count', number>> = { bytes: 100_000, count: 1 };

function peerVolume(
  id: string,
  feature: Exclude<SessionFeature, 'distinct-assets'>,
  title: string,
  anchorScore: number,
  minValue: number,
): SessionIndicator<PeerFeatureEvidence> {
  const wording = FEATURE_WORDING[feature];
  const unit = FEATURE_SPECS[feature].unit;
  return defineSessionIndicator<PeerFeatureEvidence>({
    id,
    family: 'peer-group',
    title,
    description: `The session's ${FEATURE_SPECS[feature].description} is far above the user's peers: robust z-score at least robustZ over the peers' median and MAD, at least ratio times the median and minValue, and not routine for the user's own mature baseline (their tail p at most userTail).`,
    dataSources: FEATURE_SOURCES[feature],
    anchorScore,
    test: { kind: 'fact' },
    basis: 'peers',
    exfiltration: true,
    params: { minPeers: 5, robustZ: 6, ratio: 10, minValue, userTail: 0.2 },
    collect(ctx: Resolved<SessionContext>, self: IndicatorMeta) {
      const group = ctx.peerGroup;
      const stats = group?.features[feature];
      const x = sessionFeatureValues(ctx.features)[feature];
      if (group === undefined || group === null || stats === undefined || x <= 0) return [];
      const at = ctx.features.last;
      const scale = 1.4826 * Math.max(stats.mad, 0.1 * stats.median, MAD_FLOOR[unit]);
      const z = (x - stats.median) / scale;
      const ratio = stats.median > 0 ? x / stats.median : null;
      const userP = userTail(ctx.profile, feature, x, at);
      const userMature = assessMaturity(ctx.profile, at, ctx.maturity).mature;
      const facts = {
        value: x,
        robustZ: round(z),
        ratio: ratio === null ? null : round(ratio),
        peers: stats.peers,
        userPValue: round(userP),
        userMature,
      };
      const holds = peerVolumeHolds(facts, self);
      return [
        {
          observed: { label: FEATURE_SPECS[feature].description, value: x, display: wording.display(x) },
          test: { kind: 'fact', fact: `robust z ${formatNumber(z)} above ${stats.peers} peers`, holds },
          baseline: { kind: 'peer-feature', feature, median: stats.median, mad: stats.mad, peers: stats.peers, robustZ: round(z) },
          eventIds: ctx.features.contributors[feature].map(([eventId]) => eventId),
          at,
          peer: peerEvidence(group),
          facts,
        },
      ];
    },
    holds: (e, self) => peerVolumeHolds(e.facts, self),
    explain(e) {
      const b = e.baseline;
      const ratio = e.facts['ratio'];
      const times = typeof ratio === 'number' ? `${formatNumber(ratio)}× the median, ` : '';
      const own =
        e.facts['userMature'] === true
          ? `; unusual for this user too (${formatP(e.facts['userPValue'] as number)})`
          : `; the user's own baseline is still learning (${formatP(e.facts['userPValue'] as number)})`;
      return `${wording.did(e.observed.display)} in one session; the ${b.peers} peers in ${describeGroup(e.peer)} have a median of ${formatValue(b.median, unit)} (MAD ${formatValue(b.mad, unit)}): ${times}robust z ${formatNumber(b.robustZ)}${own}`;
    },
  });
}

function peerVolumeHolds(facts: Evidence['facts'], self: IndicatorMeta): boolean {
  const ratio = facts['ratio'];
  return (
    (facts['peers'] as number) >= param(self, 'minPeers') &&
    (facts['robustZ'] as number) >= param(self, 'robustZ') &&
    (ratio === null || (ratio as number) >= param(self, 'ratio')) &&
    (facts['value'] as number) >= param(self, 'minValue') &&
    (facts['userMature'] !== true || (facts['userPValue'] as number) <= param(self, 'userTail'))
  );
}

function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(4)) : x;
}

export const peerUnseenAsset = peerUnseen('assets', 20);
export const peerUnseenApplication = peerUnseen('applications', 15);
export const peerUnseenDevice = peerUnseen('devices', 15);
export const peerRareAsset = peerRare('assets', 10);
export const peerRareApplication = peerRare('applications', 10);
export const peerDownloadOutlier = peerVolume('peer-download-outlier', 'bytes-in', 'Download volume far above peers', 20, 10_000_000);
export const peerUploadOutlier = peerVolume('peer-upload-outlier', 'bytes-out', 'Upload volume far above peers', 25, 10_000_000);
export const peerUsbCopyOutlier = peerVolume('peer-usb-copy-outlier', 'usb-files', 'Removable-media copying far above peers', 25, 5);
export const peerExternalEmailOutlier = peerVolume(
  'peer-external-email-outlier',
  'external-attachment-bytes',
  'External attachment volume far above peers',
  25,
  5_000_000,
);
