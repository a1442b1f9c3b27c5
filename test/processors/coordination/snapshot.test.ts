import { describe, expect, it } from "vitest";
import { createSyntheticIngestor, SYNTHETIC_DEFAULTS } from "../../../ingestors/synthetic/index.js";
import {
  CoordinationDetector,
  type CoordinationItem,
  type CoordinationSnapshot,
  coordinationItem,
} from "../../../processors/coordination/index.js";

const START = SYNTHETIC_DEFAULTS.startTime;

async function items(): Promise<CoordinationItem[]> {
  const out: CoordinationItem[] = [];
  const ingestor = createSyntheticIngestor({
    speed: 0,
    mentionsPerMinute: 60,
    scenarios: [
      { type: "coordinated-campaign", agency: "polri", startMinute: 2, durationMinutes: 45, accounts: 15 },
      { type: "headline-quoted", agency: "kpk", startMinute: 5, quotes: 40 },
    ],
  });
  for await (const event of ingestor.events(new AbortController().signal)) {
    if (event.type !== "mention") continue;
    if (event.mention.eventTime >= START + 50 * 60_000) break;
    out.push(coordinationItem(event.mention));
  }
  return out;
}

describe("coordination detector snapshots", () => {
  it("goes on after a restore through JSON exactly as the detector that was never stopped", async () => {
    const all = await items();
    const uninterrupted = new CoordinationDetector();
    for (const item of all) uninterrupted.add(item);
    const expected = uninterrupted.campaigns();
    expect(expected).toHaveLength(1);
    expect(expected[0]?.accounts).toHaveLength(15);

    // Stopped twice, at arbitrary points (mid-wave among them), and restored from the stored JSON.
    let detector = new CoordinationDetector();
    const cuts = [Math.floor(all.length / 3), Math.floor((all.length * 5) / 7)];
    all.forEach((item, i) => {
      if (cuts.includes(i)) {
        const stored = JSON.stringify(detector.snapshot());
        detector = CoordinationDetector.restore(JSON.parse(stored) as CoordinationSnapshot);
      }
      detector.add(item);
    });
    expect(detector.campaigns()).toEqual(expected);
    expect(detector.size).toEqual(uninterrupted.size);
  });

  it("restores an empty detector and refuses an unknown version", () => {
    const empty = CoordinationDetector.restore(JSON.parse(JSON.stringify(new CoordinationDetector().snapshot())));
    expect(empty.size).toEqual({ accounts: 0, pairs: 0, events: 0, buckets: 0 });
    expect(() => CoordinationDetector.restore({ version: 2 } as unknown as CoordinationSnapshot)).toThrow(/version 2/);
  });
});
