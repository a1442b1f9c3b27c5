/** The persepsi index and the rule of its direction, shared by the persepsi_trend view and the dashboard. */
import { describe, expect, it } from "vitest";
import { persepsiDirection, persepsiIndex } from "../../../processors/windows/index.js";

const counts = (positive: number, neutral: number, negative: number) => ({ positive, neutral, negative });

describe("persepsi index and direction", () => {
  it("is net sentiment over labelled mentions, null without any", () => {
    expect(persepsiIndex(counts(30, 50, 20))).toBe(10);
    expect(persepsiIndex(counts(0, 3, 3))).toBe(-50);
    expect(persepsiIndex(counts(0, 0, 0))).toBeNull();
  });

  it("moves only beyond the 10-point dead band", () => {
    // previous index 10; 21 is 11 points up, 20 exactly 10 (steady), -1 is 11 points down.
    expect(persepsiDirection(counts(41, 39, 20), counts(30, 50, 20))).toBe("rising");
    expect(persepsiDirection(counts(40, 40, 20), counts(30, 50, 20))).toBe("steady");
    expect(persepsiDirection(counts(30, 40, 30), counts(30, 50, 20))).toBe("steady");
    expect(persepsiDirection(counts(29, 41, 30), counts(30, 50, 20))).toBe("falling");
  });

  it("needs 20 labelled mentions in each window", () => {
    expect(persepsiDirection(counts(19, 0, 0), counts(0, 0, 20))).toBe("insufficient");
    expect(persepsiDirection(counts(20, 0, 0), counts(0, 0, 19))).toBe("insufficient");
    expect(persepsiDirection(counts(20, 0, 0), counts(0, 0, 20))).toBe("rising");
  });
});
