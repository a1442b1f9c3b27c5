/**
 * A watermark: the event time up to which the stream is taken to be complete, the largest event
 * time seen minus the allowed lateness. It never goes down. A window whose end is at or before the
 * watermark is closed: its result is final and events that still belong to it are late.
 */

export const DEFAULT_ALLOWED_LATENESS_MS = 10 * 60_000;

export class Watermark {
  private maxEventTime: number;

  /** `restored`: a watermark stored earlier, so a restarted consumer closes the same windows. */
  constructor(
    readonly allowedLatenessMs = DEFAULT_ALLOWED_LATENESS_MS,
    restored: number | null = null,
  ) {
    this.maxEventTime = restored === null ? Number.NEGATIVE_INFINITY : restored + allowedLatenessMs;
  }

  /** Current watermark (epoch ms); -Infinity before the first event. */
  get value(): number {
    return this.maxEventTime - this.allowedLatenessMs;
  }

  /** Whether the window ending at `end` is closed. */
  closes(end: number): boolean {
    return end <= this.value;
  }

  observe(eventTime: number): void {
    if (eventTime > this.maxEventTime) this.maxEventTime = eventTime;
  }
}
