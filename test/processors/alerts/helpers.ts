/** Constructed per-minute series with a daily rhythm in WIB, and rules built through the schema. */
import { type AlertRule, ruleSchema } from "../../../processors/alerts/rule.js";
import { MINUTE_MS, type MinuteInput, type MinutePoint, type Scope } from "../../../processors/alerts/series.js";

export const WIB_MS = 7 * 3_600_000;
export const DAY_MS = 86_400_000;
/** Monday 2024-01-01 00:00 WIB. */
export const START = Date.UTC(2024, 0, 1) - WIB_MS;
export const SCOPE: Scope = { agency: "bpjs-kesehatan", queryId: null, platform: null };

/** Epoch ms of a local (WIB) time, `day` days after START. */
export function wib(day: number, hour: number, minute = 0): number {
  return START + day * DAY_MS + (hour * 60 + minute) * MINUTE_MS;
}

export function rule(id: string, fields: Record<string, unknown>): AlertRule {
  return { ...ruleSchema.parse(fields), id };
}

/** Deterministic noise in [-1, 1] for a minute. */
function noise(minute: number, salt: number): number {
  const x = Math.sin((minute / MINUTE_MS) * 12.9898 + salt * 78.233) * 43_758.5453;
  return (x - Math.floor(x)) * 2 - 1;
}

/**
 * Mentions per minute, following the day smoothly: about 1 at night, rising from 05:00 WIB to about
 * 30 at 13:30 and back to 1 at 22:00; 20% negative, 30% positive; every count +-20%.
 */
export function rhythm(minute: number): MinutePoint {
  const hours = ((minute + WIB_MS) % DAY_MS) / 3_600_000;
  const day = hours > 5 && hours < 22 ? Math.sin((Math.PI * (hours - 5)) / 17) : 0;
  const level = 1 + 29 * day;
  const total = Math.max(0, Math.round(level * (1 + 0.2 * noise(minute, 1))));
  const negative = Math.round(total * 0.2 * (1 + 0.2 * noise(minute, 2)));
  const positive = Math.round(total * 0.3 * (1 + 0.2 * noise(minute, 3)));
  return { minute, total, negative, positive, neutral: total - negative - positive };
}

export type Change = (point: MinutePoint) => MinutePoint;

/** Minutes [from, to) of the rhythm, with `change` applied to those in each [start, end) given. */
export function series(from: number, to: number, changes: [number, number, Change][] = []): MinuteInput[] {
  const inputs: MinuteInput[] = [];
  for (let minute = from; minute < to; minute += MINUTE_MS) {
    let point = rhythm(minute);
    for (const [start, end, change] of changes) if (minute >= start && minute < end) point = change(point);
    inputs.push({ point });
  }
  return inputs;
}

/** Adds `count` negative mentions per minute. */
export const extraNegatives =
  (count: number): Change =>
  (point) => ({ ...point, total: point.total + count, negative: point.negative + count });

/** Multiplies every count by `factor` (the sentiment mix stays). */
export const surge =
  (factor: number): Change =>
  (point) => ({
    ...point,
    total: point.total * factor,
    negative: point.negative * factor,
    positive: point.positive * factor,
    neutral: point.neutral * factor,
  });
