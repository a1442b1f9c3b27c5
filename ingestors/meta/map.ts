/**
 * Graph API items (poll answers and webhook changes) as Mentions and EngagementEvents. Shapes from
 * the Graph API reference (Page feed, Comment, IG Media, IG Comment) and the webhook references
 * (Page `feed` field; Instagram `comments` field).
 */
import { z } from "zod";
import type { EngagementEvent, Mention } from "../../schemas/types.generated.js";

const graphTime = z
  .string()
  .transform((text) => Date.parse(text))
  .refine((ms) => !Number.isNaN(ms), "expected an ISO 8601 time");
const from = z.object({ id: z.string(), name: z.string().optional(), username: z.string().optional() });
const count = z.number().int().min(0).optional();

export const facebookPost = z.object({
  id: z.string(),
  message: z.string().optional(),
  created_time: graphTime,
  from: from.optional(),
  permalink_url: z.string().optional(),
  shares: z.object({ count }).optional(),
  reactions: z.object({ summary: z.object({ total_count: count }) }).optional(),
  comments: z.object({ summary: z.object({ total_count: count }) }).optional(),
});

export const facebookComment = z.object({
  id: z.string(),
  message: z.string().optional(),
  created_time: graphTime,
  /** Absent unless the token's user can moderate the page. */
  from: from.optional(),
  parent: z.object({ id: z.string() }).optional(),
  permalink_url: z.string().optional(),
  like_count: count,
  comment_count: count,
});

export const instagramMedia = z.object({
  id: z.string(),
  caption: z.string().optional(),
  timestamp: graphTime,
  permalink: z.string().optional(),
  username: z.string().optional(),
  like_count: count,
  comments_count: count,
});

const instagramReply = z.object({
  id: z.string(),
  text: z.string(),
  timestamp: graphTime,
  username: z.string().optional(),
  from: from.optional(),
  like_count: count,
  parent_id: z.string().optional(),
});
export const instagramComment = instagramReply.extend({
  replies: z.object({ data: z.array(instagramReply) }).optional(),
});

/** A Page `feed` change (webhook). */
export const feedChange = z.object({
  item: z.string(),
  verb: z.string(),
  post_id: z.string().optional(),
  comment_id: z.string().optional(),
  parent_id: z.string().optional(),
  from: from.optional(),
  message: z.string().optional(),
  /** Epoch seconds. */
  created_time: z.number().optional(),
});

/** An Instagram `comments` or `live_comments` change (webhook). */
export const instagramCommentChange = z.object({
  id: z.string(),
  text: z.string(),
  from: from.optional(),
  media: z.object({ id: z.string() }),
  parent_id: z.string().optional(),
});

/** A post or comment the platform reports removed. */
export interface Removal {
  platform: "facebook" | "instagram";
  id: string;
  /** Meta's verb: `remove` or `hide`. */
  reason: string;
  /** Epoch ms. */
  at: number;
}

const ZERO = { likes: 0, shares: 0, replies: 0, views: 0, clicks: 0 };

interface Common {
  source: string;
  now: number;
}

function mention(
  common: Common,
  fields: Partial<Mention> & Pick<Mention, "platform" | "id" | "kind" | "text">,
): Mention {
  return {
    url: null,
    author: { id: "unknown", handle: "unknown", name: null, followers: 0, verified: false, location: null },
    lang: null,
    eventTime: common.now,
    ingestTime: common.now,
    parentId: null,
    rootId: null,
    hashtags: [],
    mentionedHandles: [],
    links: [],
    engagement: ZERO,
    source: common.source,
    ...fields,
  };
}

function author(who: z.infer<typeof from> | undefined, fallbackHandle?: string): Mention["author"] {
  const handle = who?.username ?? who?.name ?? fallbackHandle ?? who?.id ?? "unknown";
  return {
    id: who?.id ?? fallbackHandle ?? "unknown",
    handle,
    name: who?.name ?? null,
    followers: 0,
    verified: false,
    location: null,
  };
}

const facebookUrl = (postId: string, commentId?: string) =>
  `https://www.facebook.com/${postId}${commentId ? `?comment_id=${commentId}` : ""}`;

export function facebookPostCounts(post: z.infer<typeof facebookPost>) {
  return {
    ...ZERO,
    likes: post.reactions?.summary.total_count ?? 0,
    shares: post.shares?.count ?? 0,
    replies: post.comments?.summary.total_count ?? 0,
  };
}

export function fromFacebookPost(common: Common, post: z.infer<typeof facebookPost>): Mention {
  return mention(common, {
    platform: "facebook",
    id: post.id,
    kind: "post",
    url: post.permalink_url ?? facebookUrl(post.id),
    author: author(post.from),
    text: post.message ?? "",
    eventTime: post.created_time,
    engagement: facebookPostCounts(post),
  });
}

export function fromFacebookComment(common: Common, postId: string, comment: z.infer<typeof facebookComment>): Mention {
  return mention(common, {
    platform: "facebook",
    id: comment.id,
    kind: "comment",
    url: comment.permalink_url ?? facebookUrl(postId, comment.id),
    author: author(comment.from),
    text: comment.message ?? "",
    eventTime: comment.created_time,
    parentId: comment.parent?.id ?? postId,
    rootId: postId,
    engagement: { ...ZERO, likes: comment.like_count ?? 0, replies: comment.comment_count ?? 0 },
  });
}

export function instagramMediaCounts(media: z.infer<typeof instagramMedia>) {
  return { ...ZERO, likes: media.like_count ?? 0, replies: media.comments_count ?? 0 };
}

export function fromInstagramMedia(common: Common, media: z.infer<typeof instagramMedia>, account: string): Mention {
  return mention(common, {
    platform: "instagram",
    id: media.id,
    kind: "post",
    url: media.permalink ?? null,
    author: author(undefined, media.username ?? account),
    text: media.caption ?? "",
    eventTime: media.timestamp,
    engagement: instagramMediaCounts(media),
  });
}

export function fromInstagramComment(
  common: Common,
  mediaId: string,
  comment: z.infer<typeof instagramReply>,
): Mention {
  return mention(common, {
    platform: "instagram",
    id: comment.id,
    kind: "comment",
    author: author(comment.from ?? (comment.username ? { id: comment.username } : undefined), comment.username),
    text: comment.text,
    eventTime: comment.timestamp,
    parentId: comment.parent_id ?? mediaId,
    rootId: mediaId,
    engagement: { ...ZERO, likes: comment.like_count ?? 0 },
  });
}

export function engagementOf(
  source: string,
  platform: "facebook" | "instagram",
  postId: string,
  at: number,
  counts: typeof ZERO,
): EngagementEvent {
  return { platform, postId, eventTime: at, ...counts, source };
}

/** A post or comment whose text its author changed (webhook verb `edited`). */
export interface Edit {
  platform: "facebook";
  id: string;
  text: string;
  /** Epoch ms. */
  at: number;
}

/**
 * What one webhook change means: a Mention, a removal, an edit, or nothing Simak keeps
 * (reactions, unknown fields).
 */
export type ChangeOutcome = { mention: Mention } | { removal: Removal } | { edit: Edit } | { ignored: string };

const POST_ITEMS = new Set(["post", "status", "photo", "video", "share"]);

export function fromFeedChange(common: Common, change: z.infer<typeof feedChange>, entryTime: number): ChangeOutcome {
  const at = change.created_time !== undefined ? change.created_time * 1000 : entryTime;
  const isComment = change.item === "comment";
  const id = isComment ? change.comment_id : change.post_id;
  if (!isComment && !POST_ITEMS.has(change.item)) return { ignored: `item ${change.item}` };
  if (id === undefined) return { ignored: `${change.item} without an id` };
  if (change.verb === "remove" || change.verb === "hide")
    return { removal: { platform: "facebook", id, reason: change.verb, at } };
  if (change.verb !== "add" && change.verb !== "edited") return { ignored: `verb ${change.verb}` };
  if (!change.message) return { ignored: `${change.item} without text` };
  // An edit is not a second mention: the sink replaces the stored text (ingestors/meta/README.md).
  if (change.verb === "edited") return { edit: { platform: "facebook", id, text: change.message, at } };
  const postId = change.post_id ?? id;
  return {
    mention: mention(common, {
      platform: "facebook",
      id,
      kind: isComment ? "comment" : "post",
      url: isComment ? facebookUrl(postId, id) : facebookUrl(id),
      author: author(change.from),
      text: change.message,
      eventTime: at,
      parentId: isComment ? (change.parent_id ?? postId) : null,
      rootId: isComment ? postId : null,
    }),
  };
}

export function fromInstagramCommentChange(
  common: Common,
  change: z.infer<typeof instagramCommentChange>,
  entryTime: number,
): ChangeOutcome {
  return {
    mention: mention(common, {
      platform: "instagram",
      id: change.id,
      kind: "comment",
      author: author(change.from),
      text: change.text,
      eventTime: entryTime,
      parentId: change.parent_id ?? change.media.id,
      rootId: change.media.id,
    }),
  };
}
