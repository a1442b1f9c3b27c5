/** How the Sumber page classifies a source from its stored status (dashboard/server/sources.ts). */
import { describe, expect, it } from "vitest";
import { type SourceReading, sourceHealth } from "../../dashboard/server/sources.js";

const NOW = Date.UTC(2026, 11, 5, 4, 0);
const MINUTE = 60_000;

function reading(changes: Partial<SourceReading> = {}, status: Partial<NonNullable<SourceReading["status"]>> = {}) {
  return {
    id: "berita",
    type: "rss",
    expectedSilenceMs: 9 * MINUTE,
    status: {
      updatedAt: NOW,
      lastItemAt: NOW - 2 * MINUTE,
      newestEventTime: NOW - 5 * MINUTE,
      itemsLastHour: 12,
      invalidLastHour: 0,
      rateLimitedUntil: null,
      ...status,
    },
    lastFetchAt: null,
    lastError: null,
    ...changes,
  } satisfies SourceReading;
}

describe("source health", () => {
  it("is ok with recent items, and reads lag and counts from the status", () => {
    expect(sourceHealth(reading(), NOW)).toEqual({
      id: "berita",
      type: "rss",
      state: "ok",
      lastSuccessAt: NOW - 2 * MINUTE,
      itemsLastHour: 12,
      lagSeconds: 300,
      rateLimitedUntil: null,
      rateLimitedSecondsLastHour: 0,
      deadLettersLastHour: 0,
      requestErrorsLastHour: 0,
      lastError: null,
      expectedSilenceMs: 9 * MINUTE,
      silentForMs: null,
    });
  });

  it("counts a feed fetched without new items (its checkpoint) as a success, not silence", () => {
    const fetched = reading({ lastFetchAt: NOW - MINUTE }, { lastItemAt: NOW - 60 * MINUTE });
    expect(sourceHealth(fetched, NOW)).toMatchObject({ state: "ok", lastSuccessAt: NOW - MINUTE });
  });

  it("is silent past its expected silence, whatever else; rate-limited before errors", () => {
    expect(sourceHealth(reading({}, { lastItemAt: NOW - 10 * MINUTE, invalidLastHour: 2 }), NOW)).toMatchObject({
      state: "silent",
      silentForMs: 10 * MINUTE,
    });
    expect(sourceHealth(reading({}, { rateLimitedUntil: NOW + MINUTE, invalidLastHour: 2 }), NOW).state).toBe(
      "rateLimited",
    );
    expect(sourceHealth(reading({}, { rateLimitedUntil: NOW - MINUTE }), NOW)).toMatchObject({
      state: "ok",
      rateLimitedUntil: null,
    });
    expect(sourceHealth(reading({}, { requestErrorsLastHour: 1 }), NOW).state).toBe("errors");
    // A push source with no expectation is never silent.
    expect(sourceHealth(reading({ expectedSilenceMs: null }, { lastItemAt: NOW - 600 * MINUTE }), NOW).state).toBe(
      "ok",
    );
  });

  it("has errors when a stream's last error is newer than its last success; waits when nothing is known", () => {
    const failing = reading({ lastError: { at: NOW - MINUTE, text: "HTTP 404" } });
    expect(sourceHealth(failing, NOW)).toMatchObject({
      state: "errors",
      lastError: `${new Date(NOW - MINUTE).toISOString()} HTTP 404`,
    });
    expect(sourceHealth(reading({ status: null }), NOW)).toMatchObject({ state: "waiting", lastSuccessAt: null });
    expect(sourceHealth(reading({ status: null, lastError: { at: NOW, text: "DNS" } }), NOW).state).toBe("errors");
  });
});
