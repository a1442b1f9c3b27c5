/**
 * The x ingestor against a fake X API and a test clock: recent search with next_token pages (one
 * empty but with a next token) and since_id kept across them, a restart from a stored checkpoint
 * (since_id = checkpoint minus the lookback), rules synced (stale deleted, missing added), the
 * stream read line by line through keep-alives, a socket reset mid-object (no partial post), an
 * operational-disconnect, silence after keep-alives (reconnect, then gap-fill), 429 with
 * Retry-After and with x-rate-limit-reset (no request before the reset), 503 then 200 (X's HTTP
 * ladder), malformed lines, HTML instead of JSON, changed counts as engagement, the post budget.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { checkX, createXIngestor, snowflakeAt, X_ERROR_CODES, type XOptions } from "../../../ingestors/x/index.js";
import { HttpClient } from "../../../runtime/http-client.js";
import type { IngestContext, SourceEvent } from "../../../runtime/ingestor.js";
import { engagements, mentions } from "../events.js";
import { FakeClock, FakePlatformServer, type RecordedRequest } from "../fakes/platform-server.js";

const JSON_HEADERS = { "content-type": "application/json" };
const SEARCH = "GET /2/tweets/search/recent";
const STREAM = "GET /2/tweets/search/stream";
const RULES = "GET /2/tweets/search/stream/rules";
const RULES_POST = "POST /2/tweets/search/stream/rules";
const TOKEN = "AAAAAAAAAAAAAAAAAAAAAtest-bearer-token";
const RULE_A = { value: '"antrean bpjs"', tag: "bpjs/antrean" };

let server: FakePlatformServer;
let clock: FakeClock;
let reconnects = 0;

afterEach(async () => {
  expect(server.unexpected).toEqual([]);
  expect(server.remaining()).toEqual({});
  await server.close();
});

async function setUp(): Promise<void> {
  clock = new FakeClock();
  server = await new FakePlatformServer(clock).listen();
  reconnects = 0;
}

function context(checkpoints: Record<string, string> = {}): IngestContext {
  return {
    checkpoints: new Map(Object.entries(checkpoints)),
    http: new HttpClient({ clock, backoff: { initialMs: 1000, maxMs: 4000, factor: 2, jitter: 0 } }),
    store: { get: async () => null, set: async () => undefined },
    reconnected: () => reconnects++,
  };
}

function ingestor(overrides: Partial<XOptions> = {}) {
  return createXIngestor({
    name: "x-humas",
    bearerToken: TOKEN,
    rules: [RULE_A],
    baseUrl: server.url("/"),
    dailyPostReads: 100_000,
    maxSearchPages: 10,
    lookbackMs: 30_000,
    backfillMs: 3_600_000,
    stallMs: 5000, // real time: only the stall test shortens it
    timeoutMs: 2000,
    clock,
    // The refresher's sleeps would move the test clock under the stream's ladders: refresh.test.ts tests it.
    refresh: false,
    ...overrides,
  });
}

/** Runs the source until `until` holds for an event (inclusive), then stops it. */
async function run(
  until: (event: SourceEvent, all: SourceEvent[]) => boolean,
  ctx = context(),
  overrides: Partial<XOptions> = {},
): Promise<SourceEvent[]> {
  const abort = new AbortController();
  const events: SourceEvent[] = [];
  for await (const event of ingestor(overrides).events(abort.signal, ctx)) {
    events.push(event);
    if (until(event, events)) abort.abort();
  }
  return events;
}

/** A post as X documents it, created `minutesAgo` before the clock's start, its id from that time. */
function post(minutesAgo: number, extra: Record<string, unknown> = {}, text = "antrean bpjs panjang sekali") {
  const at = Date.UTC(2026, 11, 5, 3, 0) - minutesAgo * 60_000;
  return {
    id: snowflakeAt(at),
    text,
    created_at: new Date(at).toISOString(),
    author_id: "2244994945",
    lang: "in",
    public_metrics: { like_count: 1, retweet_count: 0, quote_count: 0, reply_count: 0, impression_count: 10 },
    ...extra,
  };
}
const USERS = {
  users: [
    { id: "2244994945", username: "warga_sby", name: "Warga Surabaya", public_metrics: { followers_count: 1520 } },
  ],
};

const page = (posts: object[], meta: Record<string, unknown> = {}) => ({
  status: 200,
  headers: JSON_HEADERS,
  body: JSON.stringify({
    ...(posts.length > 0 && { data: posts, includes: USERS }),
    meta: {
      result_count: posts.length,
      ...(posts.length > 0 && { newest_id: (posts[0] as { id: string }).id }),
      ...meta,
    },
  }),
});
const emptyPage = page([]);
const line = (data: object, tags = [RULE_A.tag]) =>
  `${JSON.stringify({ data, includes: USERS, matching_rules: tags.map((tag, i) => ({ id: String(i), tag })) })}\r\n`;
const rulesList = (rules: object[]) => ({
  status: 200,
  headers: JSON_HEADERS,
  body: JSON.stringify({ data: rules, meta: {} }),
});
const query = (request: RecordedRequest) => Object.fromEntries(new URL(request.path, "http://x").searchParams);
const searches = () => server.requests.filter((r) => r.path.startsWith("/2/tweets/search/recent"));
const checkpointOf = (events: SourceEvent[], stream = RULE_A.tag) =>
  events.flatMap((e) => (e.type === "checkpoint" && e.stream === stream ? [JSON.parse(e.value)] : [])).at(-1);

describe("x ingestor", () => {
  it("maps a documented search page: author expansion, reply thread, counts, Indonesian as id", async () => {
    await setUp();
    const fixture = readFileSync("test/fixtures/x/search-page.json", "utf8");
    const parsed = JSON.parse(fixture);
    server.script(SEARCH, {
      status: 200,
      headers: JSON_HEADERS,
      body: JSON.stringify({ ...parsed, meta: { ...parsed.meta, next_token: undefined } }),
    });
    const events = await run((e) => e.type === "checkpoint");
    const [first, reply] = mentions(events);
    expect(first).toEqual({
      platform: "x",
      id: "2129045593912246272",
      kind: "post",
      url: "https://x.com/warga_sby/status/2129045593912246272",
      author: {
        id: "2244994945",
        handle: "warga_sby",
        name: "Warga Surabaya",
        followers: 1520,
        verified: false,
        location: "Surabaya, Jawa Timur",
      },
      text: "Antrean BPJS di RSUD Dr. Soetomo sejak subuh @BPJSKesehatanRI #JKN https://t.co/abc",
      lang: "id",
      eventTime: Date.parse("2026-12-05T02:50:00.000Z"),
      ingestTime: clock.time,
      parentId: null,
      rootId: null,
      hashtags: ["JKN"],
      mentionedHandles: ["BPJSKesehatanRI"],
      links: ["https://bpjs-kesehatan.go.id/antrean"],
      engagement: { likes: 11, shares: 5, replies: 2, views: 530, clicks: 0 },
      source: "x-humas",
    });
    expect(reply).toMatchObject({
      kind: "reply",
      parentId: "2129043077329846272",
      rootId: "2129043077329846272",
      author: { handle: "X", verified: true, followers: 67_000_000, location: null },
      url: "https://x.com/X/status/2129045342254006289",
    });
    expect(searches()[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("follows next_token through an empty page with the same start, and checkpoints page 1's newest id", async () => {
    await setUp();
    const [a, b, c] = [post(3), post(4), post(50)];
    server.script(SEARCH, page([a, b], { next_token: "t1" }), page([], { next_token: "t2" }), page([c]));
    const events = await run((e) => e.type === "checkpoint");
    expect(mentions(events).map((m) => m.id)).toEqual([a.id, b.id, c.id]);
    const [q1, q2, q3] = searches().map(query);
    expect(q1).toMatchObject({ query: RULE_A.value, max_results: "100", start_time: "2026-12-05T02:00:00.000Z" });
    expect(q1?.next_token).toBeUndefined();
    expect(q2).toMatchObject({ start_time: "2026-12-05T02:00:00.000Z", next_token: "t1" });
    expect(q3).toMatchObject({ start_time: "2026-12-05T02:00:00.000Z", next_token: "t2" });
    expect(checkpointOf(events)).toEqual({ newestId: a.id });
  });

  it("keeps since_id from the checkpoint on every page, the empty one included", async () => {
    await setUp();
    const stored = post(30);
    const [a, b] = [post(2), post(20)];
    server.script(SEARCH, page([a], { next_token: "t1" }), page([], { next_token: "t2" }), page([b]));
    const events = await run(
      (e) => e.type === "checkpoint",
      context({ [RULE_A.tag]: JSON.stringify({ newestId: stored.id }) }),
    );
    expect(mentions(events).map((m) => m.id)).toEqual([a.id, b.id]);
    const since = snowflakeAt(Date.UTC(2026, 11, 5, 2, 30) - 30_000);
    expect(searches().map((r) => [query(r).since_id, query(r).next_token, query(r).start_time])).toEqual([
      [since, undefined, undefined],
      [since, "t1", undefined],
      [since, "t2", undefined],
    ]);
    expect(checkpointOf(events)).toEqual({ newestId: a.id });
  });

  it("restarts from its checkpoint, syncs rules, reads the stream through a reset mid-object, reconnects and fills the gap", async () => {
    await setUp();
    const ruleB = { value: "#JKN", tag: "bpjs/jkn" };
    const stored = post(10);
    const [s1, s2, late] = [post(1), post(0.5), post(0.8)];
    // Start: one search per query from the checkpoint (minus 30 s of lookback), or the backfill.
    server.script(SEARCH, emptyPage, emptyPage);
    server.script(
      RULES,
      rulesList([
        { id: "9", value: "stale", tag: "old/query" },
        { id: "10", ...RULE_A },
      ]),
    );
    server.script(RULES_POST, { status: 200, headers: JSON_HEADERS, body: '{"meta":{"summary":{"deleted":1}}}' });
    server.script(RULES_POST, {
      status: 201,
      headers: JSON_HEADERS,
      body: '{"data":[{"id":"11","value":"#JKN","tag":"bpjs/jkn"}],"meta":{"summary":{"created":1}}}',
    });
    const cut = line(s2);
    server.script(STREAM, {
      status: 200,
      headers: JSON_HEADERS,
      chunks: ["\r\n", line(s1), cut.slice(0, 40)],
      intervalMs: 50,
      end: "reset",
    });
    server.script(SEARCH, emptyPage, emptyPage); // after connecting
    server.script(STREAM, { status: 200, headers: JSON_HEADERS, chunks: ["\r\n", line(s2)], end: "hold" });
    server.script(SEARCH, page([late]), emptyPage); // after reconnecting: the gap
    const events = await run(
      (e) => e.type === "mention" && e.mention.id === s2.id,
      context({ [RULE_A.tag]: JSON.stringify({ newestId: stored.id }) }),
      { rules: [RULE_A, ruleB] },
    );
    expect(mentions(events).map((m) => m.id)).toEqual([s1.id, late.id, s2.id]);
    expect(events.filter((e) => e.type === "invalid")).toEqual([]);
    const [first, second, , , third] = searches().map(query);
    expect(first?.since_id).toBe(snowflakeAt(Date.UTC(2026, 11, 5, 2, 50) - 30_000));
    expect(second?.start_time).toBe("2026-12-05T02:00:00.000Z"); // bpjs/jkn: no checkpoint yet
    expect(third?.since_id).toBe(snowflakeAt(Date.UTC(2026, 11, 5, 2, 59) - 30_000)); // s1, read on the stream
    const posts = server.requests.filter((r) => r.method === "POST").map((r) => JSON.parse(r.body));
    expect(posts).toEqual([{ delete: { ids: ["9"] } }, { add: [ruleB] }]);
    expect(server.requests.find((r) => r.path.startsWith("/2/tweets/search/stream?"))?.headers.authorization).toBe(
      `Bearer ${TOKEN}`,
    );
    expect(reconnects).toBe(1);
    expect(clock.sleeps).toEqual([]); // bytes came before the reset: the first reconnect is at once
  });

  it("keep-alives, then silence: reconnects after the stall and searches the gap", async () => {
    await setUp();
    const missed = post(0.2);
    server.script(SEARCH, emptyPage);
    server.script(RULES, rulesList([{ id: "1", ...RULE_A }]));
    server.script(STREAM, {
      status: 200,
      headers: JSON_HEADERS,
      chunks: ["\r\n", "\r\n", "\r\n"],
      intervalMs: 50,
      end: "hold",
    });
    server.script(SEARCH, emptyPage);
    server.script(STREAM, { status: 200, headers: JSON_HEADERS, chunks: ["\r\n"], end: "hold" });
    server.script(SEARCH, page([missed]));
    const events = await run((e) => e.type === "mention", context(), { stallMs: 300 });
    expect(mentions(events).map((m) => m.id)).toEqual([missed.id]);
    expect(reconnects).toBe(1);
  });

  it("an operational-disconnect reconnects at once; a stream answering 503 waits on X's HTTP ladder (5 s, 10 s)", async () => {
    await setUp();
    server.script(SEARCH, emptyPage);
    server.script(RULES, rulesList([{ id: "1", ...RULE_A }]));
    const disconnect =
      '{"errors":[{"title":"operational-disconnect","disconnect_type":"UpstreamOperationalDisconnect","detail":"This stream has been disconnected upstream for operational reasons.","type":"https://api.twitter.com/2/problems/operational-disconnect"}]}\r\n';
    server.script(STREAM, { status: 200, headers: JSON_HEADERS, chunks: ["\r\n", disconnect], end: "hold" });
    server.script(SEARCH, emptyPage);
    server.script(STREAM, {
      status: 503,
      headers: JSON_HEADERS,
      body: '{"title":"Service Unavailable","detail":"busy"}',
    });
    server.script(SEARCH, emptyPage);
    server.script(STREAM, { status: 503, body: "<html><body>503</body></html>" });
    server.script(SEARCH, emptyPage);
    const p = post(0.1);
    server.script(STREAM, { status: 200, headers: JSON_HEADERS, chunks: [line(p)], end: "hold" });
    server.script(SEARCH, emptyPage);
    const events = await run((e) => e.type === "mention");
    expect(clock.sleeps).toEqual([5000, 10_000]);
    expect(events.flatMap((e) => (e.type === "invalid" ? [[e.errorCode, e.reason]] : []))).toEqual([
      [X_ERROR_CODES.requestFailed, "x-humas: stream: HTTP 503: Service Unavailable; busy"],
      [X_ERROR_CODES.requestFailed, "x-humas: stream: HTTP 503: <html><body>503</body></html>"],
    ]);
    expect(reconnects).toBe(3);
  });

  it("429 on the stream: waits a minute and until x-rate-limit-reset; 429 on search: waits Retry-After", async () => {
    await setUp();
    const start = clock.time;
    const reset = Math.floor(start / 1000) + 300;
    server.script(SEARCH, { status: 429, headers: { "retry-after": "30" } }, emptyPage);
    server.script(RULES, rulesList([{ id: "1", ...RULE_A }]));
    server.script(STREAM, {
      status: 429,
      headers: { "x-rate-limit-reset": String(reset), "x-rate-limit-remaining": "0", "x-rate-limit-limit": "50" },
    });
    server.script(SEARCH, emptyPage);
    const p = post(0.1);
    server.script(STREAM, { status: 200, headers: JSON_HEADERS, chunks: [line(p)], end: "hold" });
    server.script(SEARCH, emptyPage);
    await run((e) => e.type === "mention");
    const at = (route: string) =>
      server.requests.filter((r) => `${r.method} ${r.path.split("?")[0]}` === route).map((r) => r.at - start);
    expect(at(SEARCH).slice(0, 2)).toEqual([0, 30_000]);
    const [, second] = at(STREAM);
    expect(second).toBe(reset * 1000 - start); // the ladder's minute passed, then the reset
    expect(clock.sleeps).toContain(60_000);
  });

  it("malformed lines, a bad post and HTML instead of JSON are dead letters; the next post goes on; changed counts are engagement", async () => {
    await setUp();
    const p = post(1);
    const reply = post(0.5, { referenced_tweets: [{ type: "replied_to", id: p.id }], conversation_id: p.id });
    const pAgain = { ...p, public_metrics: { ...p.public_metrics, like_count: 7 } };
    server.script(SEARCH, {
      status: 200,
      headers: { "content-type": "text/html" },
      body: "<!DOCTYPE html><html>maintenance</html>",
    });
    server.script(RULES, rulesList([{ id: "1", ...RULE_A }]));
    const replyLine = `${JSON.stringify({
      data: reply,
      includes: {
        ...USERS,
        tweets: [{ ...p, public_metrics: { ...p.public_metrics, like_count: 3, reply_count: 1 } }],
      },
      matching_rules: [{ id: "1", tag: RULE_A.tag }],
    })}\r\n`;
    server.script(STREAM, {
      status: 200,
      headers: JSON_HEADERS,
      chunks: [
        "{not json\r\n",
        '{"data":{"id":"12"}}\r\n',
        line(post(2, { created_at: "kemarin sore" })),
        '{"errors":[{"title":"ConnectionException","detail":"Too many connections"}]}\r\n',
        line(p),
        replyLine,
      ],
      end: "hold",
    });
    server.script(SEARCH, page([pAgain]));
    const events = await run((e) => e.type === "mention" && e.mention.id === reply.id);
    expect(events.flatMap((e) => (e.type === "invalid" ? [[e.errorCode, e.origin]] : []))).toEqual([
      [X_ERROR_CODES.badPayload, "search"],
      [X_ERROR_CODES.badPayload, "stream"],
      [X_ERROR_CODES.badPayload, "post"],
      [X_ERROR_CODES.badPayload, "post"],
      [X_ERROR_CODES.streamError, "stream"],
    ]);
    // p from the search (its first sight), again on the stream with other counts, then as the reply's parent.
    expect(mentions(events).map((m) => m.id)).toEqual([p.id, reply.id]);
    expect(engagements(events).map(({ postId, likes, replies }) => ({ postId, likes, replies }))).toEqual([
      { postId: p.id, likes: 1, replies: 0 },
      { postId: p.id, likes: 3, replies: 1 },
    ]);
  });

  it("pauses before the day's post budget runs out, until 00:00 UTC, and remembers it over a restart", async () => {
    await setUp();
    const posts = Array.from({ length: 12 }, (_, i) => post(1 - i * 0.01));
    server.script(SEARCH, emptyPage);
    server.script(RULES, rulesList([{ id: "1", ...RULE_A }]));
    server.script(STREAM, { status: 200, headers: JSON_HEADERS, chunks: posts.map((p) => line(p)), end: "hold" });
    server.script(SEARCH, emptyPage);
    // 10 posts a day, 5 % kept in reserve: the 9th read pauses the credential.
    const events = await run(
      (e, all) => e.type === "checkpoint" && e.stream === "posts-read" && mentions(all).length >= 9,
      context(),
      { dailyPostReads: 10 },
    );
    expect(mentions(events)).toHaveLength(9);
    const budget = checkpointOf(events, "posts-read");
    expect(budget).toEqual({
      windowStart: Date.UTC(2026, 11, 5),
      used: 9,
      lastSuccessAt: Date.UTC(2026, 11, 5, 3, 0),
      lastErrorAt: null,
      lastError: null,
    });

    // Restarted the same day: the stored reads count, so it searches nothing and waits for midnight.
    const restartedAt = clock.time;
    server.script(RULES, rulesList([{ id: "1", ...RULE_A }]));
    server.script(STREAM, { status: 200, headers: JSON_HEADERS, chunks: [line(post(-1))], end: "hold" });
    server.script(SEARCH, emptyPage);
    const before = server.requests.length;
    await run(
      (e) => e.type === "mention",
      context({ "posts-read": JSON.stringify(budget), [RULE_A.tag]: JSON.stringify({ newestId: posts[8]?.id }) }),
      { dailyPostReads: 10 },
    );
    const later = server.requests.slice(before);
    expect(later.map((r) => r.at >= Date.UTC(2026, 11, 6))).toEqual([true, true, true]);
    expect(restartedAt).toBeLessThan(Date.UTC(2026, 11, 6));
  });

  it("sources check: one authenticated rules request; null when it works, else X's words or the HTML's first line", async () => {
    await setUp();
    const http = new HttpClient({ clock, maxAttempts: 1 });
    const options = { name: "x-humas", bearerToken: TOKEN, baseUrl: server.url("/"), timeoutMs: 2000 };
    server.script(
      RULES,
      rulesList([{ id: "1", ...RULE_A }]),
      { status: 403, body: '{"title":"Client Forbidden","detail":"This endpoint is not available on your tier"}' },
      { status: 200, headers: { "content-type": "text/html" }, body: "<html>login</html>" },
    );
    expect(await checkX(options, http)).toBeNull();
    expect(await checkX(options, http)).toBe(
      `${server.url("/2/tweets/search/stream/rules")}: HTTP 403: Client Forbidden; This endpoint is not available on your tier`,
    );
    expect(await checkX(options, http)).toBe(
      `${server.url("/2/tweets/search/stream/rules")}: the answer is not JSON: <html>login</html>`,
    );
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(Array(3).fill(`Bearer ${TOKEN}`));
  });

  it("a stream answering an HTML page with 200 is dead letters and a failed connection: the network ladder grows", async () => {
    await setUp();
    const html = {
      status: 200,
      headers: { "content-type": "text/html" },
      body: "<html>\r\n<body>login</body>\r\n</html>\r\n",
    };
    server.script(SEARCH, emptyPage);
    server.script(RULES, rulesList([{ id: "1", ...RULE_A }]));
    server.script(STREAM, html, html, html);
    server.script(SEARCH, emptyPage, emptyPage, emptyPage);
    const p = post(0.1);
    server.script(STREAM, { status: 200, headers: JSON_HEADERS, chunks: [line(p)], end: "hold" });
    server.script(SEARCH, emptyPage);
    const events = await run((e) => e.type === "mention");
    expect(events.filter((e) => e.type === "invalid" && e.errorCode === X_ERROR_CODES.badPayload)).toHaveLength(9);
    expect(clock.sleeps).toEqual([250, 500]); // the first at once, then +250 ms each
    expect(reconnects).toBe(3);
  });
});
