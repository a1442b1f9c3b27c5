/**
 * Per-author behaviour, the input of the social technographics rules: what kinds of items the author
 * wrote, where, in which tone, on how many days and when. Plain JSON, so the plumbing can keep it in
 * Redis as it is; updates return a new state and leave their input untouched.
 *
 * Idempotency rests on the caller's `isNew` (false when the item was already applied to this
 * author, e.g. from a Redis SADD of the item id): with isNew false nothing changes.
 */
import type { Mention, Platform, SentimentLabel } from "../../schemas/types.generated.js";

export const DAY_MS = 86_400_000;
/** Days are counted in WIB (UTC+7), where most of the audience lives. */
export const DAY_OFFSET_MS = 7 * 3_600_000;
/** Distinct days remembered (older ones still count in `activeDays`). */
export const MAX_TRACKED_DAYS = 90;
/** Platforms whose top posts are videos: an upload there is creator content. */
export const VIDEO_PLATFORMS: readonly Platform[] = ["youtube", "tiktok"];
/** Platforms whose top posts are long-form writing (blog posts, articles). */
export const LONG_FORM_PLATFORMS: readonly Platform[] = ["blog", "news"];

/** What applyMention reads of a mention; a Mention will do. */
export type BehaviourMention = Pick<Mention, "kind" | "platform" | "eventTime" | "parentId" | "rootId">;

export interface Behaviour {
  v: 1;
  /** Items written, by kind. */
  posts: number;
  articles: number;
  replies: number;
  comments: number;
  shares: number;
  /** Top posts that are videos or long-form writing (see VIDEO_PLATFORMS, LONG_FORM_PLATFORMS), and all articles. */
  rich: number;
  /** Comments inside a conversation: their parent is another response, not the thread's top post. */
  nestedComments: number;
  /** Replies and comments with a sentiment label, and how many of them were negative. */
  labelledResponses: number;
  negativeResponses: number;
  /** Passive observations (views, reactions) reported by a source that has them. */
  views: number;
  /** Event times of the first and latest observation. */
  firstSeen: number | null;
  lastSeen: number | null;
  /** Distinct WIB day numbers with an observation, ascending, the latest MAX_TRACKED_DAYS. */
  days: number[];
  /** Distinct days ever observed. */
  activeDays: number;
}

export function newBehaviour(): Behaviour {
  return {
    v: 1,
    posts: 0,
    articles: 0,
    replies: 0,
    comments: 0,
    shares: 0,
    rich: 0,
    nestedComments: 0,
    labelledResponses: 0,
    negativeResponses: 0,
    views: 0,
    firstSeen: null,
    lastSeen: null,
    days: [],
    activeDays: 0,
  };
}

/** Items the author wrote. */
export function mentionCount(state: Behaviour): number {
  return state.posts + state.articles + state.replies + state.comments + state.shares;
}

/** Day number in WIB of an epoch-ms time. */
export function dayOf(time: number): number {
  return Math.floor((time + DAY_OFFSET_MS) / DAY_MS);
}

/**
 * A mention the author wrote, with its sentiment label when the sentiment tagger gave one (only
 * replies' and comments' labels are used: a critic's criticism is in what they answer).
 */
export function applyMention(
  state: Behaviour,
  mention: BehaviourMention,
  sentimentLabel: SentimentLabel | null,
  isNew: boolean,
): Behaviour {
  if (!isNew) return state;
  const next = observe(state, mention.eventTime);
  switch (mention.kind) {
    case "post":
      next.posts++;
      if (VIDEO_PLATFORMS.includes(mention.platform) || LONG_FORM_PLATFORMS.includes(mention.platform)) next.rich++;
      break;
    case "article":
      next.articles++;
      next.rich++;
      break;
    case "share":
      next.shares++;
      break;
    case "reply":
    case "comment":
      if (mention.kind === "reply") next.replies++;
      else {
        next.comments++;
        if (mention.parentId !== null && mention.rootId !== null && mention.parentId !== mention.rootId) {
          next.nestedComments++;
        }
      }
      if (sentimentLabel !== null) {
        next.labelledResponses++;
        if (sentimentLabel === "negative") next.negativeResponses++;
      }
      break;
  }
  return next;
}

/**
 * A passive observation (the author viewed or reacted to an item), for a source that reports them;
 * the only evidence for spectators. Idempotent through `isNew` like applyMention.
 */
export function applyView(state: Behaviour, view: { itemId: string; at: number }, isNew: boolean): Behaviour {
  if (!isNew) return state;
  const next = observe(state, view.at);
  next.views++;
  return next;
}

/** A copy with the time recorded in firstSeen, lastSeen and the day set. */
function observe(state: Behaviour, at: number): Behaviour {
  const next: Behaviour = {
    ...state,
    firstSeen: state.firstSeen === null || at < state.firstSeen ? at : state.firstSeen,
    lastSeen: state.lastSeen === null || at > state.lastSeen ? at : state.lastSeen,
  };
  const day = dayOf(at);
  const days = state.days;
  const full = days.length >= MAX_TRACKED_DAYS;
  // A day older than every remembered one, once the list is full, may have been seen and forgotten.
  if (days.includes(day) || (full && day < (days[0] as number))) return next;
  const updated = [...days, day].sort((a, b) => a - b);
  if (updated.length > MAX_TRACKED_DAYS) updated.shift();
  next.days = updated;
  next.activeDays = state.activeDays + 1;
  return next;
}
