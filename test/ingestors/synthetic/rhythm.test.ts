import { describe, expect, it } from "vitest";
import { createSyntheticIngestor } from "../../../ingestors/synthetic/index.js";
import { collect, eventTime, mentions } from "../events.js";

const HOUR_MS = 3_600_000;
/** Monday 2 June 2025, 00:00 WIB. */
const MIDNIGHT_WIB = Date.UTC(2025, 5, 1, 17);

describe("synthetic daily rhythm (WIB)", () => {
  it("is quiet at night, and averages mentionsPerMinute over 08:00-22:00", async () => {
    const mentionsPerMinute = 30;
    const ingestor = createSyntheticIngestor({ speed: 0, startTime: MIDNIGHT_WIB, mentionsPerMinute });
    const events = await collect(ingestor, (event) => (eventTime(event) as number) >= MIDNIGHT_WIB + 24 * HOUR_MS);
    const perHour = new Array<number>(24).fill(0);
    for (const m of mentions(events)) {
      const hour = Math.floor((m.eventTime - MIDNIGHT_WIB) / HOUR_MS);
      if (hour < 24) perHour[hour] = (perHour[hour] ?? 0) + 1;
    }
    const meanPerHour = (from: number, to: number) => perHour.slice(from, to).reduce((a, b) => a + b, 0) / (to - from);

    const night = meanPerHour(1, 5); // 01:00-05:00
    const day = meanPerHour(9, 21); // 09:00-21:00
    // The configured curve gives 0.20; allow for Poisson noise (about 1400 night mentions).
    expect(night / day).toBeGreaterThan(0.16);
    expect(night / day).toBeLessThan(0.25);
    expect(meanPerHour(8, 22) / 60 / mentionsPerMinute).toBeCloseTo(1, 1);
    // Evenings are the busiest.
    expect(meanPerHour(19, 22)).toBeGreaterThan(meanPerHour(14, 17));
  });
});
