/** The profiles' public surface: what the pipeline, the checkpoint store and the periodic jobs call. */
export {
  CATEGORICAL_KINDS,
  type CategoricalKind,
  cityKey,
  createUserProfile,
  DEFAULT_CAPS,
  DEFAULT_PROFILE_OPTIONS,
  entityPairCount,
  failuresBetween,
  isAuthentication,
  isBehaviour,
  MAX_OPEN_SESSIONS,
  MAX_RECENT_FAILURES,
  observeEvent,
  type ObserveOptions,
  observeSession,
  type ProfileOptions,
  PROFILE_VERSION,
  recluster,
  scaleAt,
  setTimeZone,
  takeSessionFeatures,
  typicalSessionValue,
  type TzSource,
  type UserProfile,
} from './user-profile.ts';
export {
  cloneProfile,
  deserialize,
  deserializeFromString,
  ProfileFormatError,
  serialize,
  type SerializedProfile,
  serializeToString,
} from './profile.codec.ts';
export {
  estimateHeapBytes,
  estimateSerializedBytes,
  heapBytesPerPair,
  serializedBytesPerPair,
  measureSerializedBytes,
  profileSize,
  type ProfileSize,
} from './profile.size.ts';
export { DEFAULT_HALF_LIFE_DAYS, decayScale } from './forward-decay.ts';
export {
  FEATURE_SPECS,
  MAX_BINS,
  NUMERIC_FEATURES,
  type NumericFeature,
  SAMPLE_CAP,
  tailProbability,
} from './histogram.profile.ts';
export {
  isExternalAddress,
  SESSION_FEATURES,
  type SessionFeature,
  type SessionFeatures,
} from './session-features.ts';
export { greatCircleKm, type LastLocation, sourceNetwork } from './geo.ts';
