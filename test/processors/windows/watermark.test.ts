import { describe, expect, it } from "vitest";
import { DEFAULT_ALLOWED_LATENESS_MS, Watermark } from "../../../processors/windows/index.js";
import { MIN, T0 } from "./helpers.js";

describe("watermark", () => {
  it("is the largest event time minus 10 minutes by default, and never goes down", () => {
    expect(DEFAULT_ALLOWED_LATENESS_MS).toBe(10 * MIN);
    const watermark = new Watermark();
    expect(watermark.value).toBe(Number.NEGATIVE_INFINITY);
    watermark.observe(T0 + 15 * MIN);
    expect(watermark.value).toBe(T0 + 5 * MIN);
    watermark.observe(T0 + 12 * MIN);
    expect(watermark.value).toBe(T0 + 5 * MIN);
  });

  it("closes a window whose end equals the watermark, not one ending a millisecond later", () => {
    const watermark = new Watermark(10 * MIN);
    watermark.observe(T0 + 11 * MIN);
    expect(watermark.closes(T0 + MIN)).toBe(true);
    expect(watermark.closes(T0 + MIN + 1)).toBe(false);
  });

  it("continues from a restored value", () => {
    const watermark = new Watermark(2 * MIN, T0);
    expect(watermark.value).toBe(T0);
    watermark.observe(T0 + MIN);
    expect(watermark.value).toBe(T0);
    watermark.observe(T0 + 3 * MIN);
    expect(watermark.value).toBe(T0 + MIN);
  });

  it("never advances past the processing clock plus 5 minutes, and reports later times as future", () => {
    const now = T0 + 60 * MIN;
    const watermark = new Watermark(10 * MIN, null, () => now);
    watermark.observe(Date.UTC(2100, 0, 1));
    expect(watermark.value).toBe(now + 5 * MIN - 10 * MIN);
    expect(watermark.isFuture(now + 5 * MIN)).toBe(false);
    expect(watermark.isFuture(now + 5 * MIN + 1)).toBe(true);
    expect(watermark.closes(now - 5 * MIN + 1)).toBe(false);
  });

  it("clamps a restored watermark to the clock", () => {
    const now = T0 + 60 * MIN;
    const watermark = new Watermark(10 * MIN, Date.UTC(2100, 0, 1), () => now);
    expect(watermark.value).toBe(now - 5 * MIN);
    expect(new Watermark(10 * MIN, T0, () => now).value).toBe(T0);
  });
});
