/**
 * Per-session numeric features, accumulated event by event while a session is open and folded
 * into the user's histograms when it closes. The sessionizer's Session counts events; this adds
 * what the volume and lateral-movement indicators need (USB copies, mail to external domains,
 * distinct assets) and remembers the events that contributed most, for the evidence.
 */
import type { NormalizedEvent } from '../../events/event.ts';
import type { NumericFeature } from './histogram.profile.ts';

/** Session features that feed histograms (failed logons per hour are kept per clock hour). */
export const SESSION_FEATURES = [
  'bytes-in',
  'bytes-out',
  'usb-files',
  'external-attachment-bytes',
  'distinct-assets',
] as const satisfies readonly NumericFeature[];
export type SessionFeature = (typeof SESSION_FEATURES)[number];

/**
 * Distinct assets remembered per session. The count goes on past it, but an asset first seen
 * after the list is full is counted again when it repeats: beyond 64 distinct assets a session
 * is a lateral-movement burst whatever the exact number.
 */
export const MAX_SESSION_ASSETS = 64;
/** Contributing event ids kept per feature. */
export const MAX_CONTRIBUTORS = 5;

export interface SessionFeatures {
  sessionId: string;
  start: number;
  last: number;
  events: number;
  bytesIn: number;
  bytesOut: number;
  usbFiles: number;
  usbBytes: number;
  externalAttachmentBytes: number;
  externalEmails: number;
  /** Distinct assets (destination hosts, not web domains), first-seen order, bounded. */
  assets: string[];
  distinctAssets: number;
  /** Assets the user reached for the first time in this session (absent from their baseline then), bounded. */
  novelAssets: string[];
  /** The events of those first accesses, bounded. */
  novelAssetEvents: string[];
  failures: number;
  /** Vault secret checkouts in the session (`secret_access` events). */
  secretCheckouts: number;
  /** Distinct secrets checked out, first-checkout order, bounded by MAX_SESSION_ASSETS. */
  secrets: string[];
  /** Those new to the user's baseline at the time, bounded. */
  novelSecrets: string[];
  /** The first checkout event of each secret in `secrets`, bounded. */
  secretEvents: string[];
  /** Per feature, the events that contributed most: [event id, amount], largest first. */
  contributors: Record<SessionFeature, Array<[string, number]>>;
}

export function createSessionFeatures(sessionId: string, ts: number): SessionFeatures {
  return {
    sessionId,
    start: ts,
    last: ts,
    events: 0,
    bytesIn: 0,
    bytesOut: 0,
    usbFiles: 0,
    usbBytes: 0,
    externalAttachmentBytes: 0,
    externalEmails: 0,
    assets: [],
    distinctAssets: 0,
    novelAssets: [],
    novelAssetEvents: [],
    failures: 0,
    secretCheckouts: 0,
    secrets: [],
    novelSecrets: [],
    secretEvents: [],
    contributors: {
      'bytes-in': [],
      'bytes-out': [],
      'usb-files': [],
      'external-attachment-bytes': [],
      'distinct-assets': [],
    },
  };
}

/** Whether an e-mail address is outside every internal domain (a domain or any subdomain of one). */
export function isExternalAddress(address: string, internalDomains: readonly string[]): boolean {
  const at = address.lastIndexOf('@');
  const domain = (at < 0 ? address : address.slice(at + 1)).toLowerCase();
  return !internalDomains.some((d) => domainMatches(domain, d.toLowerCase()));
}

/** `domain` equals `parent` or is a subdomain of it. */
export function domainMatches(domain: string, parent: string): boolean {
  return domain === parent || domain.endsWith(`.${parent}`);
}

/** A removable-media copy (ECS `file_copy`; CERT maps copies to removable media to it). */
export function isUsbCopy(event: NormalizedEvent): boolean {
  return event.category === 'file' && event.action === 'file_copy';
}

/** Notes that the event reached an asset new to the user (the profile knows; call before it learns the event). */
export function addNovelAsset(f: SessionFeatures, asset: string, eventId: string): void {
  if (f.novelAssets.includes(asset) || f.novelAssets.length >= MAX_SESSION_ASSETS) return;
  f.novelAssets.push(asset);
  if (f.novelAssetEvents.length < 4 * MAX_CONTRIBUTORS) f.novelAssetEvents.push(eventId);
}

/** Notes a secret checkout; `novel` when the secret is new to the user (call before the profile learns it). */
export function addSecretCheckout(f: SessionFeatures, secret: string, eventId: string, novel: boolean): void {
  f.secretCheckouts += 1;
  if (f.secrets.includes(secret) || f.secrets.length >= MAX_SESSION_ASSETS) return;
  f.secrets.push(secret);
  f.secretEvents.push(eventId);
  if (novel) f.novelSecrets.push(secret);
}

/** Adds one event to the session's features. */
export function addToSessionFeatures(f: SessionFeatures, event: NormalizedEvent, internalDomains: readonly string[]): void {
  f.events += 1;
  if (event.ts < f.start) f.start = event.ts;
  if (event.ts > f.last) f.last = event.ts;
  if (event.outcome === 'failure') f.failures += 1;
  const bytesIn = event.bytesIn ?? 0;
  const bytesOut = event.bytesOut ?? 0;
  f.bytesIn += bytesIn;
  f.bytesOut += bytesOut;
  contribute(f, 'bytes-in', event.id, bytesIn);
  contribute(f, 'bytes-out', event.id, bytesOut);
  if (isUsbCopy(event)) {
    f.usbFiles += 1;
    f.usbBytes += event.fileSize ?? 0;
    contribute(f, 'usb-files', event.id, event.fileSize ?? 1);
  }
  if (event.category === 'email' && event.action === 'email_send' && event.emailTo !== undefined) {
    const external = event.emailTo.some((to) => isExternalAddress(to, internalDomains));
    if (external) {
      f.externalEmails += 1;
      const bytes = event.attachmentBytes ?? 0;
      f.externalAttachmentBytes += bytes;
      contribute(f, 'external-attachment-bytes', event.id, bytes);
    }
  }
  if (event.asset !== undefined && !f.assets.includes(event.asset)) {
    f.distinctAssets += 1;
    if (f.assets.length < MAX_SESSION_ASSETS) f.assets.push(event.asset);
    // The first assets reached are the evidence of a burst; later ones add nothing new.
    if (f.contributors['distinct-assets'].length < MAX_CONTRIBUTORS) f.contributors['distinct-assets'].push([event.id, 1]);
  }
}

/** Keeps the MAX_CONTRIBUTORS largest contributions, largest first (ties: earlier first). */
function contribute(f: SessionFeatures, feature: Exclude<SessionFeature, 'distinct-assets'>, id: string, amount: number): void {
  if (amount <= 0) return;
  const list = f.contributors[feature];
  if (list.length === MAX_CONTRIBUTORS && list[list.length - 1]![1] >= amount) return;
  let at = list.length;
  while (at > 0 && list[at - 1]![1] < amount) at--;
  list.splice(at, 0, [id, amount]);
  if (list.length > MAX_CONTRIBUTORS) list.pop();
}

/** The histogram value of each session feature. */
export function sessionFeatureValues(f: SessionFeatures): Record<SessionFeature, number> {
  return {
    'bytes-in': f.bytesIn,
    'bytes-out': f.bytesOut,
    'usb-files': f.usbFiles,
    'external-attachment-bytes': f.externalAttachmentBytes,
    'distinct-assets': f.distinctAssets,
  };
}
