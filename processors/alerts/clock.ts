/**
 * Local time in an IANA zone, for the hour of the week (baseline slots) and quiet hours. The zone's
 * UTC offset is looked up once per UTC hour and kept per zone and hour: a detector steps minute
 * after minute (one lookup in sixty steps), and the responsiveness stage asks for the hour of a
 * mention and then for the days its answer is due in, in turn, which a single cached hour missed
 * every time (Intl's formatToParts for each mention, bench:full).
 */
import { MINUTE_MS } from "./series.js";

const HOUR_MS = 3_600_000;
const DAY_MINUTES = 1440;
/** Hours kept per zone (a year's worth, about 200 KB); past it the zone's hours start afresh. */
const HOURS_KEPT = 9000;

interface ZoneOffsets {
  format: Intl.DateTimeFormat;
  /** Offset in ms by UTC hour number. */
  byHour: Map<number, number>;
}

const zones = new Map<string, ZoneOffsets>();

/** The zone's offset from UTC at `time`, ms (Asia/Jakarta: +7 h). */
export function zoneOffsetMs(time: number, timeZone: string): number {
  let zone = zones.get(timeZone);
  if (!zone) {
    const format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    zone = { format, byHour: new Map() };
    zones.set(timeZone, zone);
  }
  const hour = Math.floor(time / HOUR_MS);
  const known = zone.byHour.get(hour);
  if (known !== undefined) return known;
  const parts: Record<string, number> = {};
  for (const part of zone.format.formatToParts(hour * HOUR_MS)) parts[part.type] = Number(part.value);
  const local = Date.UTC(
    parts.year as number,
    (parts.month as number) - 1,
    parts.day as number,
    parts.hour as number,
    parts.minute as number,
  );
  const offsetMs = local - hour * HOUR_MS;
  if (zone.byHour.size >= HOURS_KEPT) zone.byHour.clear();
  zone.byHour.set(hour, offsetMs);
  return offsetMs;
}

/** Hour of the week in the zone: 0 is Monday 00:00-00:59, 167 Sunday 23:00-23:59. */
export function hourOfWeek(time: number, timeZone: string): number {
  const localHours = Math.floor((time + zoneOffsetMs(time, timeZone)) / HOUR_MS);
  // 1970-01-01 was a Thursday: day 0 is weekday 3 counting from Monday.
  const weekday = (Math.floor(localHours / 24) + 3) % 7;
  return weekday * 24 + (localHours % 24);
}

/** Minutes since local midnight in the zone. */
export function minuteOfDay(time: number, timeZone: string): number {
  const localMinutes = Math.floor((time + zoneOffsetMs(time, timeZone)) / MINUTE_MS);
  return ((localMinutes % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
}

/**
 * When the quiet period holding `time` ends (epoch ms), or null when `time` is outside it. Quiet
 * hours are [from, to) in local minutes of the day and may wrap midnight (22:00-06:00). The end is
 * computed with the offset in force at `time`: exact in zones without daylight saving (all of
 * Indonesia's).
 */
export function quietUntil(time: number, hours: { from: number; to: number }, timeZone: string): number | null {
  const now = minuteOfDay(time, timeZone);
  const inside = hours.from < hours.to ? now >= hours.from && now < hours.to : now >= hours.from || now < hours.to;
  if (!inside) return null;
  const minutesLeft = (hours.to - now + DAY_MINUTES) % DAY_MINUTES;
  return Math.floor(time / MINUTE_MS) * MINUTE_MS + minutesLeft * MINUTE_MS;
}
