/**
 * The indicator catalogue: a frozen array of every indicator, in family order, and the one way
 * to change it — `configureIndicators` — which returns a new frozen array with indicators
 * disabled, anchor scores or thresholds changed. Configuration is validated whole: every
 * problem is listed at once (an unknown id, a threshold on a fact, a parameter the indicator
 * does not have), so an operator fixes a config file in one go.
 */
import {
  firstApplicationAccess,
  firstAssetAccess,
  firstDeviceAccess,
  otherUsersDevice,
  rareApplicationAccess,
  rareAssetAccess,
  rareDeviceAccess,
} from './access.indicator.ts';
import { privilegedAccountInteractive, serviceAccountFirstInteractive, serviceAccountInteractive } from './account.indicator.ts';
import { failedLogonBurst, successAfterFailedBurst } from './authentication.indicator.ts';
import { dgaDomain } from './dga.indicator.ts';
import { activityAfterTermination, departingEmployeeActivity, preDepartureRise, departureWindow } from './hr.indicator.ts';
import { INDICATOR_FAMILIES, type Indicator } from './indicator.ts';
import { deviceVelocity, lateralMovementBurst, novelAssetBurst } from './lateral-movement.indicator.ts';
import { impossibleTravel, newCity, newCountry, newSourceNetwork } from './location.indicator.ts';
import {
  peerDownloadOutlier,
  peerExternalEmailOutlier,
  peerRareApplication,
  peerRareAsset,
  peerUnseenApplication,
  peerUnseenAsset,
  peerUnseenDevice,
  peerUploadOutlier,
  peerUsbCopyOutlier,
} from './peer-group.indicator.ts';
import {
  newCommandClass,
  riskyCommand,
  secretCheckoutBurst,
  secretCheckoutUnusualHour,
  unusualSecretAccess,
} from './privileged.indicator.ts';
import { malwareOnDevice, threatIntelDomain, threatIntelIp } from './threat-intel.indicator.ts';
import { afterHoursOnset, newStartHourBand, unusualDay, unusualHour, weekendWork } from './time.indicator.ts';
import {
  downloadVolumeOutlier,
  externalEmailAttachmentOutlier,
  uploadVolumeOutlier,
  usbCopyOutlier,
} from './volume.indicator.ts';

export const INDICATORS: readonly Indicator[] = Object.freeze([
  firstAssetAccess,
  firstApplicationAccess,
  firstDeviceAccess,
  rareAssetAccess,
  rareApplicationAccess,
  rareDeviceAccess,
  otherUsersDevice,
  peerUnseenAsset,
  peerUnseenApplication,
  peerUnseenDevice,
  peerRareAsset,
  peerRareApplication,
  peerDownloadOutlier,
  peerUploadOutlier,
  peerUsbCopyOutlier,
  peerExternalEmailOutlier,
  unusualHour,
  unusualDay,
  newStartHourBand,
  weekendWork,
  afterHoursOnset,
  newCountry,
  newCity,
  newSourceNetwork,
  impossibleTravel,
  downloadVolumeOutlier,
  uploadVolumeOutlier,
  usbCopyOutlier,
  externalEmailAttachmentOutlier,
  failedLogonBurst,
  successAfterFailedBurst,
  lateralMovementBurst,
  novelAssetBurst,
  deviceVelocity,
  threatIntelIp,
  threatIntelDomain,
  malwareOnDevice,
  dgaDomain,
  serviceAccountInteractive,
  privilegedAccountInteractive,
  departingEmployeeActivity,
  activityAfterTermination,
  // Privileged sessions and vault checkouts (issue 10).
  serviceAccountFirstInteractive,
  riskyCommand,
  newCommandClass,
  unusualSecretAccess,
  secretCheckoutUnusualHour,
  secretCheckoutBurst,
  preDepartureRise,
  departureWindow,
]);

/** Changes to one indicator. */
export interface IndicatorOverride {
  enabled?: boolean;
  /** 0–100. */
  anchorScore?: number;
  /** The p-value threshold, in (0, 1]; p-value indicators only. */
  threshold?: number;
  /** Other thresholds, by the names the indicator declares. */
  params?: Readonly<Record<string, number>>;
}

/** Indicator configuration (a JSON/YAML file, or the API): per-id overrides and disabled families. */
export interface IndicatorConfig {
  indicators?: Readonly<Record<string, IndicatorOverride>>;
  disabledFamilies?: readonly string[];
}

export class IndicatorConfigError extends Error {
  override readonly name = 'IndicatorConfigError';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid indicator configuration:\n- ${problems.join('\n- ')}`);
    this.problems = problems;
  }
}

/** Every problem with a configuration for `registry`; empty when it is valid. */
export function indicatorConfigProblems(registry: readonly Indicator[], config: IndicatorConfig): string[] {
  const problems: string[] = [];
  const byId = new Map(registry.map((i) => [i.id, i]));
  for (const family of config.disabledFamilies ?? []) {
    if (!(INDICATOR_FAMILIES as readonly string[]).includes(family)) {
      problems.push(`disabledFamilies: unknown family '${family}' (families: ${INDICATOR_FAMILIES.join(', ')})`);
    }
  }
  for (const [id, o] of Object.entries(config.indicators ?? {})) {
    const ind = byId.get(id);
    if (ind === undefined) {
      problems.push(`indicators.${id}: no such indicator`);
      continue;
    }
    if (o.enabled !== undefined && typeof o.enabled !== 'boolean') problems.push(`indicators.${id}.enabled: expected true or false`);
    if (o.anchorScore !== undefined && !(Number.isFinite(o.anchorScore) && o.anchorScore >= 0 && o.anchorScore <= 100)) {
      problems.push(`indicators.${id}.anchorScore: ${o.anchorScore} is not a number from 0 to 100`);
    }
    if (o.threshold !== undefined) {
      if (ind.test.kind !== 'p-value') problems.push(`indicators.${id}.threshold: a fact has no p-value threshold`);
      else if (!(Number.isFinite(o.threshold) && o.threshold > 0 && o.threshold <= 1)) {
        problems.push(`indicators.${id}.threshold: ${o.threshold} is not a probability in (0, 1]`);
      }
    }
    for (const [name, value] of Object.entries(o.params ?? {})) {
      if (!(name in ind.params)) {
        const known = Object.keys(ind.params);
        problems.push(`indicators.${id}.params.${name}: no such parameter (${known.length === 0 ? 'it has none' : `it has ${known.join(', ')}`})`);
      } else if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
        problems.push(`indicators.${id}.params.${name}: ${String(value)} is not a non-negative number`);
      }
    }
  }
  return problems;
}

/** A new frozen registry with the configuration applied; throws IndicatorConfigError listing every problem. */
export function configureIndicators(registry: readonly Indicator[], config: IndicatorConfig): readonly Indicator[] {
  const problems = indicatorConfigProblems(registry, config);
  if (problems.length > 0) throw new IndicatorConfigError(problems);
  const disabledFamilies = new Set(config.disabledFamilies ?? []);
  return Object.freeze(
    registry.map((ind): Indicator => {
      const o = config.indicators?.[ind.id];
      const enabled = (o?.enabled ?? ind.enabled) && !disabledFamilies.has(ind.family);
      if (o === undefined && enabled === ind.enabled) return ind;
      const test = ind.test.kind === 'p-value' && o?.threshold !== undefined ? { kind: 'p-value' as const, threshold: o.threshold } : ind.test;
      return Object.freeze({
        ...ind,
        enabled,
        anchorScore: o?.anchorScore ?? ind.anchorScore,
        test,
        params: Object.freeze({ ...ind.params, ...o?.params }),
      });
    }),
  );
}

/** The catalogue as the API lists it: metadata without the functions. */
export function indicatorCatalogue(registry: readonly Indicator[] = INDICATORS): Array<Omit<Indicator, 'collect' | 'holds' | 'explain'>> {
  return registry.map(({ collect: _c, holds: _h, explain: _e, ...meta }) => meta);
}
