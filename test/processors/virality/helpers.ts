import type { EngagementEvent, Mention, Platform } from "../../../schemas/types.generated.js";

export const T0 = Date.UTC(2025, 5, 2, 3, 0, 0);
export const MIN = 60_000;

export function rootMention(
  followers: number,
  options: { platform?: Platform; id?: string; eventTime?: number; ingestTime?: number } = {},
): Mention {
  const eventTime = options.eventTime ?? T0;
  return {
    platform: options.platform ?? "x",
    id: options.id ?? "p1",
    kind: "post",
    url: null,
    author: { id: "a1", handle: "someone", name: null, followers, verified: false },
    text: "antrean vaksin lama bgt",
    lang: "id",
    eventTime,
    ingestTime: options.ingestTime ?? eventTime,
    parentId: null,
    rootId: null,
    hashtags: [],
    mentionedHandles: [],
    links: [],
    engagement: { likes: 0, shares: 0, replies: 0, views: 0, clicks: 0 },
    source: "test",
  };
}

/** A snapshot `minutes` after T0 (or at `t` when given as an absolute time). */
export function snapshot(
  minutes: number,
  counts: { likes?: number; shares?: number; replies?: number; views?: number; clicks?: number },
  options: { platform?: Platform; postId?: string } = {},
): EngagementEvent {
  return {
    platform: options.platform ?? "x",
    postId: options.postId ?? "p1",
    eventTime: T0 + minutes * MIN,
    likes: counts.likes ?? 0,
    shares: counts.shares ?? 0,
    replies: counts.replies ?? 0,
    views: counts.views ?? 0,
    clicks: counts.clicks ?? 0,
    source: "test",
  };
}
