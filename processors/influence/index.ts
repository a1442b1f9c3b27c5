/**
 * Influence: per-author state with idempotent updates, the 0-100 score and follower tier, and
 * PageRank over the rolling amplification graph. Pure computations; the plumbing keeps the state and
 * the edges (see docs/influence.md, "What the plumbing supplies").
 */

export {
  type AmplificationEdge,
  type AmplificationKind,
  amplificationEdges,
  authorKey,
  DAY_MS,
  EDGE_HALF_LIFE_MS,
  EDGE_WEIGHTS,
  EDGE_WINDOW_MS,
  type HandleResolver,
  handleKey,
  mentionedAccounts,
  type TimedEdge,
  type WindowOptions,
  windowEdges,
} from "./graph.js";
export {
  type Edge,
  EdgeList,
  normalisedRanks,
  PAGERANK_DEFAULTS,
  type PageRankOptions,
  type PageRankResult,
  pageRank,
  RANK_SATURATION,
  rankMap,
} from "./pagerank.js";
export {
  AMPLIFICATION_SATURATION,
  amplificationComponent,
  ENGAGEMENT_RATE_HALF,
  engagementComponent,
  engagementRate,
  FOLLOWER_PRIOR,
  type Influence,
  type InfluenceComponents,
  influenceOf,
  REACH_SATURATION_FOLLOWERS,
  reachComponent,
  TIERS,
  type Tier,
  tierOf,
  WEIGHTS,
} from "./score.js";
export {
  AMPLIFICATION_HALF_LIFE_MS,
  type Amplification,
  type AuthoredMention,
  amplificationAt,
  amplifierWeight,
  applyAmplification,
  applyAuthored,
  applyEngagement,
  type EngagementSnapshot,
  engagementTotal,
  type InfluenceState,
  MAX_TRACKED_POSTS,
  mergeAmplification,
  newAuthorState,
  type TrackedPost,
} from "./state.js";
