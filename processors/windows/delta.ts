/**
 * One window's change from a run of events: the measures of one (window, scope, platform,
 * sentiment, province) cell added by those events. Deltas are additive: ClickHouse sums them (and merges the
 * author sets), so any split of the events over deltas, instances or batches gives the same totals.
 */
import type { TaggedMention } from "../../schemas/types.generated.js";
import type { Scope, SentimentBucket } from "./scopes.js";

export interface WindowDelta {
  windowStart: number;
  scope: Scope;
  platform: string;
  sentiment: SentimentBucket;
  /** Two-digit province code of the mentions' place, "" for none (scopes.ts, provinceOf). */
  province: string;
  mentions: number;
  /** Sum of the authors' followers over mentions (an author mentioning twice counts twice). */
  reach: number;
  likes: number;
  shares: number;
  replies: number;
  views: number;
  sentimentScoreSum: number;
  /** Distinct authors and each one's largest follower count: distinct authors and distinct-author reach. */
  authorFollowers: Map<string, number>;
  firstEventTime: number;
  lastEventTime: number;
}

export function deltaKey(
  windowStart: number,
  scope: Scope,
  platform: string,
  sentiment: SentimentBucket,
  province: string,
): string {
  // A template, not an array joined: this runs for every scope of every aggregated mention.
  return `${windowStart}\u0001${scope.kind}\u0001${scope.id}\u0001${scope.agency}\u0001${platform}\u0001${sentiment}\u0001${province}`;
}

export function emptyDelta(
  windowStart: number,
  scope: Scope,
  platform: string,
  sentiment: SentimentBucket,
  province = "",
): WindowDelta {
  return {
    windowStart,
    scope,
    platform,
    sentiment,
    province,
    mentions: 0,
    reach: 0,
    likes: 0,
    shares: 0,
    replies: 0,
    views: 0,
    sentimentScoreSum: 0,
    authorFollowers: new Map(),
    firstEventTime: Number.POSITIVE_INFINITY,
    lastEventTime: Number.NEGATIVE_INFINITY,
  };
}

export function addMention(delta: WindowDelta, { mention, tags }: TaggedMention): void {
  const { author, engagement, eventTime } = mention;
  delta.mentions += 1;
  delta.reach += author.followers;
  delta.likes += engagement.likes;
  delta.shares += engagement.shares;
  delta.replies += engagement.replies;
  delta.views += engagement.views;
  delta.sentimentScoreSum += tags.sentiment?.score ?? 0;
  delta.authorFollowers.set(author.id, Math.max(delta.authorFollowers.get(author.id) ?? 0, author.followers));
  delta.firstEventTime = Math.min(delta.firstEventTime, eventTime);
  delta.lastEventTime = Math.max(delta.lastEventTime, eventTime);
}
