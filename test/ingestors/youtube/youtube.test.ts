/**
 * The youtube ingestor against a fake Data API and channel feed server and a test clock: a
 * channel's feed, its videos' counts and comments (replies beyond the five a thread carries read
 * through comments.list), commentsDisabled skipped, quotaExceeded pausing until midnight Pacific,
 * the quota governor's reset, keyword search, the feed alone without a key, 503 then 200, bad
 * payloads, restarts from stored checkpoints, a video videos.list no longer returns (a removal),
 * and the engagement refresher re-reading a young video's counts at 1, 5, 15 and 60 minutes.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import {
  createYoutubeIngestor,
  nextPacificMidnight,
  QUOTA_STREAM,
  YOUTUBE_ERROR_CODES,
  type YoutubeOptions,
  type YoutubeStreamState,
} from "../../../ingestors/youtube/index.js";
import { QuotaGovernor } from "../../../ingestors/youtube/quota.js";
import type { SourceEvent } from "../../../runtime/ingestor.js";
import { changes, engagements, mentions } from "../events.js";
import { FakeClock, FakePlatformServer, fakeContext } from "../fakes/platform-server.js";

const CHANNEL = "UCabcdefghijklmnopqrstuv";
const KEY = "AIza-test-key-secret";
const JSON_HEADERS = { "content-type": "application/json; charset=UTF-8" };

let server: FakePlatformServer;
let clock: FakeClock;

const fixture = (name: string) => readFileSync(`test/fixtures/youtube/${name}`, "utf8");
const ok = (name: string) => ({ status: 200, headers: JSON_HEADERS, body: fixture(name) });
const feed = () => ({
  status: 200,
  headers: { "content-type": "application/atom+xml" },
  body: fixture("channel-feed.xml"),
});
const forbidden = (name: string) => ({ status: 403, headers: JSON_HEADERS, body: fixture(name) });

async function setUp(): Promise<void> {
  clock = new FakeClock();
  server = await new FakePlatformServer(clock).listen();
}

afterEach(async () => {
  expect(server.unexpected).toEqual([]);
  expect(server.remaining()).toEqual({});
  await server.close();
});

const context = (checkpoints: Record<string, string> = {}) => fakeContext(clock, checkpoints);

function options(overrides: Partial<YoutubeOptions> = {}): YoutubeOptions {
  return {
    name: "yt-bpjs",
    channels: [CHANNEL],
    apiKey: KEY,
    pollMinutes: 15,
    commentWindowDays: 7,
    lookbackMinutes: 10,
    dailyQuota: 10_000,
    reserveUnits: 0,
    baseUrl: server.url(""),
    feedBaseUrl: server.url(""),
    clock,
    ...overrides,
  };
}

const NOT_POLLS = [QUOTA_STREAM, "engagement-refresh"];

/** Runs the source until it has yielded `rounds` checkpoints of its streams (not the quota's nor the refresher's). */
async function poll(rounds: number, opts = options(), ctx = context()): Promise<SourceEvent[]> {
  const abort = new AbortController();
  const events: SourceEvent[] = [];
  let checkpoints = 0;
  for await (const event of createYoutubeIngestor(opts).events(abort.signal, ctx)) {
    events.push(event);
    if (event.type === "checkpoint" && !NOT_POLLS.includes(event.stream) && ++checkpoints === rounds) abort.abort();
  }
  return events;
}

const statesOf = (events: SourceEvent[], stream = `channel:${CHANNEL}`) =>
  events.flatMap((e) =>
    e.type === "checkpoint" && e.stream === stream ? [JSON.parse(e.value) as YoutubeStreamState] : [],
  );
const invalidOf = (events: SourceEvent[]) =>
  events.flatMap((event) => (event.type === "invalid" ? [{ code: event.errorCode, reason: event.reason }] : []));
const paths = () => server.requests.map((request) => request.path.split("?")[0]);
const query = (index: number) => new URLSearchParams(server.requests[index]?.path.split("?")[1]);

describe("youtube ingestor: channels", () => {
  it("reads the feed, the videos' counts and comments: replies beyond five through comments.list; commentsDisabled skipped", async () => {
    await setUp();
    server
      .script("GET /feeds/videos.xml", feed())
      .script("GET /youtube/v3/videos", ok("videos.json"))
      .script(
        "GET /youtube/v3/commentThreads",
        ok("comment-threads-1.json"),
        ok("comment-threads-2.json"),
        forbidden("comments-disabled.json"),
      )
      .script("GET /youtube/v3/comments", ok("replies.json"));
    const events = await poll(1);
    expect(paths()).toEqual([
      "/feeds/videos.xml",
      "/youtube/v3/videos",
      "/youtube/v3/commentThreads",
      "/youtube/v3/commentThreads",
      "/youtube/v3/comments",
      "/youtube/v3/commentThreads",
    ]);
    expect(query(0).get("channel_id")).toBe(CHANNEL);
    expect(query(1).get("id")).toBe("Vid00000001,Vid00000002");
    expect(query(3).get("pageToken")).toBe("QURTSl9pMl");
    expect(query(4).get("parentId")).toBe("UgzThreadA");
    expect(query(5).get("videoId")).toBe("Vid00000002");
    // The key travels in a header, never in a URL.
    expect(server.requests[1]?.headers["x-goog-api-key"]).toBe(KEY);
    expect(server.requests.every((request) => !request.path.includes(KEY))).toBe(true);

    const items = mentions(events);
    expect(items.map((m) => [m.kind, m.id, m.parentId, m.rootId])).toEqual([
      ["post", "Vid00000001", null, null],
      ["post", "Vid00000002", null, null],
      ["comment", "UgzThreadA", "Vid00000001", "Vid00000001"],
      ["comment", "UgzThreadB", "Vid00000001", "Vid00000001"],
      ...[1, 2, 3, 4, 5, 6, 7].map((i) => ["comment", `UgzThreadA.reply${i}`, "UgzThreadA", "Vid00000001"]),
      ["comment", "UgzThreadB.reply1", "UgzThreadB", "Vid00000001"],
    ]);
    expect(items[0]).toMatchObject({
      platform: "youtube",
      url: "https://www.youtube.com/watch?v=Vid00000001",
      author: { id: CHANNEL, handle: "BPJS Kesehatan RI" },
      text: "Cara daftar antrean online Mobile JKN\n\nPanduan langkah demi langkah antrean online di faskes.",
      lang: "id",
      hashtags: ["JKN"],
      eventTime: Date.UTC(2026, 11, 4, 5, 0),
      engagement: { likes: 120, shares: 0, replies: 9, views: 5400, clicks: 0 },
    });
    expect(items[2]).toMatchObject({
      url: "https://www.youtube.com/watch?v=Vid00000001&lc=UgzThreadA",
      author: { handle: "warga_bekasi", name: "@warga_bekasi" },
      text: "Antrean online sering gagal di faskes saya, mohon diperbaiki.",
      engagement: { likes: 15, replies: 7 },
    });
    expect(invalidOf(events)).toEqual([]);
    const [state] = statesOf(events);
    expect(state?.videos).toEqual({
      Vid00000001: {
        publishedAt: Date.UTC(2026, 11, 4, 5),
        counts: "120,9,5400",
        commentCount: 9,
        newestCommentAt: Date.UTC(2026, 11, 5, 2, 17),
        longThreads: { UgzThreadA: 7 },
      },
      Vid00000002: {
        publishedAt: Date.UTC(2026, 11, 2, 3),
        counts: "10,3,800",
        commentCount: 3,
        newestCommentAt: null,
        commentsDisabled: true,
      },
    });
    // 1 (videos) + 3 (threads) + 1 (replies) + ... the disabled video's call counts too.
    const quota = events.find((e) => e.type === "checkpoint" && e.stream === QUOTA_STREAM);
    expect(quota && JSON.parse((quota as { value: string }).value)).toEqual({ day: "2026-12-04", used: 5 });
  });

  it("resumes from its checkpoint: waits out the interval, emits only changed counts and comments after the newest read; a video videos.list no longer returns is a removal", async () => {
    await setUp();
    const stored: YoutubeStreamState = {
      since: clock.now() - 5 * 60_000,
      polledAt: clock.now() - 5 * 60_000,
      lastSuccessAt: clock.now() - 5 * 60_000,
      lastErrorAt: null,
      lastError: null,
      videos: {
        Vid00000001: {
          publishedAt: Date.UTC(2026, 11, 4, 5),
          counts: "100,8,5000",
          commentCount: 8,
          newestCommentAt: Date.UTC(2026, 11, 5, 2, 16),
        },
        Vid00000002: {
          publishedAt: Date.UTC(2026, 11, 2, 3),
          counts: "10,3,800",
          commentCount: 3,
          newestCommentAt: null,
          commentsDisabled: true,
        },
        Vid00000003: {
          publishedAt: Date.UTC(2026, 11, 3, 1),
          counts: "4,0,90",
          commentCount: 0,
          newestCommentAt: null,
        },
      },
    };
    server
      .script("GET /feeds/videos.xml", feed())
      .script("GET /youtube/v3/videos", ok("videos.json"))
      .script("GET /youtube/v3/commentThreads", ok("comment-threads-1.json"), ok("comment-threads-2.json"))
      .script("GET /youtube/v3/comments", ok("replies.json"));
    const start = clock.now();
    const events = await poll(1, options(), context({ [`channel:${CHANNEL}`]: JSON.stringify(stored) }));
    expect(server.requests[0]?.at).toBe(start + 10 * 60_000);
    // Every thread is listed again (a reply may land in an old one); thread A's reply count is
    // new, so its replies are read; only those from the newest read minus the lookback (02:06) on.
    expect(paths()).toEqual([
      "/feeds/videos.xml",
      "/youtube/v3/videos",
      "/youtube/v3/commentThreads",
      "/youtube/v3/commentThreads",
      "/youtube/v3/comments",
    ]);
    expect(query(1).get("id")).toBe("Vid00000001,Vid00000002,Vid00000003");
    expect(mentions(events).map((m) => m.id)).toEqual(["UgzThreadA.reply5", "UgzThreadA.reply6", "UgzThreadA.reply7"]);
    expect(changes(events)).toEqual([
      {
        platform: "youtube",
        postId: "Vid00000003",
        change: "removed",
        reason: "not_found",
        text: null,
        changedTime: start + 10 * 60_000,
        source: "yt-bpjs",
      },
    ]);
    expect(Object.keys(statesOf(events)[0]?.videos ?? {})).toEqual(["Vid00000001", "Vid00000002"]);
    expect(statesOf(events)[0]?.videos.Vid00000001).toMatchObject({
      newestCommentAt: Date.UTC(2026, 11, 5, 2, 17),
      longThreads: { UgzThreadA: 7 },
    });
    expect(engagements(events)).toEqual([
      {
        platform: "youtube",
        postId: "Vid00000001",
        eventTime: start + 10 * 60_000,
        likes: 120,
        shares: 0,
        replies: 9,
        views: 5400,
        clicks: 0,
        source: "yt-bpjs",
      },
    ]);
  });

  it("re-reads a young video's counts (videos.list, 1 unit) at 1, 5, 15 and 60 minutes: an event only on change; gone, a removal", async () => {
    const published = Date.UTC(2026, 11, 4, 5);
    clock = new FakeClock(published + 30_000);
    server = await new FakePlatformServer(clock).listen();
    const videos = (likes: number | null, only?: string) => {
      const body = JSON.parse(fixture("videos.json"));
      for (const item of body.items) item.statistics.commentCount = "0";
      if (likes !== null) body.items[0].statistics.likeCount = String(likes);
      body.items = only === undefined ? body.items : body.items.filter((item: { id: string }) => item.id === only);
      if (likes === null) body.items = [];
      return { status: 200, headers: JSON_HEADERS, body: JSON.stringify(body) };
    };
    server
      .script("GET /feeds/videos.xml", feed())
      .script(
        "GET /youtube/v3/videos",
        videos(120),
        videos(120, "Vid00000001"),
        videos(150, "Vid00000001"),
        videos(150, "Vid00000001"),
        videos(null),
      );
    const abort = new AbortController();
    const events: SourceEvent[] = [];
    for await (const event of createYoutubeIngestor(options({ pollMinutes: 180 })).events(abort.signal, context())) {
      events.push(event);
      if (event.type === "change") abort.abort();
    }
    const lookups = server.requests.slice(2);
    // Vid00000001 is 30 s old; Vid00000002 (50 hours old) is next due at 54 hours.
    expect(lookups.map((r) => (r.at - published) / 60_000)).toEqual([1, 5, 15, 60]);
    expect(lookups.map((r) => Object.fromEntries(new URLSearchParams(r.path.split("?")[1])))).toEqual(
      Array(4).fill({ part: "statistics", id: "Vid00000001", maxResults: "50" }),
    );
    expect(mentions(events).map((m) => m.id)).toEqual(["Vid00000001", "Vid00000002"]);
    expect(engagements(events)).toEqual([
      {
        platform: "youtube",
        postId: "Vid00000001",
        eventTime: published + 5 * 60_000,
        likes: 150,
        shares: 0,
        replies: 0,
        views: 5400,
        clicks: 0,
        source: "yt-bpjs",
      },
    ]);
    expect(changes(events)).toEqual([
      {
        platform: "youtube",
        postId: "Vid00000001",
        change: "removed",
        reason: "not_found",
        text: null,
        changedTime: published + 60 * 60_000,
        source: "yt-bpjs",
      },
    ]);
    // Each lookup's unit is counted: one for the poll's videos.list, one for each of the four refreshes.
    const quotas = events.flatMap((e) =>
      e.type === "checkpoint" && e.stream === QUOTA_STREAM ? [JSON.parse(e.value) as { used: number }] : [],
    );
    expect(quotas.map((q) => q.used)).toEqual([1, 2, 3, 4, 5]);
  });

  it("pauses every API call until midnight Pacific after quotaExceeded, while the free feed goes on", async () => {
    await setUp();
    server
      .script("GET /feeds/videos.xml", feed(), feed())
      .script("GET /youtube/v3/videos", forbidden("quota-exceeded.json"), ok("videos.json"))
      .script("GET /youtube/v3/commentThreads", ok("comment-threads-2.json"), {
        status: 200,
        headers: JSON_HEADERS,
        body: JSON.stringify({ items: [] }),
      });
    const start = clock.now();
    const events = await poll(2, options({ commentWindowDays: 7 }));
    const reset = nextPacificMidnight(start);
    expect(reset).toBe(Date.UTC(2026, 11, 5, 8, 0)); // 00:00 in Los Angeles (PST, UTC-8)
    expect(server.requests.map((r) => [r.path.split("?")[0], r.at - start])).toEqual([
      ["/feeds/videos.xml", 0],
      ["/youtube/v3/videos", 0],
      ["/feeds/videos.xml", 15 * 60_000],
      ["/youtube/v3/videos", reset - start],
      ["/youtube/v3/commentThreads", reset - start],
      ["/youtube/v3/commentThreads", reset - start],
    ]);
    expect(invalidOf(events)).toEqual([]);
    const states = statesOf(events);
    expect(states[0]?.lastError).toMatch(/quotaExceeded: The request cannot be completed/);
    expect(states[0]?.since).toBeNull();
    expect(states[1]?.since).toBe(start + 15 * 60_000);
    // The videos are mentioned after the reset, with their counts.
    expect(mentions(events).map((m) => m.id)).toEqual([
      "Vid00000001",
      "Vid00000002",
      "UgzThreadB",
      "UgzThreadB.reply1",
    ]);
  });

  it("without an API key reads the feed alone: titles and descriptions, no quota", async () => {
    await setUp();
    server.script("GET /feeds/videos.xml", { status: 503, body: "busy" }, feed());
    const events = await poll(1, options({ apiKey: undefined }));
    expect(server.requests.map((r) => r.path.split("?")[0])).toEqual(["/feeds/videos.xml", "/feeds/videos.xml"]);
    expect(mentions(events).map((m) => [m.id, m.text, m.author.handle, m.eventTime])).toEqual([
      [
        "Vid00000001",
        "Cara daftar antrean online Mobile JKN\n\nPanduan langkah demi langkah antrean online di faskes.",
        "BPJS Kesehatan RI",
        Date.UTC(2026, 11, 4, 5),
      ],
      ["Vid00000002", "Live: Konferensi pers iuran JKN", "BPJS Kesehatan RI", Date.UTC(2026, 11, 2, 3)],
    ]);
    expect(events.some((e) => e.type === "checkpoint" && e.stream === QUOTA_STREAM)).toBe(false);
  });

  it("dead-letters an HTML answer, a wrong shape, a bad key and a bad feed; the source goes on", async () => {
    await setUp();
    server
      .script("GET /feeds/videos.xml", feed(), feed(), feed(), {
        status: 200,
        headers: { "content-type": "text/html" },
        body: "<!DOCTYPE html><html><body>consent</body></html>",
      })
      .script(
        "GET /youtube/v3/videos",
        { status: 200, headers: { "content-type": "text/html" }, body: "<html>Error 502</html>" },
        { status: 200, headers: JSON_HEADERS, body: JSON.stringify({ kind: "youtube#videoListResponse" }) },
        { status: 400, headers: JSON_HEADERS, body: fixture("key-invalid.json") },
      );
    const events = await poll(4);
    expect(invalidOf(events).map((i) => i.code)).toEqual([
      YOUTUBE_ERROR_CODES.badJson,
      YOUTUBE_ERROR_CODES.badPayload,
      YOUTUBE_ERROR_CODES.apiError,
      YOUTUBE_ERROR_CODES.badFeed,
    ]);
    expect(invalidOf(events)[2]?.reason).toMatch(/HTTP 400: keyInvalid: API key not valid/);
    expect(invalidOf(events)[3]?.reason).toBe(
      `${server.url("/feeds/videos.xml")}?channel_id=${CHANNEL}: expected <rss> or <feed>, got <html>`,
    );
    expect(statesOf(events).map((s) => s.since)).toEqual([null, null, null, null]);
  });
});

describe("youtube ingestor: search and quota", () => {
  it("searches a keyword (100 units) with publishedAfter from its checkpoint, then reads the results' counts", async () => {
    await setUp();
    const search = {
      keywords: ["antrean bpjs"],
      everyHours: 6,
      regionCode: "ID",
      relevanceLanguage: "id",
      maxPages: 1,
    };
    server
      .script("GET /youtube/v3/search", ok("search.json"))
      .script("GET /youtube/v3/videos", ok("search-videos.json"));
    const start = clock.now();
    const events = await poll(1, options({ channels: [], search }));
    expect(Object.fromEntries(query(0))).toMatchObject({
      q: "antrean bpjs",
      type: "video",
      order: "date",
      regionCode: "ID",
      relevanceLanguage: "id",
      publishedAfter: new Date(start - 24 * 3_600_000 - 10 * 60_000).toISOString(),
    });
    expect(query(1).get("id")).toBe("SrchVid0001,SrchVid0002");
    expect(mentions(events).map((m) => [m.id, m.author.id, m.author.handle, m.engagement])).toEqual([
      [
        "SrchVid0001",
        "UCwarga00000000000000001",
        "Vlog Warga",
        { likes: 33, shares: 0, replies: 8, views: 1200, clicks: 0 },
      ],
      [
        "SrchVid0002",
        "UCberita0000000000000001",
        "Kanal Berita",
        { likes: 900, shares: 0, replies: 0, views: 56000, clicks: 0 },
      ],
    ]);
    const quota = events.find((e) => e.type === "checkpoint" && e.stream === QUOTA_STREAM);
    expect(JSON.parse((quota as { value: string }).value)).toEqual({ day: "2026-12-04", used: 101 });

    // Restarted with the stored search and quota: six hours later, from the last start minus the lookback.
    const stored = Object.fromEntries(
      events.flatMap((e) => (e.type === "checkpoint" ? [[e.stream, e.value] as const] : [])),
    );
    server.script("GET /youtube/v3/search", {
      status: 200,
      headers: JSON_HEADERS,
      body: JSON.stringify({ items: [] }),
    });
    const again = await poll(1, options({ channels: [], search }), context(stored));
    expect(server.requests[2]?.at).toBe(start + 6 * 3_600_000);
    expect(query(2).get("publishedAfter")).toBe(new Date(start - 10 * 60_000).toISOString());
    expect(mentions(again)).toEqual([]);
    // 6 hours later it is a new day in Los Angeles (00:00 PST = 08:00 UTC): the quota started over.
    const quotaAgain = again.find((e) => e.type === "checkpoint" && e.stream === QUOTA_STREAM);
    expect(JSON.parse((quotaAgain as { value: string }).value)).toEqual({ day: "2026-12-05", used: 100 });
  });

  it("the governor waits for midnight Pacific before a call that would exceed the budget, and forgets another day's count", async () => {
    await setUp();
    const governor = new QuotaGovernor(250, 50, clock);
    const signal = new AbortController().signal;
    await governor.spend(100, signal);
    await governor.spend(100, signal);
    expect(clock.sleeps).toEqual([]);
    await governor.spend(1, signal); // 201 > 250 - 50: waits for the reset
    expect(clock.now()).toBe(Date.UTC(2026, 11, 5, 8, 0));
    expect(governor.snapshot()).toEqual({ day: "2026-12-05", used: 1 });
    expect(new QuotaGovernor(250, 50, clock, { day: "2026-12-04", used: 250 }).snapshot()).toEqual({
      day: "2026-12-05",
      used: 0,
    });
    // In summer Los Angeles is UTC-7: midnight is 07:00 UTC.
    expect(new Date(nextPacificMidnight(Date.UTC(2026, 6, 1, 12))).toISOString()).toBe("2026-07-02T07:00:00.000Z");
  });
});
