/**
 * Per-root-post virality state: plain JSON data (no Map, Set, class, Infinity or NaN), so that the
 * plumbing can keep it anywhere (Redis, memory) with JSON.stringify / JSON.parse.
 *
 * Every function here is pure: it returns a new state and never mutates its argument; when an input
 * changes nothing it returns the very same object, so the caller can skip the write. Every update is
 * idempotent (applying the same snapshot or cascade item again changes nothing) and, for snapshots,
 * independent of the order of arrival. See docs/virality.md.
 */
import type { EngagementEvent, Mention, Platform } from "../../schemas/types.generated.js";

export const MINUTE_MS = 60_000;

/** Version of the state's shape; bump it when the shape changes so stored states can be migrated. */
export const STATE_VERSION = 1;

/** How long the engagement history reaches back from the newest snapshot. */
export const HISTORY_MS = 60 * MINUTE_MS;
/** Snapshots are bucketed per minute (epoch minute of t); one is kept per bucket. */
export const SNAPSHOT_BUCKET_MS = MINUTE_MS;
/**
 * Hard cap on stored snapshots: 61 minute buckets within HISTORY_MS of the newest plus the anchor
 * before them is at most 62, so the cap never binds; it is a guard against a bug filling a store.
 */
export const MAX_SNAPSHOTS = 64;
/** Cascade arrivals are counted per minute over the last CASCADE_HISTORY_MINUTES minutes. */
export const CASCADE_HISTORY_MINUTES = 60;
/** When the plumbing does not say whether a cascade item is new: how many member ids are remembered. */
export const MAX_RECENT_MEMBER_IDS = 256;

/** A post's engagement counts at one moment (epoch ms). */
export interface EngagementSnapshot {
  t: number;
  likes: number;
  shares: number;
  replies: number;
  views: number;
  clicks: number;
}

export interface PostVirality {
  version: number;
  platform: Platform;
  postId: string;
  /** The author's followers when the post was seen; null until the root mention is seen. */
  authorFollowers: number | null;
  /** Publication time of the post (epoch ms); null until the root mention is seen. */
  postTime: number | null;
  /**
   * Sorted by t, at most one per epoch minute (the latest in it), covering HISTORY_MS before the
   * newest, plus one anchor just older than that so interpolation stays correct at the edge.
   */
  snapshots: EngagementSnapshot[];
  /** Distinct shares / replies / comments below the root, any depth, as counted by applyCascade. */
  cascadeSize: number;
  /** Largest depth seen (1 = a direct response to the root). */
  cascadeDepth: number;
  /** Sum of the followers of the cascade's members: the audience the cascade was put in front of. */
  cascadeReach: number;
  /** [epoch minute, new members in that minute], sorted, the last CASCADE_HISTORY_MINUTES minutes. */
  cascadeMinutes: [number, number][];
  /**
   * Ids of the most recent members, used for deduplication only when applyCascade is not told
   * `isNew`; at most MAX_RECENT_MEMBER_IDS, oldest first. Empty when the plumbing passes `isNew`.
   */
  recentMemberIds: string[];
}

/** A share, reply or comment somewhere below the root post. */
export interface CascadeItem {
  /** The item's own id (unique on the platform). */
  itemId: string;
  /** Distance from the root: 1 = answers or shares the root itself, 2 = answers a depth-1 item, ... */
  depth: number;
  /** When it was published (epoch ms). */
  at: number;
  /** Its author's followers. */
  authorFollowers: number;
  /**
   * Whether the item is new to this root's cascade, when the caller keeps the member set (e.g.
   * Redis SADD's answer). When given it is authoritative and `recentMemberIds` is not used; when
   * omitted the state's bounded `recentMemberIds` deduplicates (exact for redeliveries of the last
   * MAX_RECENT_MEMBER_IDS members).
   */
  isNew?: boolean;
}

/** State for a post whose root mention has not been seen yet (a snapshot or a reply came first). */
export function emptyPostState(platform: Platform, postId: string): PostVirality {
  return {
    version: STATE_VERSION,
    platform,
    postId,
    authorFollowers: null,
    postTime: null,
    snapshots: [],
    cascadeSize: 0,
    cascadeDepth: 0,
    cascadeReach: 0,
    cascadeMinutes: [],
    recentMemberIds: [],
  };
}

/**
 * State for a root post (a post or an article: a mention without rootId). The mention's own
 * engagement counts become a snapshot at its ingestTime.
 */
export function newPostState(mention: Mention): PostVirality {
  return applyRoot(emptyPostState(mention.platform, mention.id), mention);
}

/**
 * Fills in what the root mention tells (author's followers, post time, its engagement at ingest).
 * Idempotent and order-independent: two copies that disagree keep the larger follower count (the
 * more demanding expectation) and the earlier post time.
 */
export function applyRoot(state: PostVirality, mention: Mention): PostVirality {
  assertSamePost(state, mention.platform, mention.id);
  if (mention.rootId !== null && mention.rootId !== mention.id) {
    throw new Error(`mention ${mention.platform}:${mention.id} is not a root post (rootId ${mention.rootId})`);
  }
  const followers = Math.max(state.authorFollowers ?? 0, mention.author.followers, 0);
  const postTime = state.postTime === null ? mention.eventTime : Math.min(state.postTime, mention.eventTime);
  const withRoot =
    followers === state.authorFollowers && postTime === state.postTime
      ? state
      : { ...state, authorFollowers: followers, postTime };
  return addSnapshot(withRoot, { t: mention.ingestTime, ...countsOf(mention.engagement) });
}

/**
 * Adds an engagement snapshot. Two snapshots in the same minute keep the later one; two with the
 * same timestamp keep the element-wise maximum, so the result depends only on the set of snapshots
 * applied, never on their order or repetition.
 */
export function applySnapshot(state: PostVirality, event: EngagementEvent): PostVirality {
  assertSamePost(state, event.platform, event.postId);
  return addSnapshot(state, { t: event.eventTime, ...countsOf(event) });
}

/** Counts a cascade member (see CascadeItem.isNew for deduplication). */
export function applyCascade(state: PostVirality, item: CascadeItem): PostVirality {
  if (!(Number.isInteger(item.depth) && item.depth >= 1)) {
    throw new RangeError(`cascade item ${item.itemId}: depth must be an integer >= 1, got ${item.depth}`);
  }
  if (!Number.isFinite(item.at)) throw new RangeError(`cascade item ${item.itemId}: at must be epoch ms`);
  let recentMemberIds = state.recentMemberIds;
  if (item.isNew === false) return state;
  if (item.isNew === undefined) {
    if (state.recentMemberIds.includes(item.itemId)) return state;
    recentMemberIds = [...state.recentMemberIds, item.itemId];
    if (recentMemberIds.length > MAX_RECENT_MEMBER_IDS) {
      recentMemberIds = recentMemberIds.slice(recentMemberIds.length - MAX_RECENT_MEMBER_IDS);
    }
  }
  return {
    ...state,
    cascadeSize: state.cascadeSize + 1,
    cascadeDepth: Math.max(state.cascadeDepth, item.depth),
    cascadeReach: state.cascadeReach + Math.max(0, item.authorFollowers),
    cascadeMinutes: addArrival(state.cascadeMinutes, Math.floor(item.at / MINUTE_MS)),
    recentMemberIds,
  };
}

function countsOf(counts: Omit<EngagementSnapshot, "t">): Omit<EngagementSnapshot, "t"> {
  return {
    likes: count(counts.likes),
    shares: count(counts.shares),
    replies: count(counts.replies),
    views: count(counts.views),
    clicks: count(counts.clicks),
  };
}

function count(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

function assertSamePost(state: PostVirality, platform: Platform, postId: string): void {
  if (state.platform !== platform || state.postId !== postId) {
    throw new Error(`state of ${state.platform}:${state.postId} was given an input for ${platform}:${postId}`);
  }
}

function bucketOf(t: number): number {
  return Math.floor(t / SNAPSHOT_BUCKET_MS);
}

function sameSnapshot(a: EngagementSnapshot, b: EngagementSnapshot | undefined): boolean {
  return (
    b !== undefined &&
    a.t === b.t &&
    a.likes === b.likes &&
    a.shares === b.shares &&
    a.replies === b.replies &&
    a.views === b.views &&
    a.clicks === b.clicks
  );
}

function addSnapshot(state: PostVirality, snapshot: EngagementSnapshot): PostVirality {
  if (!Number.isFinite(snapshot.t)) throw new RangeError(`snapshot time must be epoch ms, got ${snapshot.t}`);
  const bucket = bucketOf(snapshot.t);
  const merged: EngagementSnapshot[] = [];
  let placed = false;
  for (const existing of state.snapshots) {
    if (bucketOf(existing.t) !== bucket) {
      if (!placed && existing.t > snapshot.t) {
        merged.push(snapshot);
        placed = true;
      }
      merged.push(existing);
      continue;
    }
    // Same minute: the later one wins; at the same instant, the element-wise maximum.
    placed = true;
    if (existing.t > snapshot.t) merged.push(existing);
    else if (existing.t < snapshot.t) merged.push(snapshot);
    else {
      merged.push({
        t: existing.t,
        likes: Math.max(existing.likes, snapshot.likes),
        shares: Math.max(existing.shares, snapshot.shares),
        replies: Math.max(existing.replies, snapshot.replies),
        views: Math.max(existing.views, snapshot.views),
        clicks: Math.max(existing.clicks, snapshot.clicks),
      });
    }
  }
  if (!placed) merged.push(snapshot);
  const kept = retain(merged);
  if (kept.length === state.snapshots.length && kept.every((s, i) => sameSnapshot(s, state.snapshots[i]))) {
    return state;
  }
  return { ...state, snapshots: kept };
}

/**
 * Keeps the snapshots within HISTORY_MS of the newest, plus the newest one older than that (the
 * anchor), then at most MAX_SNAPSHOTS of the newest. A function of the set of snapshots only.
 */
function retain(sorted: EngagementSnapshot[]): EngagementSnapshot[] {
  const newest = sorted[sorted.length - 1];
  if (newest === undefined) return sorted;
  const cutoff = newest.t - HISTORY_MS;
  let first = 0;
  while (first + 1 < sorted.length && (sorted[first + 1] as EngagementSnapshot).t <= cutoff) first++;
  return sorted.slice(Math.max(first, sorted.length - MAX_SNAPSHOTS));
}

function addArrival(minutes: [number, number][], minute: number): [number, number][] {
  const newest = Math.max(minute, minutes[minutes.length - 1]?.[0] ?? minute);
  const oldestKept = newest - CASCADE_HISTORY_MINUTES + 1;
  const out: [number, number][] = [];
  let placed = minute < oldestKept;
  for (const [m, n] of minutes) {
    if (m < oldestKept) continue;
    if (!placed && m === minute) {
      out.push([m, n + 1]);
      placed = true;
    } else {
      if (!placed && m > minute) {
        out.push([minute, 1]);
        placed = true;
      }
      out.push([m, n]);
    }
  }
  if (!placed) out.push([minute, 1]);
  return out;
}
