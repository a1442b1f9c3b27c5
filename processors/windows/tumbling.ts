/**
 * Tumbling windows: fixed-size, non-overlapping event-time intervals [start, start + size). An
 * event at exactly a boundary belongs to the window that starts there.
 */

export const MINUTE_MS = 60_000;

/** Start (epoch ms) of the tumbling window of `sizeMs` holding `eventTime`. */
export function windowStart(eventTime: number, sizeMs = MINUTE_MS): number {
  return Math.floor(eventTime / sizeMs) * sizeMs;
}

/** End (exclusive, epoch ms) of the window starting at `start`. */
export function windowEnd(start: number, sizeMs = MINUTE_MS): number {
  return start + sizeMs;
}
