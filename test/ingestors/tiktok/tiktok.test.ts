/**
 * The tiktok ingestor against a fake Display API and a test clock: the account's videos over
 * cursor pages (one empty that still has more) up to the window's start, a Mention per new video,
 * an EngagementEvent when a video's counts changed, a removed video (a change event), a restart
 * from the stored checkpoint, 503 then 200, 429 rate_limit_exceeded, and bad answers; the
 * engagement refresher re-reading a young video through video/query at 1, 5, 15 and 60 minutes.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import {
  ACCOUNT_STREAM,
  createTiktokIngestor,
  TIKTOK_ERROR_CODES,
  type TiktokOptions,
  type TiktokState,
} from "../../../ingestors/tiktok/index.js";
import type { SourceEvent } from "../../../runtime/ingestor.js";
import { changes, engagements, mentions } from "../events.js";
import { FakeClock, FakePlatformServer, fakeContext } from "../fakes/platform-server.js";

const TOKEN = "act.tiktok-user-token-secret";
const JSON_HEADERS = { "content-type": "application/json" };

let server: FakePlatformServer;
let clock: FakeClock;

const fixture = (name: string) => readFileSync(`test/fixtures/tiktok/${name}`, "utf8");
const ok = (name: string) => ({ status: 200, headers: JSON_HEADERS, body: fixture(name) });

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

function options(overrides: Partial<TiktokOptions> = {}): TiktokOptions {
  return {
    name: "tiktok-bpjs",
    accessToken: TOKEN,
    pollMinutes: 30,
    windowDays: 30,
    maxPages: 10,
    baseUrl: server.url(""),
    clock,
    ...overrides,
  };
}

/** The ingestor's events until `until` holds for one (included). */
async function until(stop: (event: SourceEvent) => boolean, opts = options(), ctx = context()): Promise<SourceEvent[]> {
  const abort = new AbortController();
  const events: SourceEvent[] = [];
  for await (const event of createTiktokIngestor(opts).events(abort.signal, ctx)) {
    events.push(event);
    if (stop(event)) abort.abort();
  }
  return events;
}

async function poll(rounds: number, opts = options(), ctx = context()): Promise<SourceEvent[]> {
  const abort = new AbortController();
  const events: SourceEvent[] = [];
  let checkpoints = 0;
  for await (const event of createTiktokIngestor(opts).events(abort.signal, ctx)) {
    events.push(event);
    if (event.type === "checkpoint" && event.stream === ACCOUNT_STREAM && ++checkpoints === rounds) abort.abort();
  }
  return events;
}

const statesOf = (events: SourceEvent[]) =>
  events.flatMap((event) =>
    event.type === "checkpoint" && event.stream === ACCOUNT_STREAM ? [JSON.parse(event.value) as TiktokState] : [],
  );
const invalidOf = (events: SourceEvent[]) =>
  events.flatMap((event) => (event.type === "invalid" ? [{ code: event.errorCode, reason: event.reason }] : []));
const listBodies = () =>
  server.requests.filter((r) => r.path.startsWith("/v2/video/list/")).map((r) => JSON.parse(r.body) as unknown);

describe("tiktok ingestor", () => {
  it("pages through the videos by cursor (an empty page that has more included) until the window's start", async () => {
    await setUp();
    server
      .script("GET /v2/user/info/", ok("user-info.json"))
      .script("POST /v2/video/list/", ok("video-list-1.json"), ok("video-list-2-empty.json"), ok("video-list-3.json"));
    const start = clock.now();
    const events = await poll(1);
    expect(listBodies()).toEqual([
      { max_count: 20 },
      { max_count: 20, cursor: 1796300000000 },
      { max_count: 20, cursor: 1796200000000 },
    ]);
    const list = server.requests[1];
    expect(list?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(new URLSearchParams(list?.path.split("?")[1]).get("fields")).toContain("like_count");
    expect(server.requests.every((r) => !r.path.includes(TOKEN))).toBe(true);

    const items = mentions(events);
    expect(items.map((m) => [m.id, m.text, m.eventTime])).toEqual([
      ["7445000000000000003", "Antrean online di Mobile JKN #JKN #BPJSKesehatan", 1796430000_000],
      [
        "7445000000000000002",
        "Cek status kepesertaan\n\nCek status kepesertaan dari rumah, tanpa antre.",
        1796300000_000,
      ],
      ["7445000000000000001", "Info iuran Desember", 1795000000_000],
    ]);
    expect(items[0]).toMatchObject({
      platform: "tiktok",
      kind: "post",
      url: "https://www.tiktok.com/@bpjskesehatan_ri/video/7445000000000000003?utm_campaign=tt4d_open_api&utm_source=awbx",
      author: { id: "723f24d7-e717-40f8-a2b6-cb8464cd23b4", handle: "bpjskesehatan_ri", name: "BPJS Kesehatan" },
      hashtags: ["JKN", "BPJSKesehatan"],
      engagement: { likes: 1520, shares: 40, replies: 88, views: 32000, clicks: 0 },
      ingestTime: start,
      source: "tiktok-bpjs",
    });
    expect(engagements(events)).toEqual([]);
    expect(statesOf(events)[0]).toMatchObject({
      polledAt: start,
      lastSuccessAt: start,
      videos: {
        "7445000000000000003": { counts: "1520,40,88,32000", createdAt: 1796430000_000 },
        "7445000000000000002": { counts: "300,5,12,9000", createdAt: 1796300000_000 },
        "7445000000000000001": { counts: "80,1,3,2100", createdAt: 1795000000_000 },
      },
    });
  });

  it("resumes from its checkpoint: waits out the interval; counts that changed are engagement events; a vanished video is a removal", async () => {
    await setUp();
    const start = clock.now();
    const stored: TiktokState = {
      polledAt: start - 20 * 60_000,
      lastSuccessAt: start - 20 * 60_000,
      lastErrorAt: null,
      lastError: null,
      videos: {
        "7445000000000000002": { counts: "250,4,10,8000", createdAt: 1796300000_000 },
        "7445000000000000001": { counts: "80,1,3,2100", createdAt: 1795000000_000 },
        "7445000000000000000": { counts: "5,0,0,100", createdAt: 1794000000_000 },
      },
    };
    server
      .script("GET /v2/user/info/", ok("user-info.json"))
      .script("POST /v2/video/list/", ok("video-list-1.json"), ok("video-list-2-empty.json"), ok("video-list-3.json"));
    const events = await poll(1, options(), context({ [ACCOUNT_STREAM]: JSON.stringify(stored) }));
    expect(server.requests[0]?.at).toBe(start + 10 * 60_000);
    expect(mentions(events).map((m) => m.id)).toEqual(["7445000000000000003"]);
    expect(engagements(events)).toEqual([
      {
        platform: "tiktok",
        postId: "7445000000000000002",
        eventTime: start + 10 * 60_000,
        likes: 300,
        shares: 5,
        replies: 12,
        views: 9000,
        clicks: 0,
        source: "tiktok-bpjs",
      },
    ]);
    expect(changes(events)).toEqual([
      {
        platform: "tiktok",
        postId: "7445000000000000000",
        change: "removed",
        reason: "not_listed",
        text: null,
        changedTime: start + 10 * 60_000,
        source: "tiktok-bpjs",
      },
    ]);
    // The removal goes out before the checkpoint that forgets the video.
    expect(events.at(-1)?.type).toBe("checkpoint");
    expect(Object.keys(statesOf(events)[0]?.videos ?? {})).toEqual([
      "7445000000000000003",
      "7445000000000000002",
      "7445000000000000001",
    ]);
  });

  it("re-reads a young video's counts through video/query at 1, 5, 15 and 60 minutes: an event only on change; gone, a removal", async () => {
    const created = 1796430000_000;
    clock = new FakeClock(created + 30_000);
    server = await new FakePlatformServer(clock).listen();
    const query = (likes: number | null) => {
      const body = JSON.parse(fixture("video-query.json"));
      if (likes === null) body.data.videos = [];
      else body.data.videos[0].like_count = likes;
      return { status: 200, headers: JSON_HEADERS, body: JSON.stringify(body) };
    };
    server
      .script("GET /v2/user/info/", ok("user-info.json"))
      .script("POST /v2/video/list/", ok("video-list-1.json"), ok("video-list-2-empty.json"), ok("video-list-3.json"))
      .script("POST /v2/video/query/", query(1520), query(1600), query(1600), query(null));
    const events = await until((event) => event.type === "change", options({ pollMinutes: 180 }));
    const queries = server.requests.filter((r) => r.path.startsWith("/v2/video/query/"));
    // Video 3 is 30 s old; video 2 (36 h old) is next due at 42 h, video 1 is past the 7 days.
    expect(queries.map((r) => (r.at - created) / 60_000)).toEqual([1, 5, 15, 60]);
    expect(queries.map((r) => JSON.parse(r.body) as unknown)).toEqual(
      Array(4).fill({ filters: { video_ids: ["7445000000000000003"] } }),
    );
    expect(new URLSearchParams(queries[0]?.path.split("?")[1]).get("fields")).toBe(
      "id,like_count,comment_count,share_count,view_count",
    );
    expect(mentions(events)).toHaveLength(3);
    expect(engagements(events)).toEqual([
      {
        platform: "tiktok",
        postId: "7445000000000000003",
        eventTime: created + 5 * 60_000,
        likes: 1600,
        shares: 40,
        replies: 88,
        views: 32000,
        clicks: 0,
        source: "tiktok-bpjs",
      },
    ]);
    expect(changes(events)).toEqual([
      {
        platform: "tiktok",
        postId: "7445000000000000003",
        change: "removed",
        reason: "not_found",
        text: null,
        changedTime: created + 60 * 60_000,
        source: "tiktok-bpjs",
      },
    ]);
    // The schedule is checkpointed after the poll (each video tracked with the counts published)
    // and after each of the four refreshes: the last without the removed video.
    const schedules = events.flatMap((e) =>
      e.type === "checkpoint" && e.stream === "engagement-refresh" ? [JSON.parse(e.value) as unknown] : [],
    );
    const video2 = ["7445000000000000002", 1796300000_000, 1796300000_000 + 42 * 3_600_000, 300, 5, 12, 9000, 0];
    expect(schedules).toHaveLength(5);
    expect(schedules[0]).toEqual([["7445000000000000003", created, created + 60_000, 1520, 40, 88, 32000, 0], video2]);
    expect(schedules[4]).toEqual([video2]);
  });

  it("resumes the refresh schedule from its checkpoint: the next lookup at its stored time, before any poll", async () => {
    const created = 1796430000_000;
    clock = new FakeClock(created + 2 * 60_000);
    server = await new FakePlatformServer(clock).listen();
    server.script("POST /v2/video/query/", ok("video-query.json"));
    const account: TiktokState = {
      polledAt: clock.now(),
      lastSuccessAt: clock.now(),
      lastErrorAt: null,
      lastError: null,
      videos: { "7445000000000000003": { counts: "1520,40,88,32000", createdAt: created } },
    };
    const schedule = [["7445000000000000003", created, created + 5 * 60_000, 1520, 40, 88, 32000, 0]];
    const events = await until(
      (event) => event.type === "checkpoint" && event.stream === "engagement-refresh",
      options(),
      context({ [ACCOUNT_STREAM]: JSON.stringify(account), "engagement-refresh": JSON.stringify(schedule) }),
    );
    expect(server.requests.map((r) => [r.path.split("?")[0], r.at - created])).toEqual([
      ["/v2/video/query/", 5 * 60_000],
    ]);
    // The same counts as stored: nothing published; the next step is 15 minutes after the post.
    expect(events.map((e) => e.type)).toEqual(["checkpoint"]);
    expect(JSON.parse((events[0] as { value: string }).value)).toEqual([
      ["7445000000000000003", created, created + 15 * 60_000, 1520, 40, 88, 32000, 0],
    ]);
  });

  it("retries a 503, waits after a 429 rate_limit_exceeded, and goes on", async () => {
    await setUp();
    const last = JSON.parse(fixture("video-list-1.json"));
    last.data.has_more = false;
    server
      .script("GET /v2/user/info/", { status: 503, body: "upstream busy" }, ok("user-info.json"))
      .script(
        "POST /v2/video/list/",
        { status: 429, headers: JSON_HEADERS, body: fixture("rate-limited.json") },
        { status: 200, headers: JSON_HEADERS, body: JSON.stringify(last) },
      );
    const start = clock.now();
    const events = await poll(1);
    // 503: one second's backoff; 429 without Retry-After: the client's one-minute fallback.
    expect(server.requests.map((r) => r.at - start)).toEqual([0, 1000, 1000, 61_000]);
    expect(mentions(events)).toHaveLength(2);
    expect(invalidOf(events)).toEqual([]);
  });

  it("dead-letters an invalid token (TikTok's own text), HTML, a wrong shape and a bad video; the source goes on", async () => {
    await setUp();
    const badVideo = JSON.parse(fixture("video-list-1.json"));
    badVideo.data.has_more = false;
    badVideo.data.videos.unshift({ id: "7445000000000000009", title: "tanpa waktu" });
    server
      .script(
        "GET /v2/user/info/",
        { status: 401, headers: JSON_HEADERS, body: fixture("token-invalid.json") },
        { status: 200, headers: { "content-type": "text/html" }, body: "<!DOCTYPE html><html>maintenance</html>" },
        ok("user-info.json"),
        ok("user-info.json"),
      )
      .script(
        "POST /v2/video/list/",
        { status: 200, headers: JSON_HEADERS, body: JSON.stringify({ data: { list: [] }, error: { code: "ok" } }) },
        { status: 200, headers: JSON_HEADERS, body: JSON.stringify(badVideo) },
      );
    const events = await poll(4);
    expect(invalidOf(events)).toEqual([
      {
        code: TIKTOK_ERROR_CODES.apiError,
        reason: `${server.url("/v2/user/info/")}: HTTP 401: access_token_invalid: The access token is invalid or not found in the request.`,
      },
      { code: TIKTOK_ERROR_CODES.badJson, reason: `${server.url("/v2/user/info/")}: the answer is not JSON` },
      { code: TIKTOK_ERROR_CODES.badPayload, reason: "video/list: expected {data: {videos, cursor, has_more}}" },
      {
        code: TIKTOK_ERROR_CODES.badPayload,
        reason: "video/list: create_time: Invalid input: expected number, received undefined",
      },
    ]);
    expect(statesOf(events).map((s) => s.lastSuccessAt !== null)).toEqual([false, false, false, true]);
    expect(mentions(events)).toHaveLength(2);
  });
});
