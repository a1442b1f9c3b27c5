/**
 * The engagement refresher on a test clock: lookups at exactly 1, 5, 15, 60 minutes, then every
 * 6 hours up to 7 days after the post; an EngagementEvent only when a count changed; a post the
 * platform no longer has becomes a removal; the schedule survives a restart through its
 * checkpoint; a sample batched lookup (X's GET /2/tweets?ids=) against the fake platform server.
 */
import { describe, expect, it } from "vitest";
import {
  type BatchedLookup,
  type EngagementCounts,
  EngagementRefresher,
  type LookupResult,
  withRefresher,
} from "../../runtime/engagement-refresher.js";
import { HttpClient } from "../../runtime/http-client.js";
import type { SourceEvent } from "../../runtime/ingestor.js";
import { FakeClock, FakePlatformServer } from "../ingestors/fakes/platform-server.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2026, 11, 5, 3, 0);
const counts = (likes: number, views = 0): EngagementCounts => ({ likes, shares: 0, replies: 0, views, clicks: 0 });

/** A lookup answering from `answer(call, id)`, recording each call's time and ids. */
function recordingLookup(clock: FakeClock, answer: (call: number, id: string) => LookupResult | undefined) {
  const calls: { at: number; ids: string[] }[] = [];
  const lookup: BatchedLookup = async (ids) => {
    calls.push({ at: clock.now() - T0, ids: [...ids] });
    const found = new Map<string, LookupResult>();
    for (const id of ids) {
      const result = answer(calls.length, id);
      if (result) found.set(id, result);
    }
    return found;
  };
  return { calls, lookup };
}

/** Runs the refresher until it tracks nothing; returns its events but checkpoints. */
async function runToEnd(refresher: EngagementRefresher): Promise<SourceEvent[]> {
  const events: SourceEvent[] = [];
  const abort = new AbortController();
  for await (const event of refresher.run(abort.signal)) {
    if (event.type !== "checkpoint") events.push(event);
    else if (refresher.size === 0) break;
  }
  return events;
}

describe("engagement refresher", () => {
  it("looks up at 1, 5, 15, 60 minutes, then every 6 hours to 7 days; an event only when a count changed", async () => {
    const clock = new FakeClock(T0);
    // Likes go up on the 2nd and 5th lookups only.
    const { calls, lookup } = recordingLookup(clock, (call) => ({
      status: "found",
      counts: counts(call >= 5 ? 3 : call >= 2 ? 2 : 1, 10),
    }));
    const refresher = new EngagementRefresher({ source: "x-humas", platform: "x", lookup, clock });
    refresher.track("a", T0, counts(1, 10));
    const events = await runToEnd(refresher);
    const sixHourly = Array.from({ length: 28 }, (_, i) => (i + 1) * 6 * HOUR);
    expect(calls.map((call) => call.at)).toEqual([MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, ...sixHourly]);
    expect(calls.every((call) => call.ids.join() === "a")).toBe(true);
    expect(events).toEqual([
      {
        type: "engagement",
        engagement: { platform: "x", postId: "a", eventTime: T0 + 5 * MINUTE, ...counts(2, 10), source: "x-humas" },
      },
      {
        type: "engagement",
        engagement: { platform: "x", postId: "a", eventTime: T0 + 6 * HOUR, ...counts(3, 10), source: "x-humas" },
      },
    ]);
  });

  it("batches posts due together, turns a post gone into a removal, and skips steps a late-tracked post missed", async () => {
    const clock = new FakeClock(T0);
    const { calls, lookup } = recordingLookup(clock, (call, id) =>
      id === "b" && call === 3 ? { status: "removed", reason: "not_found" } : { status: "found", counts: counts(call) },
    );
    const refresher = new EngagementRefresher({ source: "x-humas", platform: "x", lookup, clock, batchSize: 2 });
    refresher.track("a", T0);
    refresher.track("b", T0);
    refresher.track("c", T0);
    // Published 2 hours ago: its first lookup is at 6 hours after it.
    refresher.track("old", T0 - 2 * HOUR);
    // Older than the schedule: not tracked.
    refresher.track("ancient", T0 - 8 * 24 * HOUR);
    expect(refresher.size).toBe(4);
    const abort = new AbortController();
    const seen: SourceEvent[] = [];
    for await (const event of refresher.run(abort.signal)) {
      seen.push(event);
      if (event.type === "checkpoint" && calls.length === 4) break;
    }
    expect(calls).toEqual([
      { at: MINUTE, ids: ["a", "b"] },
      { at: MINUTE, ids: ["c"] },
      { at: 5 * MINUTE, ids: ["a", "b"] },
      { at: 5 * MINUTE, ids: ["c"] },
    ]);
    expect(seen.filter((event) => event.type === "change")).toEqual([
      {
        type: "change",
        change: {
          platform: "x",
          postId: "b",
          change: "removed",
          reason: "not_found",
          text: null,
          changedTime: T0 + 5 * MINUTE,
          source: "x-humas",
        },
      },
    ]);
    expect(refresher.size).toBe(3);
    expect(refresher.nextDueAt()).toBe(T0 + 15 * MINUTE);
  });

  it("resumes its schedule and last counts from its checkpoint after a restart", async () => {
    const clock = new FakeClock(T0);
    const { calls, lookup } = recordingLookup(clock, (call) => ({
      status: "found",
      counts: counts(call === 1 ? 4 : 5),
    }));
    const first = new EngagementRefresher({ source: "x-humas", platform: "x", lookup, clock });
    first.track("a", T0, counts(4));
    first.track("b", T0 - 30 * MINUTE, counts(4));
    clock.time = T0 + MINUTE;
    const round = await first.refresh(new AbortController().signal);
    expect(round.map((event) => event.type)).toEqual(["checkpoint"]);
    const checkpoint = round[0]?.type === "checkpoint" ? round[0] : undefined;
    expect(checkpoint?.stream).toBe("engagement-refresh");

    // A new process: nothing tracked until it loads the stored checkpoint.
    const second = new EngagementRefresher({ source: "x-humas", platform: "x", lookup, clock });
    second.load(new Map([["engagement-refresh", checkpoint?.value ?? ""]]));
    expect(second.size).toBe(2);
    expect(second.nextDueAt()).toBe(T0 + 5 * MINUTE);
    const abort = new AbortController();
    const events: SourceEvent[] = [];
    for await (const event of second.run(abort.signal)) {
      if (event.type !== "checkpoint") events.push(event);
      if (calls.length === 3) break;
    }
    // b (published 30 minutes before T0) is due at its 60th minute, T0 + 30 min.
    expect(calls).toEqual([
      { at: MINUTE, ids: ["a"] },
      { at: 5 * MINUTE, ids: ["a"] },
      { at: 15 * MINUTE, ids: ["a"] },
    ]);
    expect(events).toEqual([
      {
        type: "engagement",
        engagement: { platform: "x", postId: "a", eventTime: T0 + 5 * MINUTE, ...counts(5), source: "x-humas" },
      },
    ]);
  });

  it("keeps at most maxPosts, dropping the first tracked; a failed lookup is tried again retryMs later", async () => {
    const clock = new FakeClock(T0);
    let fail = true;
    const calls: number[] = [];
    const refresher = new EngagementRefresher({
      source: "s",
      platform: "youtube",
      clock,
      maxPosts: 2,
      retryMs: 30_000,
      lookup: async (ids) => {
        calls.push(clock.now() - T0);
        if (fail) {
          fail = false;
          throw new Error("503 after every attempt");
        }
        return new Map(ids.map((id) => [id, { status: "found", counts: counts(1) } as const]));
      },
    });
    refresher.track("p1", T0);
    refresher.track("p2", T0);
    refresher.track("p3", T0);
    expect(refresher.size).toBe(2);
    const abort = new AbortController();
    const events: SourceEvent[] = [];
    for await (const event of refresher.run(abort.signal)) {
      events.push(event);
      if (event.type === "checkpoint" && calls.length === 2) break;
    }
    expect(calls).toEqual([MINUTE, MINUTE + 30_000]);
    expect(refresher.failures).toBe(1);
    expect(
      events
        .filter((event) => event.type === "engagement")
        .map((event) => event.type === "engagement" && event.engagement.postId),
    ).toEqual(["p2", "p3"]);
    expect(refresher.nextDueAt()).toBe(T0 + 5 * MINUTE);
  });

  it("plugs into an ingestor: a sample batched lookup (X's GET /2/tweets?ids=) on the fake platform, merged into the source's stream", async () => {
    const clock = new FakeClock(T0);
    const fake = await new FakePlatformServer(clock).listen();
    const tweets = (data: object[], errors: object[] = []) => ({
      status: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ data, errors }),
    });
    const metrics = (id: string, likes: number) => ({
      id,
      public_metrics: { like_count: likes, retweet_count: 1, reply_count: 0, impression_count: 100 },
    });
    fake.script(
      "GET /2/tweets",
      tweets([metrics("1", 5), metrics("2", 7)]),
      tweets(
        [metrics("1", 6)],
        [{ value: "2", detail: "Could not find tweet with ids: [2].", title: "Not Found Error" }],
      ),
    );
    const http = new HttpClient({ clock });
    // What an x ingestor provides: one request per batch, counts mapped, "Not Found Error" a removal.
    const lookup: BatchedLookup = async (ids, signal) => {
      const response = await http.request({
        url: fake.url(`/2/tweets?ids=${ids.join(",")}&tweet.fields=public_metrics`),
        source: "x-humas",
        credential: "x-bearer",
        signal,
      });
      const body = JSON.parse(response.body) as {
        data?: { id: string; public_metrics: Record<string, number> }[];
        errors?: { value: string; title: string }[];
      };
      const found = new Map<string, LookupResult>();
      for (const tweet of body.data ?? []) {
        const m = tweet.public_metrics;
        found.set(tweet.id, {
          status: "found",
          counts: {
            likes: m.like_count ?? 0,
            shares: m.retweet_count ?? 0,
            replies: m.reply_count ?? 0,
            views: m.impression_count ?? 0,
            clicks: 0,
          },
        });
      }
      for (const error of body.errors ?? [])
        if (error.title === "Not Found Error") found.set(error.value, { status: "removed", reason: "not_found" });
      return found;
    };
    const refresher = new EngagementRefresher({ source: "x-humas", platform: "x", lookup, clock });
    const abort = new AbortController();
    // The source: yields two posts (and tracks them), then waits for the stop, as a stream does.
    async function* source(): AsyncIterable<SourceEvent> {
      const seen = { likes: 5, shares: 1, replies: 0, views: 100, clicks: 0 };
      // A page of two posts: tracked as they are read, yielded after.
      for (const id of ["1", "2"]) refresher.track(id, T0, seen);
      for (const id of ["1", "2"]) {
        yield {
          type: "engagement",
          engagement: { platform: "x", postId: id, eventTime: T0, ...seen, source: "x-humas" },
        };
      }
      await new Promise((resolve) => abort.signal.addEventListener("abort", resolve, { once: true }));
    }
    const events: SourceEvent[] = [];
    for await (const event of withRefresher(source(), refresher, abort.signal)) {
      events.push(event);
      if (event.type === "change") abort.abort();
    }
    await fake.close();
    expect(fake.unexpected).toEqual([]);
    expect(fake.remaining()).toEqual({});
    expect(fake.requests.map((request) => [request.at - T0, request.path])).toEqual([
      [MINUTE, "/2/tweets?ids=1,2&tweet.fields=public_metrics"],
      [5 * MINUTE, "/2/tweets?ids=1,2&tweet.fields=public_metrics"],
    ]);
    const refreshed = events.filter((event) => event.type !== "checkpoint").slice(2);
    expect(refreshed).toEqual([
      // At 1 minute post 1 is unchanged: no event; post 2 has 7 likes.
      {
        type: "engagement",
        engagement: {
          platform: "x",
          postId: "2",
          eventTime: T0 + MINUTE,
          likes: 7,
          shares: 1,
          replies: 0,
          views: 100,
          clicks: 0,
          source: "x-humas",
        },
      },
      {
        type: "engagement",
        engagement: {
          platform: "x",
          postId: "1",
          eventTime: T0 + 5 * MINUTE,
          likes: 6,
          shares: 1,
          replies: 0,
          views: 100,
          clicks: 0,
          source: "x-humas",
        },
      },
      {
        type: "change",
        change: {
          platform: "x",
          postId: "2",
          change: "removed",
          reason: "not_found",
          text: null,
          changedTime: T0 + 5 * MINUTE,
          source: "x-humas",
        },
      },
    ]);
  });
});
