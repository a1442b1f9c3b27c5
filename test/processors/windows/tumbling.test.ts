import { describe, expect, it } from "vitest";
import { windowEnd, windowStart } from "../../../processors/windows/index.js";
import { MIN, T0 } from "./helpers.js";

describe("tumbling window assignment", () => {
  it("puts an event exactly on a minute boundary in the window starting there", () => {
    expect(windowStart(T0)).toBe(T0);
    expect(windowStart(T0 + MIN)).toBe(T0 + MIN);
  });

  it("puts the last millisecond of a minute in that minute", () => {
    expect(windowStart(T0 + MIN - 1)).toBe(T0);
    expect(windowStart(T0 - 1)).toBe(T0 - MIN);
  });

  it("ends a window one size after its start (exclusive) and takes other sizes", () => {
    expect(windowEnd(T0)).toBe(T0 + MIN);
    expect(windowStart(T0 + 59 * MIN + 59_999, 3_600_000)).toBe(T0);
    expect(windowEnd(T0, 3_600_000)).toBe(T0 + 60 * MIN);
  });
});
