import { describe, expect, it } from "vitest";
import { engagementProblem, webEventProblem } from "../../../processors/normalise/index.js";
import type { EngagementEvent, WebTrafficEvent } from "../../../schemas/types.generated.js";

const NOW = Date.UTC(2026, 10, 27, 3);
const snapshot: EngagementEvent = {
  platform: "x",
  postId: "p1",
  eventTime: NOW - 60_000,
  likes: 3,
  shares: 1,
  replies: 0,
  views: 100,
  clicks: 0,
  source: "replay",
};
const visit: WebTrafficEvent = {
  id: "v1",
  site: "bpjs-kesehatan.go.id",
  agency: "BPJS Kesehatan",
  url: "https://bpjs-kesehatan.go.id/",
  kind: "visit",
  eventTime: NOW - 60_000,
  visitorId: null,
  count: 1,
  source: "replay",
};

describe("engagementProblem", () => {
  it("accepts a snapshot within bounds", () => {
    expect(engagementProblem(snapshot, NOW)).toBeNull();
  });

  it("refuses negative and fractional counts, long ids and times out of range, each with its code", () => {
    expect(engagementProblem({ ...snapshot, likes: -1 }, NOW)).toEqual({
      code: "INVALID_COUNT",
      reason: "likes is -1; expected a whole number of at least 0",
    });
    expect(engagementProblem({ ...snapshot, views: 2.5 }, NOW)?.code).toBe("INVALID_COUNT");
    expect(engagementProblem({ ...snapshot, postId: "p".repeat(513) }, NOW)?.code).toBe("ID_TOO_LONG");
    expect(engagementProblem({ ...snapshot, eventTime: 946_684_799_999 }, NOW)?.code).toBe("EVENT_TIME_OUT_OF_RANGE");
    expect(engagementProblem({ ...snapshot, eventTime: NOW + 300_001 }, NOW)?.code).toBe("EVENT_TIME_OUT_OF_RANGE");
    expect(engagementProblem({ ...snapshot, eventTime: NOW + 300_000 }, NOW)).toBeNull();
  });
});

describe("webEventProblem", () => {
  it("accepts an event within bounds and refuses each kind of bad field", () => {
    expect(webEventProblem(visit, NOW)).toBeNull();
    expect(webEventProblem({ ...visit, count: -2 }, NOW)?.code).toBe("INVALID_COUNT");
    expect(webEventProblem({ ...visit, visitorId: "v".repeat(600) }, NOW)?.code).toBe("ID_TOO_LONG");
    expect(webEventProblem({ ...visit, eventTime: Date.UTC(2100, 0, 1) }, NOW)?.code).toBe("EVENT_TIME_OUT_OF_RANGE");
  });
});
