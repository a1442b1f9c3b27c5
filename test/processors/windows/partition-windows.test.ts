import { describe, expect, it } from "vitest";
import { type FinalisedDelta, PartitionWindows } from "../../../processors/windows/index.js";
import { MIN, T0, tagged } from "./helpers.js";

/** The deltas of a flush as plain comparable rows, sorted. */
function cells(deltas: FinalisedDelta[]) {
  return deltas
    .map((d) => ({
      window: (d.windowStart - T0) / MIN,
      scope: `${d.scope.kind}:${d.scope.id}:${d.scope.agency}`,
      platform: d.platform,
      sentiment: d.sentiment,
      mentions: d.mentions,
      reach: d.reach,
      likes: d.likes,
      views: d.views,
      score: d.sentimentScoreSum,
      authors: Object.fromEntries(d.authorFollowers),
      final: d.final,
    }))
    .sort(
      (a, b) =>
        a.window - b.window ||
        `${a.scope}${a.platform}${a.sentiment}`.localeCompare(`${b.scope}${b.platform}${b.sentiment}`),
    );
}

const bpjs = { queryId: "bpjs-antrean", agency: "BPJS Kesehatan" };
const bpjsObat = { queryId: "bpjs-obat", agency: "BPJS Kesehatan" };
const loose = { queryId: "umum", agency: null };

describe("PartitionWindows", () => {
  it("sums measures per window, scope, platform and sentiment, with distinct authors at their largest followers", () => {
    const windows = new PartitionWindows();
    const items = [
      tagged({
        id: "1",
        at: T0,
        author: "a",
        followers: 100,
        likes: 2,
        views: 10,
        sentiment: ["negative", -0.5],
        topics: [bpjs, bpjsObat],
      }),
      tagged({
        id: "2",
        at: T0 + 59_999,
        author: "a",
        followers: 120,
        likes: 1,
        sentiment: ["negative", -0.25],
        topics: [bpjs],
      }),
      tagged({ id: "3", at: T0 + 30_000, author: "b", followers: 5, topics: [loose] }),
      tagged({
        id: "4",
        at: T0 + MIN,
        author: "b",
        followers: 5,
        platform: "instagram",
        sentiment: ["positive", 0.75],
      }),
    ];
    for (const item of items) expect(windows.add(item)).toBe(true);
    const flush = windows.flush();
    // Largest event time T0+1min, lateness 10 min.
    expect(flush.watermark).toBe(T0 + MIN - 10 * MIN);
    expect(cells(flush.deltas)).toEqual([
      // minute 0: mentions 1 and 2 (negative, both BPJS queries' agency once each), 3 (unknown).
      {
        window: 0,
        scope: "agency:BPJS Kesehatan:BPJS Kesehatan",
        platform: "x",
        sentiment: "negative",
        mentions: 2,
        reach: 220,
        likes: 3,
        views: 10,
        score: -0.75,
        authors: { a: 120 },
        final: false,
      },
      {
        window: 0,
        scope: "all::",
        platform: "x",
        sentiment: "negative",
        mentions: 2,
        reach: 220,
        likes: 3,
        views: 10,
        score: -0.75,
        authors: { a: 120 },
        final: false,
      },
      {
        window: 0,
        scope: "all::",
        platform: "x",
        sentiment: "unknown",
        mentions: 1,
        reach: 5,
        likes: 0,
        views: 0,
        score: 0,
        authors: { b: 5 },
        final: false,
      },
      {
        window: 0,
        scope: "query:bpjs-antrean:BPJS Kesehatan",
        platform: "x",
        sentiment: "negative",
        mentions: 2,
        reach: 220,
        likes: 3,
        views: 10,
        score: -0.75,
        authors: { a: 120 },
        final: false,
      },
      {
        window: 0,
        scope: "query:bpjs-obat:BPJS Kesehatan",
        platform: "x",
        sentiment: "negative",
        mentions: 1,
        reach: 100,
        likes: 2,
        views: 10,
        score: -0.5,
        authors: { a: 100 },
        final: false,
      },
      {
        window: 0,
        scope: "query:umum:",
        platform: "x",
        sentiment: "unknown",
        mentions: 1,
        reach: 5,
        likes: 0,
        views: 0,
        score: 0,
        authors: { b: 5 },
        final: false,
      },
      // minute 1: mention 4 exactly on the boundary.
      {
        window: 1,
        scope: "all::",
        platform: "instagram",
        sentiment: "positive",
        mentions: 1,
        reach: 5,
        likes: 0,
        views: 0,
        score: 0.75,
        authors: { b: 5 },
        final: false,
      },
    ]);
    expect(windows.flush()).toEqual({ deltas: [], watermark: T0 - 9 * MIN });
  });

  it("counts an event late when its window ended at or before the watermark, and aggregates one a millisecond later", () => {
    const windows = new PartitionWindows({ allowedLatenessMs: 10 * MIN });
    expect(windows.add(tagged({ id: "1", at: T0 + 11 * MIN }))).toBe(true);
    // Watermark T0+1min: minute 0 [T0, T0+1min) is closed, minute 1 is open.
    expect(windows.add(tagged({ id: "2", at: T0 + MIN - 1 }))).toBe(false);
    expect(windows.add(tagged({ id: "3", at: T0 + MIN }))).toBe(true);
    const { deltas, watermark } = windows.flush();
    expect(watermark).toBe(T0 + MIN);
    expect(cells(deltas).map((c) => [c.window, c.mentions, c.final])).toEqual([
      [1, 1, false],
      [11, 1, false],
    ]);
  });

  it("updates a window with an event inside the allowed lateness and marks windows final once closed", () => {
    const windows = new PartitionWindows({ allowedLatenessMs: 2 * MIN });
    windows.add(tagged({ id: "1", at: T0 }));
    windows.flush();
    windows.add(tagged({ id: "2", at: T0 + 2 * MIN + 30_000 }));
    // Watermark T0+30s: minute 0 still open; a late-but-allowed event updates it.
    expect(windows.add(tagged({ id: "3", at: T0 + 10_000 }))).toBe(true);
    windows.add(tagged({ id: "4", at: T0 + 3 * MIN }));
    // Watermark T0+1min closes minute 0 at flush: its delta is final.
    const { deltas, watermark } = windows.flush();
    expect(watermark).toBe(T0 + MIN);
    expect(cells(deltas).map((c) => [c.window, c.mentions, c.final])).toEqual([
      [0, 1, true],
      [2, 1, false],
      [3, 1, false],
    ]);
  });

  it("makes the same decisions when restored from a stored watermark as when it ran on", () => {
    const events = [T0 + 12 * MIN, T0 + 2 * MIN, T0 + MIN + 59_999, T0 + 14 * MIN, T0 + 3 * MIN, T0 + 4 * MIN - 1];
    const whole = new PartitionWindows();
    const decisions = events.map((at, i) => whole.add(tagged({ id: String(i), at })));
    expect(decisions).toEqual([true, true, false, true, false, false]);

    const before = new PartitionWindows();
    for (const [i, at] of events.slice(0, 3).entries()) before.add(tagged({ id: String(i), at }));
    const restored = new PartitionWindows({ restoredWatermark: before.flush().watermark });
    expect(events.slice(3).map((at, i) => restored.add(tagged({ id: String(i + 3), at })))).toEqual(decisions.slice(3));
    expect(restored.flush().watermark).toBe(whole.flush().watermark);
  });
});
