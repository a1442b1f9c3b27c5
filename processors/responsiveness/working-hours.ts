/**
 * Working time in an agency's zone: when an item asked at some moment is due, counting only
 * working hours (default Monday to Friday, 08:00-16:00 local; no public holidays), and the local day
 * and week an item belongs to. Local times come from the zone's UTC offset (processors/alerts/clock.ts):
 * exact in zones without daylight saving, which is all of Indonesia's.
 */
import { zoneOffsetMs } from "../alerts/clock.js";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export interface WorkingHours {
  /** ISO weekdays worked: 1 Monday ... 7 Sunday. */
  days: readonly number[];
  /** Local minutes of the day: work runs [start, end). */
  startMinute: number;
  endMinute: number;
  /** IANA zone, e.g. Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT). */
  timeZone: string;
}

export const DEFAULT_WORKING_HOURS: WorkingHours = {
  days: [1, 2, 3, 4, 5],
  startMinute: 8 * 60,
  endMinute: 16 * 60,
  timeZone: "Asia/Jakarta",
};

/** "08:00-16:00" -> local minutes; throws naming the problem. */
export function parseDailyHours(spec: string): { startMinute: number; endMinute: number } {
  const match = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(spec.trim());
  if (!match) throw new Error(`expected HH:MM-HH:MM, got "${spec}"`);
  const [startHour, startMin, endHour, endMin] = match.slice(1).map(Number) as [number, number, number, number];
  const startMinute = startHour * 60 + startMin;
  const endMinute = endHour * 60 + endMin;
  if (startMin > 59 || endMin > 59 || endMinute > 24 * 60 || startMinute >= endMinute) {
    throw new Error(`expected a start before the end within one day, got "${spec}"`);
  }
  return { startMinute, endMinute };
}

/** ISO weekday (1 Monday ... 7 Sunday) of a local day number (days since 1970-01-01, a Thursday). */
function isoWeekday(localDay: number): number {
  return ((((localDay + 3) % 7) + 7) % 7) + 1;
}

/**
 * The moment `durationMs` of working time after `from`: time outside working hours (nights,
 * non-working days) does not count, so an item asked on Friday at 15:00 with 4 hours to answer is due
 * on Monday at 11:00. An item asked outside working hours starts counting at the next opening.
 */
export function addWorkingTime(from: number, durationMs: number, hours: WorkingHours): number {
  const open = hours.startMinute * MINUTE_MS;
  const close = hours.endMinute * MINUTE_MS;
  if (hours.days.length === 0 || close <= open) throw new Error("working hours must hold some time every week");
  let left = durationMs;
  let time = from;
  for (;;) {
    const offset = zoneOffsetMs(time, hours.timeZone);
    const local = time + offset;
    const day = Math.floor(local / DAY_MS);
    const midnight = day * DAY_MS;
    if (hours.days.includes(isoWeekday(day)) && local < midnight + close) {
      const begin = Math.max(local, midnight + open);
      if (begin + left <= midnight + close) return begin + left - offset;
      left -= midnight + close - begin;
    }
    time = midnight + DAY_MS - offset;
  }
}

/** The local calendar day of `time` in the zone, as YYYY-MM-DD. */
export function localDate(time: number, timeZone: string): string {
  return new Date(Math.floor((time + zoneOffsetMs(time, timeZone)) / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/** The Monday of the local week of `time` in the zone, as YYYY-MM-DD. */
export function localWeek(time: number, timeZone: string): string {
  const day = Math.floor((time + zoneOffsetMs(time, timeZone)) / DAY_MS);
  return new Date((day - (isoWeekday(day) - 1)) * DAY_MS).toISOString().slice(0, 10);
}
