/**
 * YouTube Data API v3 resources (Video, CommentThread, Comment, SearchResult) and channel feed
 * entries as Mentions and EngagementEvents. Statistics arrive as strings.
 */
import { z } from "zod";
import type { EngagementEvent, Mention } from "../../schemas/types.generated.js";

const time = z
  .string()
  .transform((text) => Date.parse(text))
  .refine((ms) => !Number.isNaN(ms), "expected an RFC 3339 time");
const countText = z.string().regex(/^\d+$/).transform(Number).optional();

export const video = z.object({
  id: z.string(),
  snippet: z
    .object({
      publishedAt: time,
      channelId: z.string(),
      channelTitle: z.string().optional(),
      title: z.string(),
      description: z.string().optional(),
      defaultAudioLanguage: z.string().optional(),
      tags: z.array(z.string()).optional(),
    })
    .optional(),
  statistics: z.object({ viewCount: countText, likeCount: countText, commentCount: countText }).optional(),
});

const commentSnippet = z.object({
  textOriginal: z.string(),
  authorDisplayName: z.string().optional(),
  authorChannelId: z.object({ value: z.string() }).optional(),
  likeCount: z.number().int().min(0).optional(),
  publishedAt: time,
  parentId: z.string().optional(),
  videoId: z.string().optional(),
});
export const comment = z.object({ id: z.string(), snippet: commentSnippet });

export const commentThread = z.object({
  id: z.string(),
  snippet: z.object({
    videoId: z.string(),
    topLevelComment: comment,
    totalReplyCount: z.number().int().min(0),
  }),
  replies: z.object({ comments: z.array(comment) }).optional(),
});

export const searchResult = z.object({
  id: z.object({ kind: z.string(), videoId: z.string() }),
  snippet: z.object({
    publishedAt: time,
    channelId: z.string(),
    channelTitle: z.string().optional(),
    title: z.string(),
    description: z.string().optional(),
  }),
});

export type Video = z.infer<typeof video>;
export type Comment = z.infer<typeof comment>;
export type SearchResult = z.infer<typeof searchResult>;

interface Common {
  source: string;
  now: number;
}

const watchUrl = (videoId: string, commentId?: string) =>
  `https://www.youtube.com/watch?v=${videoId}${commentId ? `&lc=${commentId}` : ""}`;

export function videoCounts(stats: Video["statistics"]) {
  return {
    likes: stats?.likeCount ?? 0,
    shares: 0,
    replies: stats?.commentCount ?? 0,
    views: stats?.viewCount ?? 0,
    clicks: 0,
  };
}

function base(common: Common): Omit<Mention, "id" | "kind" | "author" | "text" | "eventTime" | "url"> {
  return {
    platform: "youtube",
    lang: null,
    ingestTime: common.now,
    parentId: null,
    rootId: null,
    hashtags: [],
    mentionedHandles: [],
    links: [],
    engagement: { likes: 0, shares: 0, replies: 0, views: 0, clicks: 0 },
    source: common.source,
  };
}

const channelAuthor = (id: string, title: string | undefined): Mention["author"] => ({
  id,
  handle: title ?? id,
  name: title ?? null,
  followers: 0,
  verified: false,
  location: null,
});

const text = (title: string, description: string | undefined) =>
  [title, description ?? ""].filter((part) => part.trim() !== "").join("\n\n");

export function fromVideo(common: Common, item: Video & { snippet: NonNullable<Video["snippet"]> }): Mention {
  return {
    ...base(common),
    id: item.id,
    kind: "post",
    url: watchUrl(item.id),
    author: channelAuthor(item.snippet.channelId, item.snippet.channelTitle),
    text: text(item.snippet.title, item.snippet.description),
    lang: item.snippet.defaultAudioLanguage?.slice(0, 2).toLowerCase() ?? null,
    eventTime: item.snippet.publishedAt,
    hashtags: (item.snippet.tags ?? []).filter((tag) => tag.startsWith("#")).map((tag) => tag.slice(1)),
    engagement: videoCounts(item.statistics),
  };
}

export function fromSearchResult(common: Common, result: SearchResult, stats: Video["statistics"]): Mention {
  return {
    ...base(common),
    id: result.id.videoId,
    kind: "post",
    url: watchUrl(result.id.videoId),
    author: channelAuthor(result.snippet.channelId, result.snippet.channelTitle),
    text: text(result.snippet.title, result.snippet.description),
    eventTime: result.snippet.publishedAt,
    engagement: videoCounts(stats),
  };
}

/** A channel feed entry (no API key): title and description, no counts. */
export function fromFeedEntry(
  common: Common,
  entry: { videoId: string; title: string; summary: string; published: number },
  channelId: string,
  channelTitle: string,
): Mention {
  return {
    ...base(common),
    id: entry.videoId,
    kind: "post",
    url: watchUrl(entry.videoId),
    author: channelAuthor(channelId, channelTitle || undefined),
    text: text(entry.title, entry.summary),
    eventTime: entry.published,
  };
}

/** A top-level comment (`replies` its thread's reply count) or a reply (its `parentId` the thread). */
export function fromComment(common: Common, videoId: string, item: Comment, replies = 0): Mention {
  const handle = item.snippet.authorDisplayName?.replace(/^@/, "");
  return {
    ...base(common),
    id: item.id,
    kind: "comment",
    url: watchUrl(videoId, item.id),
    author: {
      id: item.snippet.authorChannelId?.value ?? handle ?? "unknown",
      handle: handle ?? "unknown",
      name: item.snippet.authorDisplayName ?? null,
      followers: 0,
      verified: false,
      location: null,
    },
    text: item.snippet.textOriginal,
    eventTime: item.snippet.publishedAt,
    parentId: item.snippet.parentId ?? videoId,
    rootId: videoId,
    engagement: { likes: item.snippet.likeCount ?? 0, shares: 0, replies, views: 0, clicks: 0 },
  };
}

export function videoEngagement(
  common: Common,
  videoId: string,
  counts: ReturnType<typeof videoCounts>,
): EngagementEvent {
  return { platform: "youtube", postId: videoId, eventTime: common.now, ...counts, source: common.source };
}
