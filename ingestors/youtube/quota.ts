/**
 * The YouTube Data API's daily quota (developers.google.com/youtube/v3/determine_quota_cost):
 * every call costs units (search.list 100, videos.list, commentThreads.list and comments.list 1),
 * every page again, out of a daily budget that resets at midnight Pacific time. The governor
 * counts what was spent today, waits for the reset before a call that would eat into the
 * reserve, and after a quotaExceeded answer treats the day as spent.
 */
import type { Clock } from "../../runtime/http-client.js";

export const UNITS = { search: 100, videos: 1, commentThreads: 1, comments: 1 } as const;

const PACIFIC = new Intl.DateTimeFormat("en-CA", {
  timeZone: "America/Los_Angeles",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/** The wall-clock time in Los Angeles, read as if it were UTC (epoch ms). */
function pacificAsUtc(ms: number): number {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of PACIFIC.formatToParts(ms)) parts[part.type] = Number(part.value);
  const { year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** The Pacific calendar day of `ms` (YYYY-MM-DD). */
export function pacificDay(ms: number): string {
  return new Date(pacificAsUtc(ms)).toISOString().slice(0, 10);
}

/** The next midnight in Los Angeles after `ms` (epoch ms), daylight saving time included. */
export function nextPacificMidnight(ms: number): number {
  const local = new Date(pacificAsUtc(ms));
  const midnight = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1);
  // Offset of Los Angeles from UTC near that midnight (it may differ from now's across a DST change).
  let guess = midnight + (ms - pacificAsUtc(ms));
  guess += midnight - pacificAsUtc(guess);
  return guess;
}

export interface QuotaState {
  day: string;
  used: number;
}

export class QuotaGovernor {
  private state: QuotaState;

  constructor(
    private readonly daily: number,
    private readonly reserve: number,
    private readonly clock: Clock,
    stored?: QuotaState,
  ) {
    const today = pacificDay(clock.now());
    this.state = stored && stored.day === today ? { ...stored } : { day: today, used: 0 };
  }

  /** Units spent today (Pacific). */
  snapshot(): QuotaState {
    this.roll();
    return { ...this.state };
  }

  /** Counts `units` against today's quota, first waiting for the reset when they would eat into the reserve. */
  async spend(units: number, signal: AbortSignal): Promise<void> {
    this.roll();
    if (this.state.used + units > this.daily - this.reserve) {
      await this.clock.sleep(nextPacificMidnight(this.clock.now()) - this.clock.now(), signal);
      this.roll();
    }
    this.state.used += units;
  }

  /** True when `units` can be spent now, without waiting for the reset. */
  available(units: number): boolean {
    this.roll();
    return this.state.used + units <= this.daily - this.reserve;
  }

  /** The platform said quotaExceeded: nothing more today. */
  exhaust(): void {
    this.roll();
    this.state.used = this.daily;
  }

  private roll(): void {
    const today = pacificDay(this.clock.now());
    if (today !== this.state.day) this.state = { day: today, used: 0 };
  }
}
