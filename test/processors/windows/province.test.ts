import { describe, expect, it } from "vitest";
import { PartitionWindows } from "../../../processors/windows/index.js";
import { MIN, T0, tagged } from "./helpers.js";

describe("window deltas by province", () => {
  it("keeps the all and agency scopes per province of the mention's place, and query scopes not", () => {
    const windows = new PartitionWindows({ allowedLatenessMs: 10 * MIN });
    const topics = [{ queryId: "q", agency: "bpjs" }];
    windows.add(tagged({ id: "1", at: T0, topics, sentiment: ["negative", -1], place: ["32", "32.74"] }));
    windows.add(tagged({ id: "2", at: T0 + 1_000, topics, sentiment: ["negative", -1], place: ["32", null] }));
    windows.add(tagged({ id: "3", at: T0 + 2_000, topics, sentiment: ["negative", -1], place: ["35", "35.78"] }));
    windows.add(tagged({ id: "4", at: T0 + 3_000, topics, sentiment: ["negative", -1] }));
    const cells = windows
      .flush()
      .deltas.map((delta) => [delta.scope.kind, delta.province, delta.mentions])
      .sort((a, b) => String(a).localeCompare(String(b)));
    expect(cells).toEqual([
      ["agency", "", 1],
      ["agency", "32", 2],
      ["agency", "35", 1],
      ["all", "", 1],
      ["all", "32", 2],
      ["all", "35", 1],
      ["query", "", 4],
    ]);
  });
});
