/**
 * A rule's signal over its window, compared with the baseline: the observation a detector step
 * decides on. Aggregate signals use a robust z-score against the baseline; event signals count
 * the window's events of their kind (no baseline: one viral negative post is already news).
 */
import type { BaselineMethod, Estimate } from "./baseline.js";
import type { AggregateSignal, AlertRule } from "./rule.js";
import { type MinutePoint, netSentiment, type PostEvent } from "./series.js";

export interface Observation {
  /** Value of the signal over the window: a count, a share, or a net sentiment in [-1, 1]. */
  value: number;
  /** What the minimum volume applies to: negatives for negative-count, events for event signals, else all mentions. */
  volume: number;
  /** The baseline's center; 0 for event signals; null while warming up. */
  baseline: number | null;
  /** The value at which the rule fires (aggregate: baseline +- z * spread, and the share; events: minEvents). */
  threshold: number | null;
  /** Robust z-score, positive in the alerting direction; null for events and while warming up. */
  z: number | null;
  method: BaselineMethod | "warming" | "none";
  /** The firing condition holds. */
  breach: boolean;
  /** The resolve condition holds (back to normal). */
  recovered: boolean;
  /** Event signals: the window's events of the rule's kind, highest score first. */
  events: PostEvent[];
}

interface WindowSums {
  total: number;
  negative: number;
  positive: number;
}

export function sumWindow(points: readonly MinutePoint[]): WindowSums {
  const sums = { total: 0, negative: 0, positive: 0 };
  for (const point of points) {
    sums.total += point.total;
    sums.negative += point.negative;
    sums.positive += point.positive;
  }
  return sums;
}

/** The signal's value over the window, and the count its minimum volume applies to. */
export function aggregateValue(signal: AggregateSignal, sums: WindowSums): { value: number; volume: number } {
  switch (signal) {
    case "negative-count":
      return { value: sums.negative, volume: sums.negative };
    case "negative-share":
      return { value: sums.total === 0 ? 0 : sums.negative / sums.total, volume: sums.total };
    case "total-volume":
      return { value: sums.total, volume: sums.total };
    case "net-sentiment-drop":
      return { value: netSentiment(sums), volume: sums.total };
  }
}

/**
 * The lowest spread a z-score divides by. Counts: sqrt(baseline), the Poisson standard deviation
 * (at least 1), so 3 negatives over a baseline of 0 are z 3, not infinity. Shares and net
 * sentiment: the rule's minSpread.
 */
function spreadFloor(signal: AggregateSignal, center: number, minSpread: number): number {
  return signal === "negative-count" || signal === "total-volume" ? Math.sqrt(Math.max(center, 1)) : minSpread;
}

/** net-sentiment-drop alerts when the value falls; the others when it rises. */
const direction = (signal: AggregateSignal) => (signal === "net-sentiment-drop" ? -1 : 1);

export function observeAggregate(
  rule: AlertRule,
  signal: AggregateSignal,
  sums: WindowSums,
  estimate: Estimate | null,
): Observation {
  const { value, volume } = aggregateValue(signal, sums);
  if (estimate === null)
    return {
      value,
      volume,
      baseline: null,
      threshold: null,
      z: null,
      method: "warming",
      breach: false,
      recovered: true,
      events: [],
    };
  const sign = direction(signal);
  const spread = Math.max(estimate.spread, spreadFloor(signal, estimate.center, rule.baseline.minSpread));
  const z = (sign * (value - estimate.center)) / spread;
  const share = rule.threshold.share;
  const zThreshold = estimate.center + sign * rule.threshold.z * spread;
  const threshold = share === undefined ? zThreshold : Math.max(zThreshold, share);
  const enoughVolume = volume >= rule.threshold.minVolume;
  const resolveZ = rule.resolve.z ?? rule.threshold.z / 2;
  return {
    value,
    volume,
    baseline: estimate.center,
    threshold,
    z,
    method: estimate.method,
    breach: enoughVolume && z >= rule.threshold.z && (share === undefined || value >= share),
    recovered: !enoughVolume || z < resolveZ || (share !== undefined && value < share),
    events: [],
  };
}

/** Counts each post once (a post flagged viral minute after minute is one event), at its best score. */
export function observeEvents(rule: AlertRule, events: readonly PostEvent[]): Observation {
  const byPost = new Map<string, PostEvent>();
  for (const event of events) {
    if (event.kind !== rule.signal) continue;
    const seen = byPost.get(event.postId);
    if (!seen || event.score > seen.score) byPost.set(event.postId, event);
  }
  const matching = [...byPost.values()].sort((a, b) => b.score - a.score || a.postId.localeCompare(b.postId));
  const breach = matching.length >= rule.threshold.minEvents;
  return {
    value: matching.length,
    volume: matching.length,
    baseline: 0,
    threshold: rule.threshold.minEvents,
    z: null,
    method: "none",
    breach,
    recovered: !breach,
    events: matching,
  };
}
