/**
 * The time range a dashboard request asks for (`range=1h|24h|7d`, or `range=custom&from=&to=` in
 * ISO 8601), and which window rollup answers it: the finest one that keeps a chart under a few
 * hundred points.
 */
import { zoneOffsetMs } from "../../processors/alerts/index.js";
export const RANGE_KEYS = ["1h", "24h", "7d", "custom"] as const;
export type RangeKey = (typeof RANGE_KEYS)[number];

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const RELATIVE_SPANS: Record<Exclude<RangeKey, "custom">, number> = { "1h": HOUR_MS, "24h": DAY_MS, "7d": 7 * DAY_MS };
/** A custom range may not exceed the aggregates' default retention. */
const MAX_SPAN_MS = 731 * DAY_MS;
/** The longest range bucketed by local days from the hourly rollup. */
const LOCAL_DAYS_MAX_SPAN_MS = 92 * DAY_MS;
const LOCAL_DAY = "toStartOfDay(window_start, {timezone:String})";

export interface TimeRange {
  key: RangeKey;
  fromMs: number;
  toMs: number;
}

export interface Rollup {
  table: "mention_windows_1m" | "mention_windows_1h" | "mention_windows_1d";
  stepMs: number;
  /** A row's bucket: its window, or the day of its hour in the dashboard's zone ({timezone:String}). */
  bucket: "window_start" | "toStartOfDay(window_start, {timezone:String})";
}

/** A request the dashboard's API refuses; `status` 400, or 415 for a body of the wrong type. */
export class BadRequest extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export function parseRange(params: URLSearchParams, nowMs: number): TimeRange {
  const key = (params.get("range") ?? "24h") as RangeKey;
  if (!RANGE_KEYS.includes(key)) throw new BadRequest(`range: expected one of ${RANGE_KEYS.join(", ")}`);
  if (key !== "custom") return { key, fromMs: nowMs - RELATIVE_SPANS[key], toMs: nowMs };
  const fromMs = Date.parse(params.get("from") ?? "");
  const toMs = Date.parse(params.get("to") ?? "");
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) throw new BadRequest("custom range: from and to (ISO 8601)");
  if (toMs <= fromMs || toMs - fromMs > MAX_SPAN_MS) throw new BadRequest("custom range: from < to, at most 731 days");
  return { key, fromMs, toMs };
}

/** The `province` filter of a request: a two-digit province code, or "" for every place. */
export function parseProvince(params: URLSearchParams): string {
  const province = params.get("province") ?? "";
  if (province !== "" && !/^\d{2}$/.test(province)) throw new BadRequest("province: a two-digit province code");
  return province;
}

/**
 * Up to 6 hours by the minute, up to 8 days by the hour, up to 92 days by the day in the
 * dashboard's zone (summed from the hourly rollup: WIB, WITA and WIT are whole hours from UTC, so
 * their days are whole hours), beyond that by the UTC day (the daily rollup; hours would be too
 * many rows).
 */
export function rollupFor(range: TimeRange): Rollup {
  const span = range.toMs - range.fromMs;
  if (span <= 6 * HOUR_MS) return { table: "mention_windows_1m", stepMs: 60_000, bucket: "window_start" };
  if (span <= 8 * DAY_MS) return { table: "mention_windows_1h", stepMs: HOUR_MS, bucket: "window_start" };
  if (span <= LOCAL_DAYS_MAX_SPAN_MS) return { table: "mention_windows_1h", stepMs: DAY_MS, bucket: LOCAL_DAY };
  return { table: "mention_windows_1d", stepMs: DAY_MS, bucket: "window_start" };
}

/**
 * The range's bounds aligned to the rollup's buckets (local days start at the zone's midnight), in
 * whole seconds for DateTime parameters, with the zone the local-day bucket reads.
 */
export function rollupBounds(
  range: TimeRange,
  rollup: Rollup,
  timezone: string,
): { from: number; to: number; timezone: string } {
  const offset = rollup.bucket === LOCAL_DAY ? zoneOffsetMs(range.fromMs, timezone) : 0;
  return {
    from: (Math.floor((range.fromMs + offset) / rollup.stepMs) * rollup.stepMs - offset) / 1000,
    to: Math.ceil(range.toMs / 1000),
    timezone,
  };
}
