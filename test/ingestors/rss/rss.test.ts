/**
 * The rss ingestor against a fake feed server and a test clock: RSS 2.0, Atom and Google News
 * fixtures (from the RSS 2.0 spec, RFC 4287 and a Google News search feed), conditional GET, 304,
 * 404, an empty channel, malformed XML, an HTML page instead of a feed (each a dead letter, and
 * the source goes on), 503 then 200, and a restart from a stored checkpoint.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { createRssIngestor, type FeedState, RSS_ERROR_CODES } from "../../../ingestors/rss/index.js";
import type { SourceEvent } from "../../../runtime/ingestor.js";
import { mentions } from "../events.js";
import { FakeClock, FakePlatformServer, fakeContext } from "../fakes/platform-server.js";

const fixture = (name: string) => readFileSync(`test/fixtures/rss/${name}`, "utf8");
const RSS = { "content-type": "application/rss+xml" };

let server: FakePlatformServer;
let clock: FakeClock;

afterEach(async () => {
  expect(server.unexpected).toEqual([]);
  expect(server.remaining()).toEqual({});
  await server.close();
});

const context = (checkpoints: Record<string, string> = {}) => fakeContext(clock, checkpoints);

/** Runs the source until it has yielded `rounds` checkpoints (one per poll). */
async function poll(paths: string[], rounds: number, ctx = context(), pollSeconds = 180): Promise<SourceEvent[]> {
  const ingestor = createRssIngestor({
    name: "berita",
    feeds: paths.map((path) => ({ url: server.url(path) })),
    pollSeconds,
    platform: "news",
    clock,
  });
  const abort = new AbortController();
  const events: SourceEvent[] = [];
  let checkpoints = 0;
  for await (const event of ingestor.events(abort.signal, ctx)) {
    events.push(event);
    if (event.type === "checkpoint" && ++checkpoints === rounds) abort.abort();
  }
  return events;
}

const checkpointsOf = (events: SourceEvent[]) =>
  events.flatMap((event) => (event.type === "checkpoint" ? [JSON.parse(event.value) as FeedState] : []));
const invalidOf = (events: SourceEvent[]) =>
  events.flatMap((event) => (event.type === "invalid" ? [{ code: event.errorCode, reason: event.reason }] : []));

async function setUp(): Promise<void> {
  clock = new FakeClock();
  server = await new FakePlatformServer(clock).listen();
}

describe("rss ingestor", () => {
  it("maps an RSS 2.0 feed: canonical URL ids, HTML stripped, the outlet as author; a bad item is a dead letter", async () => {
    await setUp();
    server.script("GET /rss", {
      status: 200,
      headers: { ...RSS, etag: '"v1"', "last-modified": "Tue, 10 Jun 2003 09:41:01 GMT" },
      body: fixture("rss2-sample.xml"),
    });
    const events = await poll(["/rss"], 1);
    const items = mentions(events);
    expect(items.map((m) => m.url)).toEqual([
      "http://liftoff.msfc.nasa.gov/news/2003/news-starcity.asp",
      null,
      "http://liftoff.msfc.nasa.gov/news/2003/news-VASIMR.asp?id=7",
    ]);
    expect(items[0]).toMatchObject({
      platform: "news",
      kind: "article",
      author: { id: "liftoff.msfc.nasa.gov", handle: "liftoff.msfc.nasa.gov", name: "Liftoff News" },
      lang: "en",
      eventTime: Date.parse("Tue, 03 Jun 2003 09:39:21 GMT"),
      ingestTime: clock.now(),
      source: "berita",
    });
    expect(items[0]?.text).toBe(
      "Star City\n\nHow do Americans get ready to work with Russians aboard the International Space Station? They take a crash course in culture, language and protocol at Russia's Star City .",
    );
    expect(items[1]?.text).toContain("will experience a partial eclipse of the Sun on Saturday");
    expect(items[0]?.id).toMatch(/^[0-9a-f]{40}$/);
    expect(invalidOf(events)).toEqual([
      { code: RSS_ERROR_CODES.badItem, reason: `${server.url("/rss")}: item 4 has neither a link nor a guid` },
    ]);
    const [state] = checkpointsOf(events);
    expect(state).toMatchObject({ etag: '"v1"', lastModified: "Tue, 10 Jun 2003 09:41:01 GMT", parseErrors: 0 });
    expect(state?.seen).toHaveLength(3);
    expect(events.at(-1)?.type).toBe("checkpoint");
  });

  it("maps Atom entries and Google News items (the outlet from <source url>)", async () => {
    await setUp();
    server.script("GET /atom", { status: 200, body: fixture("atom-rfc4287.xml") });
    server.script("GET /rss/search", { status: 200, body: fixture("google-news-search.xml") });
    const [atom, google] = mentions(await poll(["/atom", "/rss/search"], 2));
    expect(atom).toMatchObject({
      url: "http://example.org/2005/04/02/atom",
      text: "Atom draft-07 snapshot\n\n[Update: The Atom draft is finished.]",
      eventTime: Date.parse("2003-12-13T08:29:29-04:00"),
      author: { handle: "example.org", name: "dive into mark" },
      lang: "en",
    });
    expect(google).toMatchObject({
      author: { id: "news.detik.com", handle: "news.detik.com", name: "detikNews" },
      text: "Antrean Pasien BPJS di RSUD Membludak - detikNews\n\nAntrean Pasien BPJS di RSUD Membludak detikNews",
      lang: "id",
    });
  });

  it("polls again with If-None-Match / If-Modified-Since; a 304 or a repeat of the same items emits nothing", async () => {
    await setUp();
    const t0 = clock.now();
    const headers = { ...RSS, etag: '"v1"', "last-modified": "Tue, 10 Jun 2003 09:41:01 GMT" };
    server.script(
      "GET /rss",
      { status: 200, headers, body: fixture("rss2-sample.xml") },
      { status: 304, headers },
      { status: 200, headers: { ...RSS, etag: '"v2"' }, body: fixture("rss2-sample.xml") },
    );
    const events = await poll(["/rss"], 3);
    expect(mentions(events)).toHaveLength(3);
    expect(server.requests[0]?.headers["if-none-match"]).toBeUndefined();
    expect(server.requests[1]?.headers).toMatchObject({
      "if-none-match": '"v1"',
      "if-modified-since": "Tue, 10 Jun 2003 09:41:01 GMT",
    });
    expect(server.requests[2]?.headers["if-none-match"]).toBe('"v1"');
    // Every 180 s, minus up to a fifth (the test clock's random is 0.5: a tenth).
    expect(server.requests.map((r) => r.at - t0)).toEqual([0, 162_000, 324_000]);
    expect(checkpointsOf(events).map((s) => s.lastSuccessAt)).toEqual([t0, t0 + 162_000, t0 + 324_000]);
  });

  it("dead-letters a 404, malformed XML and an HTML page, and goes on; an empty channel is no error", async () => {
    await setUp();
    server.script("GET /gone", { status: 404, body: "Not Found" });
    server.script("GET /broken", { status: 200, body: fixture("malformed.xml") });
    server.script("GET /html", {
      status: 200,
      headers: { "content-type": "text/html" },
      body: fixture("html-page.html"),
    });
    server.script("GET /empty", { status: 200, body: fixture("empty-channel.xml") });
    server.script("GET /rss", { status: 200, body: fixture("rss2-sample.xml") });
    const events = await poll(["/gone", "/broken", "/html", "/empty", "/rss"], 5, context(), 600);
    expect(invalidOf(events).map((i) => i.code)).toEqual([
      RSS_ERROR_CODES.fetchFailed,
      RSS_ERROR_CODES.badXml,
      RSS_ERROR_CODES.notAFeed,
      RSS_ERROR_CODES.badItem,
    ]);
    expect(invalidOf(events)[0]?.reason).toBe(`${server.url("/gone")}: HTTP 404`);
    expect(invalidOf(events)[1]?.reason).toMatch(/not well-formed XML at line 2, column \d+/);
    expect(mentions(events)).toHaveLength(3);
    const states = checkpointsOf(events);
    expect(states.map((s) => s.parseErrors)).toEqual([0, 1, 1, 0, 0]);
    expect(states[0]).toMatchObject({ lastSuccessAt: null, lastError: `${server.url("/gone")}: HTTP 404` });
    expect(states[3]).toMatchObject({ lastSuccessAt: states[3]?.polledAt, lastError: null, seen: [] });
  });

  it("retries a 503, then reads the 200", async () => {
    await setUp();
    server.script("GET /rss", { status: 503 }, { status: 200, body: fixture("empty-channel.xml") });
    const events = await poll(["/rss"], 1);
    expect(invalidOf(events)).toEqual([]);
    expect(clock.sleeps).toEqual([1000]);
  });

  it("after a restart, waits out the poll interval from the stored checkpoint and re-emits nothing", async () => {
    await setUp();
    server.script("GET /rss", { status: 200, headers: { ...RSS, etag: '"v1"' }, body: fixture("rss2-sample.xml") });
    const first = await poll(["/rss"], 1);
    const stored = first.at(-1);
    if (stored?.type !== "checkpoint") throw new Error("expected a checkpoint");
    const polledAt = clock.now();
    clock.time += 60_000; // restarted a minute later
    server.script("GET /rss", { status: 200, headers: { ...RSS, etag: '"v2"' }, body: fixture("rss2-sample.xml") });
    const second = await poll(["/rss"], 1, context({ [stored.stream]: stored.value }));
    expect(server.requests[1]?.at).toBe(polledAt + 180_000);
    expect(server.requests[1]?.headers["if-none-match"]).toBe('"v1"');
    expect(mentions(second)).toEqual([]);
  });

  it("stops within a second of abort while waiting for the next poll", async () => {
    await setUp();
    const ingestor = createRssIngestor({
      name: "s",
      feeds: [{ url: server.url("/x") }],
      pollSeconds: 180,
      platform: "news",
    });
    server.script("GET /x", { status: 200, body: fixture("empty-channel.xml") });
    const abort = new AbortController();
    const started = Date.now();
    const run = (async () => {
      for await (const event of ingestor.events(abort.signal, context()))
        if (event.type === "checkpoint") setTimeout(() => abort.abort(), 50);
    })();
    await run;
    expect(Date.now() - started).toBeLessThan(1000 + 500);
  });
});
