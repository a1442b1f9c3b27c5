/**
 * Per-author influence state: plain JSON (numbers, strings, null, objects), so the plumbing can keep
 * it in Redis as it is. Each update returns a new state and leaves its input untouched.
 *
 * Idempotency: applying the same mention, snapshot or amplification twice gives the same state as
 * applying it once. Counters rely on the caller's `isNew` (false when the item was already applied
 * to this author, e.g. from a Redis SADD of the item id); everything else is idempotent by itself:
 * followers and per-post engagement keep the latest observation by event time (ties: the larger
 * value), so they do not depend on arrival order either.
 */
import type { EngagementEvent, Mention } from "../../schemas/types.generated.js";
import { EDGE_HALF_LIFE_MS } from "./graph.js";

/** Engagement is tracked for this many of an author's posts, those with the most recent snapshots. */
export const MAX_TRACKED_POSTS = 100;
/** Amplification received halves in weight every AMPLIFICATION_HALF_LIFE_MS (the graph's half-life). */
export const AMPLIFICATION_HALF_LIFE_MS = EDGE_HALF_LIFE_MS;

export interface TrackedPost {
  /** likes + shares + replies of the latest snapshot. */
  total: number;
  /** Event time of that snapshot. */
  at: number;
}

export interface InfluenceState {
  v: 1;
  /** The author's key (`authorKey(platform, id)`), to ignore self-amplification; null if not given. */
  key: string | null;
  /** Latest follower count seen, and the event time of that mention (null: none seen yet). */
  followers: number;
  followersAt: number | null;
  /** Distinct items the author wrote. */
  authored: number;
  /** Latest engagement of the author's top posts, by post id; at most MAX_TRACKED_POSTS. */
  posts: Record<string, TrackedPost>;
  /**
   * Snapshot time of the newest post evicted from `posts`: a snapshot for an untracked post at or
   * before it is ignored, so a late redelivery cannot bring an evicted post back.
   */
  postsFloor: number | null;
  /** Amplification received from other authors. */
  amplification: {
    /** Distinct amplifying items ever applied. */
    count: number;
    /** Sum of log10(1 + amplifier's followers) over them, each decayed to time `at`. */
    weight: number;
    at: number | null;
  };
  /** Latest event time seen in any update. */
  lastSeen: number | null;
}

export interface Amplification {
  /** Key of the amplifying author (`authorKey`). */
  by: string;
  byFollowers: number;
  /** The amplifying item's id: the plumbing's idempotency key (isNew). */
  itemId: string;
  /** Its event time. */
  at: number;
}

/** What applyAuthored reads of a mention; a Mention will do. */
export type AuthoredMention = Pick<Mention, "id" | "parentId" | "eventTime" | "ingestTime"> & {
  author: Pick<Mention["author"], "followers">;
  engagement: Pick<Mention["engagement"], "likes" | "shares" | "replies">;
};

/** Engagement counts of one snapshot; an EngagementEvent will do. */
export type EngagementSnapshot = Pick<EngagementEvent, "likes" | "shares" | "replies" | "eventTime">;

export function newAuthorState(key: string | null = null): InfluenceState {
  return {
    v: 1,
    key,
    followers: 0,
    followersAt: null,
    authored: 0,
    posts: {},
    postsFloor: null,
    amplification: { count: 0, weight: 0, at: null },
    lastSeen: null,
  };
}

/** Interactions of a snapshot: likes + shares + replies (views and clicks are reach, not engagement). */
export function engagementTotal(counts: Pick<EngagementEvent, "likes" | "shares" | "replies">): number {
  return nonNegative(counts.likes) + nonNegative(counts.shares) + nonNegative(counts.replies);
}

/**
 * A mention the author wrote. Always refreshes the follower count (latest by eventTime); when
 * `isNew`, counts the item and, for a top post or article (no parent), starts tracking its
 * engagement with the counts it carries (a snapshot at its ingestTime).
 */
export function applyAuthored(state: InfluenceState, mention: AuthoredMention, isNew: boolean): InfluenceState {
  let next = state;
  const followers = nonNegative(mention.author.followers);
  const at = mention.eventTime;
  if (
    state.followersAt === null ||
    at > state.followersAt ||
    (at === state.followersAt && followers > state.followers)
  ) {
    next = { ...next, followers, followersAt: at };
  }
  if (!isNew) return next;
  next = { ...next, authored: next.authored + 1, lastSeen: later(next.lastSeen, at) };
  if (mention.parentId === null) {
    next = trackPost(next, mention.id, engagementTotal(mention.engagement), mention.ingestTime);
  }
  return next;
}

/**
 * The latest engagement snapshot of one of the author's posts: replaces that post's total when it
 * is newer (engagement is a snapshot, not a delta). Idempotent without a flag.
 */
export function applyEngagement(state: InfluenceState, postId: string, snapshot: EngagementSnapshot): InfluenceState {
  const next = trackPost(state, postId, engagementTotal(snapshot), snapshot.eventTime);
  return next === state ? state : { ...next, lastSeen: later(next.lastSeen, snapshot.eventTime) };
}

/**
 * Another author shared, replied to, commented on or mentioned this one. Adds
 * log10(1 + byFollowers), decayed with AMPLIFICATION_HALF_LIFE_MS, when `isNew`; ignored when
 * `by` is the author itself.
 */
export function applyAmplification(
  state: InfluenceState,
  amplification: Amplification,
  isNew: boolean,
): InfluenceState {
  if (!isNew || amplification.by === state.key) return state;
  const weight = amplifierWeight(amplification.byFollowers);
  const { at } = amplification;
  const current = state.amplification;
  let total: number;
  let reference: number;
  if (current.at === null) {
    total = weight;
    reference = at;
  } else if (at <= current.at) {
    total = current.weight + weight * decay(current.at - at);
    reference = current.at;
  } else {
    total = current.weight * decay(at - current.at) + weight;
    reference = at;
  }
  return {
    ...state,
    amplification: { count: current.count + 1, weight: total, at: reference },
    lastSeen: later(state.lastSeen, at),
  };
}

/**
 * `state` with the amplification `other` received added to its own, at the later of the two
 * reference times: an account's amplification kept under two identities (its id and its handle).
 */
export function mergeAmplification(state: InfluenceState, other: InfluenceState): InfluenceState {
  const a = state.amplification;
  const b = other.amplification;
  if (b.at === null) return state;
  if (a.at === null) return { ...state, amplification: { ...b }, lastSeen: later(state.lastSeen, b.at) };
  const at = Math.max(a.at, b.at);
  return {
    ...state,
    amplification: {
      count: a.count + b.count,
      weight: a.weight * decay(at - a.at) + b.weight * decay(at - b.at),
      at,
    },
    lastSeen: later(state.lastSeen, at),
  };
}

/** Reach of an amplifier: log10(1 + followers); a share by an account nobody follows reaches no one. */
export function amplifierWeight(followers: number): number {
  return Math.log10(1 + nonNegative(followers));
}

/** The decayed amplification weight at `now` (no growth before the last amplification). */
export function amplificationAt(state: InfluenceState, now: number): number {
  const { weight, at } = state.amplification;
  return at === null ? 0 : weight * decay(Math.max(0, now - at));
}

function decay(ageMs: number): number {
  return 2 ** (-ageMs / AMPLIFICATION_HALF_LIFE_MS);
}

function trackPost(state: InfluenceState, postId: string, total: number, at: number): InfluenceState {
  const existing = state.posts[postId];
  if (existing !== undefined) {
    if (at < existing.at || (at === existing.at && total <= existing.total)) return state;
    return { ...state, posts: { ...state.posts, [postId]: { total, at } } };
  }
  if (state.postsFloor !== null && at <= state.postsFloor) return state;
  const posts: Record<string, TrackedPost> = { ...state.posts, [postId]: { total, at } };
  let postsFloor = state.postsFloor;
  const ids = Object.keys(posts);
  if (ids.length > MAX_TRACKED_POSTS) {
    // Evict the post with the oldest snapshot (ties: the smallest id), which may be the new one.
    let oldest = ids[0] as string;
    for (const id of ids) {
      const p = posts[id] as TrackedPost;
      const o = posts[oldest] as TrackedPost;
      if (p.at < o.at || (p.at === o.at && id < oldest)) oldest = id;
    }
    postsFloor = later(postsFloor, (posts[oldest] as TrackedPost).at);
    delete posts[oldest];
  }
  return { ...state, posts, postsFloor };
}

function later(a: number | null, b: number): number {
  return a === null || b > a ? b : a;
}

function nonNegative(x: number): number {
  return Number.isFinite(x) && x > 0 ? x : 0;
}
