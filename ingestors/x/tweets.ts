/**
 * X API v2 payloads (a stream line, a search page) and their mapping to Mentions. The shapes are
 * checked by hand rather than with zod: the stream's hot path maps every post (see bench/x.bench.ts).
 *
 * A post: `text` = note_tweet.text (a long post) or text; the author from `includes.users`
 * (username, name, followers, verified, location); `kind` from referenced_tweets (replied_to:
 * reply; retweeted or quoted: share; else post); parentId = the referenced post; rootId = the
 * conversation's first post, or the shared post; counts from public_metrics (likes, shares =
 * retweets + quotes, replies, views = impressions). X writes Indonesian as `in`: it becomes `id`.
 */
import type { EngagementCounts, Mention, MentionKind } from "../../schemas/types.generated.js";

export interface PublicMetrics {
  like_count?: number;
  retweet_count?: number;
  quote_count?: number;
  reply_count?: number;
  impression_count?: number;
}

export interface Tweet {
  id: string;
  text: string;
  created_at?: string;
  author_id?: string;
  conversation_id?: string;
  lang?: string;
  referenced_tweets?: { type: "replied_to" | "quoted" | "retweeted"; id: string }[];
  entities?: {
    hashtags?: { tag: string }[];
    mentions?: { username: string }[];
    urls?: { url: string; expanded_url?: string }[];
  };
  public_metrics?: PublicMetrics;
  note_tweet?: { text?: string };
  /** Every version's id, the first (original) first; a default field since X's edit button. */
  edit_history_tweet_ids?: string[];
}

export interface XUser {
  id: string;
  username: string;
  name?: string;
  verified?: boolean;
  location?: string;
  public_metrics?: { followers_count?: number };
}

export interface Includes {
  users?: XUser[];
  tweets?: Tweet[];
}

export const X_ERROR_CODES = {
  /** A body that is not JSON (an HTML error page), or JSON not shaped as documented. */
  badPayload: "X_BAD_PAYLOAD",
  /** An error object on the stream other than a disconnect notice. */
  streamError: "X_STREAM_ERROR",
  /** The stream, a search or the rules refused (4xx other than 429), with X's own text. */
  requestFailed: "X_REQUEST_FAILED",
  /** A rule X rejected, or a query too long to be a rule. */
  badRule: "X_BAD_RULE",
} as const;

/** The fields asked for on the stream and in searches. */
export const TWEET_QUERY = {
  "tweet.fields": "created_at,author_id,conversation_id,referenced_tweets,lang,entities,public_metrics,note_tweet",
  expansions: "author_id,referenced_tweets.id",
  "user.fields": "username,name,verified,location,public_metrics",
} as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** A post as documented, or the reason it is not (created_at is read by `eventTimeOf`). */
export function checkTweet(value: unknown): string | null {
  if (!isRecord(value)) return "the post is not an object";
  if (typeof value.id !== "string" || !/^\d+$/.test(value.id)) return "the post has no numeric string id";
  if (typeof value.text !== "string") return `post ${value.id} has no text`;
  if (typeof value.created_at !== "string") return `post ${value.id} has no created_at`;
  if (typeof value.author_id !== "string") return `post ${value.id} has no author_id`;
  if (value.referenced_tweets !== undefined && !Array.isArray(value.referenced_tweets))
    return `post ${value.id}: referenced_tweets is not a list`;
  if (value.public_metrics !== undefined && !isRecord(value.public_metrics))
    return `post ${value.id}: public_metrics is not an object`;
  return null;
}

export function readIncludes(value: unknown): Includes {
  if (!isRecord(value)) return {};
  return {
    users: Array.isArray(value.users) ? (value.users as XUser[]) : [],
    tweets: Array.isArray(value.tweets) ? (value.tweets as Tweet[]) : [],
  };
}

export function countsOf(metrics: PublicMetrics | undefined): EngagementCounts {
  return {
    likes: metrics?.like_count ?? 0,
    shares: (metrics?.retweet_count ?? 0) + (metrics?.quote_count ?? 0),
    replies: metrics?.reply_count ?? 0,
    views: metrics?.impression_count ?? 0,
    clicks: 0,
  };
}

/** The original post's id when `tweet` is a later version of an edited post, else null. */
export function editedFrom(tweet: Tweet): string | null {
  const history = tweet.edit_history_tweet_ids;
  if (!Array.isArray(history) || history.length < 2) return null;
  const original = history[0];
  return typeof original === "string" && original !== tweet.id && /^\d+$/.test(original) ? original : null;
}

const KIND_OF: Record<string, MentionKind> = { replied_to: "reply", quoted: "share", retweeted: "share" };

/** A checked post's creation time (ms), NaN when its created_at does not read as a date. */
export function eventTimeOf(tweet: Tweet): number {
  return Date.parse(tweet.created_at as string);
}

/** A post checked by `checkTweet`, created at `eventTime` (`eventTimeOf`), as a Mention. */
export function toMention(
  tweet: Tweet,
  users: readonly XUser[],
  source: string,
  now: number,
  eventTime: number = eventTimeOf(tweet),
): Mention {
  const authorId = tweet.author_id as string;
  // A stream line has one or two users, a search page up to a hundred: a scan is cheaper than a Map per line.
  const user = users.find((candidate) => candidate?.id === authorId);
  const reference =
    tweet.referenced_tweets?.find((ref) => ref.type === "replied_to") ??
    tweet.referenced_tweets?.find((ref) => ref.type === "retweeted") ??
    tweet.referenced_tweets?.[0];
  const kind = reference ? (KIND_OF[reference.type] ?? "post") : "post";
  const parentId = reference?.id ?? null;
  const conversation = tweet.conversation_id;
  const rootId = conversation && conversation !== tweet.id ? conversation : kind === "share" ? parentId : null;
  const handle = user?.username ?? authorId;
  const lang = tweet.lang && tweet.lang !== "und" && tweet.lang !== "zxx" ? tweet.lang : null;
  const entities = tweet.entities;
  return {
    platform: "x",
    id: tweet.id,
    kind,
    url: user ? `https://x.com/${user.username}/status/${tweet.id}` : `https://x.com/i/web/status/${tweet.id}`,
    author: {
      id: authorId,
      handle,
      name: user?.name ?? null,
      followers: user?.public_metrics?.followers_count ?? 0,
      verified: user?.verified ?? false,
      location: user?.location?.trim() || null,
    },
    text: tweet.note_tweet?.text ?? tweet.text,
    lang: lang === "in" ? "id" : lang,
    eventTime,
    ingestTime: now,
    parentId,
    rootId,
    hashtags: entities?.hashtags?.map((hashtag) => hashtag.tag) ?? [],
    mentionedHandles: entities?.mentions?.map((mention) => mention.username) ?? [],
    links: entities?.urls?.map((link) => link.expanded_url ?? link.url) ?? [],
    engagement: countsOf(tweet.public_metrics),
    source,
  };
}

/** Snowflake ids carry their creation time (ms since X's epoch, above 22 bits). */
const X_EPOCH = 1288834974657n;

export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + X_EPOCH);
}

/** The smallest id of a post created at `ms`. */
export function snowflakeAt(ms: number): string {
  const since = BigInt(Math.floor(ms)) - X_EPOCH;
  return (since > 0n ? since << 22n : 0n).toString();
}

/** Compares two numeric string ids. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
