/**
 * The period a report covers: whole days, `from` to `to` both included as a head of humas writes
 * them (`--from 2026-11-01 --to 2026-11-30`), held as [from, end) with `end` the day after `to`, as
 * the queries of docs/analysts.md take them. The period before it has the same length and ends
 * where it starts. Days are the views' days: UTC for the mention and web views, the agency's local
 * day for responsiveness (docs/analysts.md).
 */

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A request a report cannot be made for: the message says what to change. */
export class ReportInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReportInputError";
  }
}

export interface Period {
  /** First day, YYYY-MM-DD. */
  from: string;
  /** The day after the last one (excluded), YYYY-MM-DD. */
  end: string;
  days: number;
}

const dayText = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Epoch ms of a YYYY-MM-DD day (UTC midnight); a ReportInputError naming `what` when it is no date. */
export function parseDay(text: string, what: string): number {
  const match = DATE.exec(text);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  if (!match || Number.isNaN(ms) || dayText(ms) !== text) {
    throw new ReportInputError(`${what} "${text}" is not a date; expected YYYY-MM-DD, e.g. 2026-11-01`);
  }
  return ms;
}

/**
 * The period `from`..`to` (both included), checked: the end not before the start, and no day
 * older than the raw rows' retention (`retentionDays` before `today`), whose tables the report
 * reads (top posts, voices, segments, influence): a report over days Simak no longer holds would
 * show zeros as if nothing had been said.
 */
export function reportPeriod(from: string, to: string, retentionDays: number, today = Date.now()): Period {
  const start = parseDay(from, "--from");
  const last = parseDay(to, "--to");
  if (last < start) throw new ReportInputError(`the period ends (--to ${to}) before it starts (--from ${from})`);
  const days = Math.round((last - start) / DAY_MS) + 1;
  const oldest = Math.floor(today / DAY_MS) * DAY_MS - (retentionDays - 1) * DAY_MS;
  if (days > retentionDays) {
    throw new ReportInputError(
      `the period is ${days} days long, longer than the ${retentionDays} days of mentions Simak keeps (SIMAK_RETENTION_RAW_DAYS)`,
    );
  }
  if (start < oldest) {
    throw new ReportInputError(
      `the period starts on ${from}, before the oldest day Simak still holds (${dayText(oldest)}: mentions are kept ${retentionDays} days, SIMAK_RETENTION_RAW_DAYS)`,
    );
  }
  return { from, end: dayText(last + DAY_MS), days };
}

/** The period of the same length just before `period`. */
export function previousPeriod(period: Period): Period {
  const start = parseDay(period.from, "from");
  return { from: dayText(start - period.days * DAY_MS), end: period.from, days: period.days };
}

/** The last day of the period (included), YYYY-MM-DD. */
export function lastDay(period: Period): string {
  return dayText(parseDay(period.end, "end") - DAY_MS);
}

export type Cadence = "weekly" | "monthly";

/**
 * The last complete period of `cadence` before `now`: the previous Monday-to-Sunday week, or the
 * previous calendar month, in days of `zone` (a report for November is due once November has
 * ended where the agency is).
 */
export function lastCompletePeriod(cadence: Cadence, zone: string, now = Date.now()): Period {
  const local = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" })
    .format(now)
    .slice(0, 10);
  const today = parseDay(local, "today");
  if (cadence === "weekly") {
    // 1970-01-01 was a Thursday: days since the last Monday.
    const sinceMonday = (Math.floor(today / DAY_MS) + 3) % 7;
    const monday = today - sinceMonday * DAY_MS;
    return { from: dayText(monday - 7 * DAY_MS), end: dayText(monday), days: 7 };
  }
  const date = new Date(today);
  const first = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  const previous = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - 1, 1);
  return { from: dayText(previous), end: dayText(first), days: Math.round((first - previous) / DAY_MS) };
}
