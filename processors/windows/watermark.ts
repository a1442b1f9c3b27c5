/**
 * A watermark: the event time up to which the stream is taken to be complete, the largest event
 * time seen minus the allowed lateness. It never goes down, and never goes beyond the processing
 * clock (plus the skew normalise tolerates): one event stamped 2100 (or in microseconds) would
 * otherwise close every window of the partition for good, even after a restart that restores it.
 * A window whose end is at or before the watermark is closed: its result is final and events that
 * still belong to it are late.
 */
import { EVENT_TIME_MAX_AHEAD_MS } from "../normalise/limits.js";

export const DEFAULT_ALLOWED_LATENESS_MS = 10 * 60_000;

export class Watermark {
  private maxEventTime: number;

  /**
   * `restored`: a watermark stored earlier, so a restarted consumer closes the same windows (held
   * to the clock too: a watermark stored from a future event does not come back). `clock`: the
   * processing time, epoch ms.
   */
  constructor(
    readonly allowedLatenessMs = DEFAULT_ALLOWED_LATENESS_MS,
    restored: number | null = null,
    private readonly clock: () => number = Date.now,
  ) {
    this.maxEventTime =
      restored === null ? Number.NEGATIVE_INFINITY : Math.min(restored + allowedLatenessMs, this.latestAllowed());
  }

  /** Current watermark (epoch ms); -Infinity before the first event. */
  get value(): number {
    return this.maxEventTime - this.allowedLatenessMs;
  }

  /** Whether the window ending at `end` is closed. */
  closes(end: number): boolean {
    return end <= this.value;
  }

  /** Whether the event time is further ahead of the clock than any source's skew: a wrong time. */
  isFuture(eventTime: number): boolean {
    return eventTime > this.latestAllowed();
  }

  observe(eventTime: number): void {
    const bounded = Math.min(eventTime, this.latestAllowed());
    if (bounded > this.maxEventTime) this.maxEventTime = bounded;
  }

  private latestAllowed(): number {
    return this.clock() + EVENT_TIME_MAX_AHEAD_MS;
  }
}
