/**
 * What a rule reads: one completed minute of a scope's rolling aggregates, plus the post-level
 * events of that minute (a viral negative post, a negative mention by an influential author, an
 * impersonation suspect, a question to the agency left unanswered past its due time, a new
 * negative issue rising past a threshold). The stage builds these from the aggregate tables as they are emitted; the
 * backtest reads the same rows from ClickHouse. A minute without a row means no mentions.
 */
import type { Platform } from "../../schemas/types.generated.js";

export const MINUTE_MS = 60_000;

export interface MinutePoint {
  /** Epoch ms of the minute's start (a multiple of 60 000). */
  minute: number;
  /** Mentions in the minute, all sentiments. */
  total: number;
  negative: number;
  positive: number;
  neutral: number;
}

export const EVENT_KINDS = [
  "viral-negative-post",
  "influential-negative",
  "impersonation",
  "overdue-question",
  "negative-issue",
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface PostEvent {
  kind: EventKind;
  /** Epoch ms of the minute the event belongs to. */
  minute: number;
  postId: string;
  /** The author's account id (or handle). */
  author: string;
  /** Orders evidence: virality score, author influence, impersonation score, seconds waited. Higher first. */
  score: number;
}

/** One step of a detector: a completed minute and its events. */
export interface MinuteInput {
  point: MinutePoint;
  events?: readonly PostEvent[];
}

/** What a rule watches; null is "any" (the aggregate over all of them). */
export interface Scope {
  agency: string | null;
  queryId: string | null;
  platform: Platform | null;
  /** Province code of the mentions' place (tags.place); null or absent: any place or none. */
  province?: string | null;
}

/** Stable text for a scope: in alert ids and state keys (a province only when set, so keys without one stay as they were). */
export function scopeKey(scope: Scope): string {
  const key = [scope.agency, scope.queryId, scope.platform].map((part) => part ?? "*").join("/");
  return scope.province ? `${key}/province:${scope.province}` : key;
}

/** Net sentiment of counts, in [-1, 1]: (positive - negative) / total, 0 without mentions. */
export function netSentiment(counts: { total: number; negative: number; positive: number }): number {
  return counts.total === 0 ? 0 : (counts.positive - counts.negative) / counts.total;
}
