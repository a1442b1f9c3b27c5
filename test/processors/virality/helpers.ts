import type { EngagementEvent, Mention, Platform } from "../../../schemas/types.generated.js";
import { postWith } from "../../fixtures/mentions.js";

export const T0 = Date.UTC(2025, 5, 2, 3, 0, 0);
export const MIN = 60_000;

export function rootMention(
  followers: number,
  options: { platform?: Platform; id?: string; eventTime?: number; ingestTime?: number } = {},
): Mention {
  const eventTime = options.eventTime ?? T0;
  return postWith({
    followers,
    platform: options.platform ?? "x",
    id: options.id ?? "p1",
    author: { id: "a1", handle: "someone", name: null, followers, verified: false, location: null },
    lang: "id",
    eventTime,
    ingestTime: options.ingestTime ?? eventTime,
  });
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
