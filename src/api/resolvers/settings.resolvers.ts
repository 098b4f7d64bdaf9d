import type { EnforcementMode } from '../../analytics/maturity.ts';
import { decodeCursor, is, pageSize, toConnection } from '../connection.ts';
import type { ApiContext } from '../context.ts';
import { toDate } from '../models.ts';
import type { AnalysisSettingsView, ThreatIntelChange, ThreatIntelEntry, ThreatIntelKind } from '../ports.ts';
import type { ResolverMap } from '../schema.ts';

/** The GraphQL enum EnforcementMode and the analysis' mode names. */
type ModeName = 'LEARNING' | 'ENFORCEMENT';
const MODE_OF: Readonly<Record<ModeName, EnforcementMode>> = Object.freeze({ LEARNING: 'learning', ENFORCEMENT: 'enforcement' });
const MODE_NAME: Readonly<Record<EnforcementMode, ModeName>> = Object.freeze({ learning: 'LEARNING', enforcement: 'ENFORCEMENT' });

/** Values of a threat-intelligence change kept in its audit entry at most (a call may carry 100k). */
const AUDITED_VALUES = 100;

function settingsModel(view: AnalysisSettingsView) {
  return {
    mode: MODE_NAME[view.mode],
    version: view.version,
    updatedAt: toDate(view.updatedAt),
    updatedBy: view.updatedBy,
    disabledIndicatorFamilies: view.disabledFamilies,
  };
}

function changeModel(change: ThreatIntelChange) {
  return { ...change, settings: settingsModel(change.settings) };
}

function entryModel(entry: ThreatIntelEntry) {
  return { ...entry, addedAt: toDate(entry.addedAt) };
}

function auditedValues(values: readonly string[]) {
  return { count: values.length, values: values.slice(0, AUDITED_VALUES) };
}

export const settingsResolvers: ResolverMap = {
  Query: {
    settings: async (_: unknown, __: unknown, ctx: ApiContext) => settingsModel(await ctx.services.settings.view()),
    threatIntel: async (_: unknown, args: { kind: ThreatIntelKind; first?: number | null; after?: string | null }, ctx: ApiContext) => {
      const limit = pageSize(args.first);
      const after = decodeCursor(`threatIntel:${args.kind}`, args.after, is.string);
      const [entries, totalCount] = await Promise.all([
        ctx.services.settings.threatIntelPage(args.kind, after, limit + 1),
        ctx.services.settings.threatIntelCount(args.kind),
      ]);
      const connection = toConnection(entries, limit, `threatIntel:${args.kind}`, (e) => e.value, (e) => ({ node: entryModel(e) }));
      return { ...connection, totalCount };
    },
  },
  Mutation: {
    setEnforcementMode: {
      resolve: async (_: unknown, args: { mode: ModeName }, ctx: ApiContext) =>
        settingsModel(await ctx.services.settings.setMode(MODE_OF[args.mode], ctx.principal.id)),
      audit: (args: { mode: ModeName }, result?: { version: number }) => ({
        target: 'settings',
        details: { mode: args.mode, ...(result ? { version: result.version } : {}) },
      }),
    },
    setDisabledIndicatorFamilies: {
      resolve: async (_: unknown, args: { families?: string[] | null }, ctx: ApiContext) =>
        settingsModel(await ctx.services.settings.setDisabledFamilies(args.families ?? null, ctx.principal.id)),
      audit: (args: { families?: string[] | null }, result?: { version: number }) => ({
        target: 'settings',
        details: { families: args.families ?? null, ...(result ? { version: result.version } : {}) },
      }),
    },
    addThreatIntel: {
      resolve: async (_: unknown, args: { input: { kind: ThreatIntelKind; values: string[]; source: string } }, ctx: ApiContext) =>
        changeModel(await ctx.services.settings.addThreatIntel(args.input, ctx.principal.id)),
      audit: (args: { input: { kind: ThreatIntelKind; values: string[]; source: string } }, result?: { added: number; settings: { version: number } }) => ({
        target: `threatIntel:${args.input.kind}`,
        details: {
          source: args.input.source,
          ...auditedValues(args.input.values),
          ...(result ? { added: result.added, version: result.settings.version } : {}),
        },
      }),
    },
    removeThreatIntel: {
      resolve: async (_: unknown, args: { kind: ThreatIntelKind; values: string[] }, ctx: ApiContext) =>
        changeModel(await ctx.services.settings.removeThreatIntel(args.kind, args.values, ctx.principal.id)),
      audit: (args: { kind: ThreatIntelKind; values: string[] }, result?: { removed: number; settings: { version: number } }) => ({
        target: `threatIntel:${args.kind}`,
        details: { ...auditedValues(args.values), ...(result ? { removed: result.removed, version: result.settings.version } : {}) },
      }),
    },
  },
};
