/** Numbers and times in the Indonesian locale, times in the configured zone with its name. */
export type TimeZone = "Asia/Jakarta" | "Asia/Makassar" | "Asia/Jayapura";

const ZONES: Record<TimeZone, { name: string; offsetHours: number }> = {
  "Asia/Jakarta": { name: "WIB", offsetHours: 7 },
  "Asia/Makassar": { name: "WITA", offsetHours: 8 },
  "Asia/Jayapura": { name: "WIT", offsetHours: 9 },
};

let zone: TimeZone = "Asia/Jakarta";
const numbers = new Intl.NumberFormat("id-ID", { maximumFractionDigits: 2 });
const compact = new Intl.NumberFormat("id-ID", { notation: "compact", maximumFractionDigits: 1 });
const DATE_TIME: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeStyle: "short" };
const TICK: Intl.DateTimeFormatOptions = { day: "2-digit", month: "short", hour: "2-digit", minute: "2-digit" };
const formatter = (options: Intl.DateTimeFormatOptions) =>
  new Intl.DateTimeFormat("id-ID", { ...options, timeZone: zone });
let dateTime = formatter(DATE_TIME);
let tick = formatter(TICK);

export function setTimeZone(next: TimeZone): void {
  zone = next;
  dateTime = formatter(DATE_TIME);
  tick = formatter(TICK);
}

export const zoneName = () => ZONES[zone].name;

export const formatNumber = (value: number) => numbers.format(value);
export const formatCompact = (value: number) => compact.format(value);
export const formatPercent = (share: number) => `${numbers.format(share * 100)}%`;

/** ClickHouse DateTime64 text ("2026-05-01 10:00:00.000", UTC) or epoch milliseconds. */
export function toMs(value: string | number): number {
  return typeof value === "number" ? value : Date.parse(`${value.replace(" ", "T")}Z`);
}

export const formatDateTime = (value: string | number) => `${dateTime.format(toMs(value))} ${zoneName()}`;
export const formatTick = (value: string | number) => tick.format(toMs(value));

/** A datetime-local input's value, read as wall time in the configured zone (no daylight saving). */
export function wallTimeToIso(value: string): string {
  const offset = ZONES[zone].offsetHours;
  return `${value}:00+${String(offset).padStart(2, "0")}:00`;
}
