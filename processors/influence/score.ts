/**
 * The influence score (0-100) and the follower tier of an author, from its state and, when the
 * periodic PageRank has run, its normalised rank. Formulas and the reasons for them: docs/influence.md.
 */
import type { InfluenceTag } from "../../schemas/types.generated.js";
import { amplificationAt, type InfluenceState, type TrackedPost } from "./state.js";

export type Tier = "nano" | "micro" | "mid" | "macro" | "mega";

/**
 * Lower follower bound of each tier, highest first (the influencer-marketing convention:
 * nano < 10k, micro 10k-100k, mid-tier 100k-500k, macro 500k-1M, mega 1M+). A bound belongs to the
 * tier it starts: exactly 10 000 followers is micro.
 */
export const TIERS: readonly (readonly [Tier, number])[] = [
  ["mega", 1_000_000],
  ["macro", 500_000],
  ["mid", 100_000],
  ["micro", 10_000],
  ["nano", 0],
];

/** Followers at which reach reaches 1: log10(1 + followers) / log10(1 + 10^7). */
export const REACH_SATURATION_FOLLOWERS = 10_000_000;
/** Pseudo-followers added to the denominator of the engagement rate, so 5 likes from 10 followers is not 50%. */
export const FOLLOWER_PRIOR = 100;
/** Engagement rate (per post, per follower) that scores 0.5: rate / (rate + 0.03). */
export const ENGAGEMENT_RATE_HALF = 0.03;
/** Decayed amplification weight that scores 1: ln(1 + w) / ln(1 + 1000). */
export const AMPLIFICATION_SATURATION = 1000;

/** Weights of the components; without a PageRank value the other three are rescaled to sum to 1. */
export const WEIGHTS = { reach: 0.3, engagement: 0.2, amplification: 0.3, pagerank: 0.2 } as const;

export interface InfluenceComponents {
  /** Each in [0, 1]. */
  reach: number;
  engagement: number;
  amplification: number;
  /** Null when no PageRank value was given. */
  pagerank: number | null;
  /** Mean engagement per tracked post / (followers + FOLLOWER_PRIOR). */
  engagementRate: number;
  /** Decayed sum of the amplifiers' log10(1 + followers) at `now`. */
  amplificationWeight: number;
}

export interface Influence extends InfluenceTag {
  tier: Tier;
  components: InfluenceComponents;
}

export function tierOf(followers: number): Tier {
  for (const [tier, min] of TIERS) if (followers >= min) return tier;
  return "nano";
}

export function reachComponent(followers: number): number {
  return Math.min(1, Math.log10(1 + Math.max(0, followers)) / Math.log10(1 + REACH_SATURATION_FOLLOWERS));
}

export function engagementRate(state: InfluenceState): number {
  const posts = Object.values(state.posts) as TrackedPost[];
  if (posts.length === 0) return 0;
  let sum = 0;
  for (const post of posts) sum += post.total;
  return sum / posts.length / (state.followers + FOLLOWER_PRIOR);
}

export function engagementComponent(rate: number): number {
  return rate > 0 ? rate / (rate + ENGAGEMENT_RATE_HALF) : 0;
}

export function amplificationComponent(weight: number): number {
  return weight > 0 ? Math.min(1, Math.log1p(weight) / Math.log1p(AMPLIFICATION_SATURATION)) : 0;
}

/**
 * The author's influence: `score = 100 · Σ weight · component` (two decimals) over reach,
 * engagement, amplification and, if given, `pagerank` (the author's value from
 * `normalisedRanks`, in [0, 1]; an author missing from the graph has 0). `now` (default: the
 * state's lastSeen) is when amplification is read, after its decay.
 */
export function influenceOf(state: InfluenceState, pagerank?: number | null, now?: number): Influence {
  const rate = engagementRate(state);
  const amplificationWeight = amplificationAt(state, now ?? state.lastSeen ?? 0);
  const components: InfluenceComponents = {
    reach: reachComponent(state.followers),
    engagement: engagementComponent(rate),
    amplification: amplificationComponent(amplificationWeight),
    pagerank: pagerank === undefined || pagerank === null ? null : clamp01(pagerank),
    engagementRate: rate,
    amplificationWeight,
  };
  let sum = WEIGHTS.reach * components.reach;
  sum += WEIGHTS.engagement * components.engagement;
  sum += WEIGHTS.amplification * components.amplification;
  let weights = WEIGHTS.reach + WEIGHTS.engagement + WEIGHTS.amplification;
  if (components.pagerank !== null) {
    sum += WEIGHTS.pagerank * components.pagerank;
    weights += WEIGHTS.pagerank;
  }
  const score = Math.round((10_000 * sum) / weights) / 100;
  return { score, tier: tierOf(state.followers), components };
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
