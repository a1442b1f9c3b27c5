/**
 * Virality of root posts, as pure computation: per-post state (plain JSON), idempotent updates from
 * engagement snapshots and cascade members, and an assessment relative to what the author's
 * audience predicts. No I/O; keeping the state (e.g. in Redis) is the caller's. See docs/virality.md.
 */
export {
  type AssessOptions,
  assessVirality,
  ENGAGEMENT_WEIGHTS,
  engagementAt,
  SCORE_MIDPOINT_Z,
  toViralityTag,
  VELOCITY_PSEUDOCOUNT,
  VIRAL_RULE,
  type ViralityAssessment,
  velocityAt,
  viralityReason,
  viralityScore,
  weightedEngagement,
} from "./assess.js";
export { CALIBRATION } from "./calibration.js";
export { VIRALITY_TTL_SECONDS, viralityKeys } from "./keys.js";
export {
  type Calibration,
  expectedAt60,
  expectedVelocity,
  growthShare,
  type PlatformModel,
  platformModel,
  WINDOW_MS,
} from "./model.js";
export {
  applyCascade,
  applyRoot,
  applySnapshot,
  type CascadeItem,
  type EngagementSnapshot,
  emptyPostState,
  HISTORY_MS,
  MAX_RECENT_MEMBER_IDS,
  newPostState,
  type PostVirality,
  STATE_VERSION,
} from "./state.js";
export { viralityTagger } from "./tagger.js";
