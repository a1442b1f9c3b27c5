/**
 * Local-time values that the config (runtime/config.ts) and the components accept, parsed here so
 * that the config validates them without importing a component: IANA zones (alert rules, the
 * responsiveness stage) and a day's working hours (processors/responsiveness/working-hours.ts).
 */

/** Does the platform know `name` as an IANA time zone (e.g. Asia/Jakarta)? */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

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
