import type { ResolverMap, TypeResolvers } from '../schema.ts';
import { adminResolvers } from './admin.resolvers.ts';
import { alertResolvers } from './alert.resolvers.ts';
import { contextInputResolvers } from './context-input.resolvers.ts';
import { entityResolvers } from './entity.resolvers.ts';
import { findingResolvers } from './finding.resolvers.ts';
import { hrResolvers } from './hr.resolvers.ts';
import { indicatorResolvers } from './indicator.resolvers.ts';
import { ingestResolvers } from './ingest.resolvers.ts';
import { peerGroupResolvers } from './peer-group.resolvers.ts';
import { riskResolvers } from './risk.resolvers.ts';
import { riskDecisionResolvers } from './risk-decision.resolvers.ts';
import { riskReplayResolvers } from './risk-replay.resolvers.ts';
import { sessionResolvers } from './session.resolvers.ts';
import { settingsResolvers } from './settings.resolvers.ts';

/** Every domain's resolvers, merged by type (a field defined twice is a programming error). */
export function allResolvers(): ResolverMap {
  const merged: Record<string, TypeResolvers> = {};
  for (const domain of [
    adminResolvers,
    alertResolvers,
    contextInputResolvers,
    entityResolvers,
    findingResolvers,
    hrResolvers,
    indicatorResolvers,
    ingestResolvers,
    peerGroupResolvers,
    riskResolvers,
    riskDecisionResolvers,
    riskReplayResolvers,
    sessionResolvers,
    settingsResolvers,
  ]) {
    for (const [type, fields] of Object.entries(domain)) {
      const target = (merged[type] ??= {});
      for (const [field, resolver] of Object.entries(fields)) {
        if (field in target) throw new Error(`${type}.${field} is resolved twice`);
        target[field] = resolver as TypeResolvers[string];
      }
    }
  }
  return merged as ResolverMap;
}
