/**
 * How engagement on a post grows. Each post gets final totals that scale with its author's
 * followers (times a random quality factor) and approaches them as 1 - exp(-t / growth); snapshots
 * read the curve at growing ages, so counts never decrease. Replies and shares that the stream
 * actually contains are a floor under the modelled counts.
 */
import type { EngagementCounts } from "../../schemas/types.generated.js";
import type { SimulatedPlatform } from "./platforms.js";
import type { Random } from "./random.js";

export interface EngagementCurve {
  /** Final totals, approached asymptotically. */
  likes: number;
  shares: number;
  replies: number;
  views: number;
  clicks: number;
  /** Time constant of the growth: 63% of the totals are reached at this age. */
  growthMs: number;
}

const MINUTE_MS = 60_000;

/** Ages at which a post's engagement is snapshotted. */
export const SNAPSHOT_AGES_MS: readonly number[] = [1, 5, 15, 60].map((minutes) => minutes * MINUTE_MS);

/** A viral post is watched closely: every minute for an hour, then less often. */
export const VIRAL_SNAPSHOT_AGES_MS: readonly number[] = [
  ...Array.from({ length: 60 }, (_, i) => (i + 1) * MINUTE_MS),
  90 * MINUTE_MS,
  120 * MINUTE_MS,
  180 * MINUTE_MS,
];

interface PlatformEngagement {
  /** Views per follower, plus views from outside the followers (feeds, search). */
  reach: number;
  baseViews: number;
  /** Likes per view, shares and replies per like. */
  likeRate: number;
  shareRate: number;
  replyRate: number;
  growthMinutes: number;
}

const PLATFORM_ENGAGEMENT: Readonly<Record<SimulatedPlatform, PlatformEngagement>> = {
  x: { reach: 0.15, baseViews: 30, likeRate: 0.02, shareRate: 0.15, replyRate: 0.1, growthMinutes: 20 },
  facebook: { reach: 0.06, baseViews: 20, likeRate: 0.03, shareRate: 0.1, replyRate: 0.12, growthMinutes: 40 },
  instagram: { reach: 0.25, baseViews: 40, likeRate: 0.05, shareRate: 0.05, replyRate: 0.05, growthMinutes: 40 },
  youtube: { reach: 0.3, baseViews: 50, likeRate: 0.03, shareRate: 0.02, replyRate: 0.08, growthMinutes: 120 },
  // The "for you" feed shows videos far beyond the followers.
  tiktok: { reach: 0.8, baseViews: 300, likeRate: 0.06, shareRate: 0.05, replyRate: 0.04, growthMinutes: 60 },
  news: { reach: 0.002, baseViews: 500, likeRate: 0.001, shareRate: 0.1, replyRate: 0.2, growthMinutes: 30 },
  forum: { reach: 2, baseViews: 50, likeRate: 0.01, shareRate: 0, replyRate: 0.3, growthMinutes: 120 },
};

/** Clicks per view on a post that carries a link. */
const LINK_CLICK_RATE = 0.02;

export function engagementCurve(
  platform: SimulatedPlatform,
  followers: number,
  hasLinks: boolean,
  random: Random,
): EngagementCurve {
  const p = PLATFORM_ENGAGEMENT[platform];
  const views = (followers * p.reach + p.baseViews) * random.logNormal(1, 1);
  const likes = views * p.likeRate * random.logNormal(1, 0.5);
  return {
    likes,
    shares: likes * p.shareRate,
    replies: likes * p.replyRate,
    views,
    clicks: hasLinks ? views * LINK_CLICK_RATE : 0,
    growthMs: p.growthMinutes * MINUTE_MS,
  };
}

/** A post that takes off: millions of views within the hour, whoever wrote it. */
export function viralEngagementCurve(random: Random): EngagementCurve {
  const views = 2_000_000 * random.logNormal(1, 0.3);
  const likes = views * 0.04;
  return { likes, shares: likes * 0.2, replies: likes * 0.1, views, clicks: 0, growthMs: 25 * MINUTE_MS };
}

/** Counts at `ageMs` after posting, never below the replies and shares observed so far. */
export function countsAt(
  curve: EngagementCurve,
  ageMs: number,
  observedShares: number,
  observedReplies: number,
): EngagementCounts {
  const reached = 1 - Math.exp(-Math.max(0, ageMs) / curve.growthMs);
  return {
    likes: Math.floor(curve.likes * reached),
    shares: Math.max(observedShares, Math.floor(curve.shares * reached)),
    replies: Math.max(observedReplies, Math.floor(curve.replies * reached)),
    views: Math.floor(curve.views * reached),
    clicks: Math.floor(curve.clicks * reached),
  };
}
