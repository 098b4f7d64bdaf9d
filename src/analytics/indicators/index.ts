/** The indicators' public surface: what the pipeline, fusion, the API and the config loader call. */
export { activeIndicators, evaluateEvent, evaluateSession, isActive, resolveContext } from './evaluate.ts';
export {
  configureIndicators,
  type IndicatorConfig,
  IndicatorConfigError,
  indicatorCatalogue,
  indicatorConfigProblems,
  type IndicatorOverride,
  INDICATORS,
} from './registry.ts';
export {
  type AccountInfo,
  type AccountType,
  ACCOUNT_TYPES,
  classifyAccount,
  DATA_SOURCES,
  type DataSource,
  dataSourcesOf,
  type EventContext,
  type HrStatus,
  type IndicatorContext,
  type MalwareFact,
  noteSources,
  type PeerFeatureStats,
  type PeerGroupSummary,
  type SessionContext,
  type SessionSummary,
  summarisePeerFeature,
  type ThreatIntel,
} from './context.ts';
export {
  type Amplifier,
  AMPLIFIERS,
  type Baseline,
  type Evidence,
  type Finding,
  type Indicator,
  INDICATOR_FAMILIES,
  type IndicatorFamily,
  type IndicatorMeta,
  TEST_KINDS,
} from './indicator.ts';
export { departingStatus, terminationCutoff } from './hr.indicator.ts';
