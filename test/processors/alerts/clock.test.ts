import { describe, expect, it } from "vitest";
import { hourOfWeek, minuteOfDay, quietUntil } from "../../../processors/alerts/clock.js";
import { START, wib } from "./helpers.js";

const NIGHT = { from: 22 * 60, to: 6 * 60 };

describe("local time", () => {
  it("counts the hour of the week from Monday 00:00 in the zone", () => {
    expect(hourOfWeek(START, "Asia/Jakarta")).toBe(0);
    expect(hourOfWeek(wib(0, 13, 59), "Asia/Jakarta")).toBe(13);
    expect(hourOfWeek(wib(6, 23, 30), "Asia/Jakarta")).toBe(167);
    expect(hourOfWeek(wib(7, 0), "Asia/Jakarta")).toBe(0);
    // The same instant is Sunday 17:00 in UTC, and Monday 01:00 in Jayapura (WIT, UTC+9).
    expect(hourOfWeek(START, "UTC")).toBe(6 * 24 + 17);
    expect(hourOfWeek(START, "Asia/Jayapura")).toBe(2);
    expect(minuteOfDay(wib(3, 22, 15), "Asia/Jakarta")).toBe(22 * 60 + 15);
  });

  it("follows daylight saving where a zone has it", () => {
    // Europe/Amsterdam: 2024-03-31 02:00 CET became 03:00 CEST (Sunday).
    expect(hourOfWeek(Date.UTC(2024, 2, 31, 0, 30), "Europe/Amsterdam")).toBe(6 * 24 + 1);
    expect(hourOfWeek(Date.UTC(2024, 2, 31, 1, 30), "Europe/Amsterdam")).toBe(6 * 24 + 3);
  });

  it("ends quiet hours that wrap midnight at their local end, and knows when it is not quiet", () => {
    expect(quietUntil(wib(0, 23, 10), NIGHT, "Asia/Jakarta")).toBe(wib(1, 6));
    expect(quietUntil(wib(1, 2, 0), NIGHT, "Asia/Jakarta")).toBe(wib(1, 6));
    expect(quietUntil(wib(1, 22, 0), NIGHT, "Asia/Jakarta")).toBe(wib(2, 6));
    expect(quietUntil(wib(1, 6, 0), NIGHT, "Asia/Jakarta")).toBeNull();
    expect(quietUntil(wib(1, 21, 59), NIGHT, "Asia/Jakarta")).toBeNull();
    expect(quietUntil(wib(1, 12, 30), { from: 12 * 60, to: 13 * 60 }, "Asia/Jakarta")).toBe(wib(1, 13));
  });
});
