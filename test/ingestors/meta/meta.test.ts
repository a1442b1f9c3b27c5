/**
 * The meta ingestor against a fake Graph API and a test clock: the reconciliation poll of a page
 * (feed over three pages, one empty with a next link; comments newest first with thread parents)
 * and of an Instagram account (media, comments and their replies), counts as EngagementEvents
 * only when they changed, a restart from a stored checkpoint, the throttling codes and the usage
 * headers, 503 then 200, and bad payloads; the engagement refresher re-reading a young post
 * through `?ids=` at 1, 5, 15 and 60 minutes (a "(#803) ... do not exist" a removal); Meta's webhook: the hub.challenge handshake, signed,
 * badly signed, re-serialised and replayed deliveries, a removal and an edit (change events,
 * answered after the bus acknowledged them), and bad changes.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import {
  createMetaIngestor,
  META_ERROR_CODES,
  type MetaOptions,
  type MetaStreamState,
  signMetaBody,
} from "../../../ingestors/meta/index.js";
import { WebhookListener } from "../../../ingestors/webhook/listener.js";
import type { SourceEvent } from "../../../runtime/ingestor.js";
import { changes, engagements, mentions } from "../events.js";
import { FakeClock, FakePlatformServer, fakeContext } from "../fakes/platform-server.js";

const PAGE = "104425192324";
const IG = "17841405822304914";
const TOKEN = "EAAB-page-token-secret";
const APP_SECRET = "meta-app-secret-0123456789";
const VERIFY = "verify-token-simak";
const JSON_HEADERS = { "content-type": "application/json" };

let server: FakePlatformServer;
let clock: FakeClock;

const fixture = (name: string) =>
  readFileSync(`test/fixtures/meta/${name}`, "utf8").replaceAll("{{base}}", server.url("").replace(/\/$/, ""));
const ok = (name: string, headers: Record<string, string> = {}) => ({
  status: 200,
  headers: { ...JSON_HEADERS, ...headers },
  body: fixture(name),
});
const graphError = (status: number, code: number, message: string, headers: Record<string, string> = {}) => ({
  status,
  headers: { ...JSON_HEADERS, ...headers },
  body: JSON.stringify({ error: { message, type: "OAuthException", code, fbtrace_id: "AbCdEf" } }),
});

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

function options(overrides: Partial<MetaOptions> = {}): MetaOptions {
  return {
    name: "meta-bpjs",
    pages: [PAGE],
    instagramAccounts: [],
    accessToken: TOKEN,
    pollMinutes: 10,
    lookbackMinutes: 10,
    initialHours: 24,
    commentWindowHours: 72,
    pauseAtPercent: 90,
    apiVersion: "v21.0",
    baseUrl: server.url(""),
    clock,
    ...overrides,
  };
}

/** Runs the source until it has yielded `rounds` checkpoints, acknowledging receipts. */
async function poll(rounds: number, opts = options(), ctx = context()): Promise<SourceEvent[]> {
  const abort = new AbortController();
  const events: SourceEvent[] = [];
  let checkpoints = 0;
  for await (const event of createMetaIngestor(opts).events(abort.signal, ctx)) {
    if (event.type === "receipt") event.done();
    else events.push(event);
    if (isPoll(event) && ++checkpoints === rounds) abort.abort();
  }
  return events;
}

/** A checkpoint of a page or account (not of a refresher's schedule). */
const isPoll = (event: SourceEvent) => event.type === "checkpoint" && !event.stream.startsWith("engagement-refresh");
const checkpointsOf = (events: SourceEvent[]) =>
  events.flatMap((event) =>
    event.type === "checkpoint" && isPoll(event) ? [JSON.parse(event.value) as MetaStreamState] : [],
  );
const invalidOf = (events: SourceEvent[]) =>
  events.flatMap((event) => (event.type === "invalid" ? [{ code: event.errorCode, reason: event.reason }] : []));
const query = (index: number) => new URLSearchParams(server.requests[index]?.path.split("?")[1]);
const paths = () => server.requests.map((request) => request.path.split("?")[0]);

describe("meta ingestor: reconciliation poll", () => {
  it("reads a page's feed over three pages (one empty with a next link) and the comments of posts that have some", async () => {
    await setUp();
    server
      .script(
        "GET /v21.0/104425192324/feed",
        ok("page-feed-1.json"),
        ok("page-feed-2-empty.json"),
        ok("page-feed-3.json"),
      )
      .script("GET /v21.0/104425192324_901234567890123/comments", ok("post-comments.json"))
      .script("GET /v21.0/104425192324_901234567890050/comments", ok("old-post-comments.json"));
    const start = clock.now();
    const events = await poll(1);
    expect(paths()).toEqual([
      "/v21.0/104425192324/feed",
      "/v21.0/104425192324/feed",
      "/v21.0/104425192324/feed",
      "/v21.0/104425192324_901234567890123/comments",
      "/v21.0/104425192324_901234567890050/comments",
    ]);
    // The token travels in a header, never in the URL; the window reaches 72 h back.
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(server.requests.every((request) => !request.path.includes(TOKEN))).toBe(true);
    expect(Number(query(0).get("since"))).toBe((start - 72 * 3_600_000) / 1000);
    expect(query(3).get("order")).toBe("reverse_chronological");
    expect(query(3).get("filter")).toBe("stream");

    const items = mentions(events);
    // The post without a message is no mention; comments newest first.
    expect(items.map((m) => [m.platform, m.kind, m.id, m.parentId, m.rootId])).toEqual([
      ["facebook", "post", "104425192324_901234567890123", null, null],
      ["facebook", "post", "104425192324_901234567890050", null, null],
      [
        "facebook",
        "comment",
        "901234567890123_555000000000002",
        "901234567890123_555000000000001",
        "104425192324_901234567890123",
      ],
      [
        "facebook",
        "comment",
        "901234567890123_555000000000001",
        "104425192324_901234567890123",
        "104425192324_901234567890123",
      ],
      [
        "facebook",
        "comment",
        "901234567890050_555000000000009",
        "104425192324_901234567890050",
        "104425192324_901234567890050",
      ],
    ]);
    expect(items[0]).toMatchObject({
      url: "https://www.facebook.com/104425192324/posts/901234567890123",
      author: { id: PAGE, handle: "BPJS Kesehatan", name: "BPJS Kesehatan" },
      text: "Layanan antrean online BPJS Kesehatan kini tersedia di aplikasi Mobile JKN.",
      eventTime: Date.UTC(2026, 11, 5, 1, 30),
      ingestTime: start,
      engagement: { likes: 340, shares: 12, replies: 2, views: 0, clicks: 0 },
      source: "meta-bpjs",
    });
    expect(items[2]).toMatchObject({
      author: { id: "3300000000000001", name: "Rina Wulandari" },
      engagement: { likes: 4 },
    });
    // First sight of the counts: no engagement event yet (the mention carries them).
    expect(engagements(events)).toEqual([]);
    const [state] = checkpointsOf(events);
    expect(state).toMatchObject({ since: start, lastSuccessAt: start, lastError: null });
    expect(state?.counts).toEqual({
      "104425192324_901234567890123": "340,12,2",
      "104425192324_901234567890100": "5,0,0",
      "104425192324_901234567890050": "80,3,1",
    });
  });

  it("reads an Instagram account's media and their comments with replies", async () => {
    await setUp();
    server
      .script("GET /v21.0/17841405822304914/media", ok("ig-media.json"))
      .script("GET /v21.0/17895695668004550/comments", ok("ig-comments.json"));
    const events = await poll(1, options({ pages: [], instagramAccounts: [IG] }));
    expect(query(1).get("fields")).toContain("replies{");
    expect(mentions(events).map((m) => [m.platform, m.kind, m.id, m.parentId, m.rootId, m.author.handle])).toEqual([
      ["instagram", "post", "17895695668004550", null, null, "bpjskesehatan_ri"],
      ["instagram", "comment", "17858893269000001", "17895695668004550", "17895695668004550", "warga_depok"],
      ["instagram", "comment", "17858893269000002", "17858893269000001", "17895695668004550", "bpjskesehatan_ri"],
    ]);
    expect(mentions(events)[0]).toMatchObject({
      url: "https://www.instagram.com/p/DAbCdEfGhIj/",
      engagement: { likes: 1520, replies: 2 },
    });
    expect(checkpointsOf(events)[0]?.counts).toEqual({ "17895695668004550": "1520,0,2" });
  });

  it("resumes from a stored checkpoint: waits out the interval, reads since its last start minus the lookback, and reports changed counts", async () => {
    await setUp();
    const stored: MetaStreamState = {
      since: clock.now() - 4 * 60_000,
      polledAt: clock.now() - 4 * 60_000,
      lastSuccessAt: clock.now() - 4 * 60_000,
      lastErrorAt: null,
      lastError: null,
      counts: { "104425192324_901234567890123": "300,12,2", "104425192324_901234567890050": "80,3,1" },
    };
    const feed = JSON.parse(fixture("page-feed-1.json"));
    delete feed.paging.next;
    feed.data[0].comments.summary.total_count = 0;
    server.script("GET /v21.0/104425192324/feed", { status: 200, headers: JSON_HEADERS, body: JSON.stringify(feed) });
    const start = clock.now();
    const events = await poll(
      1,
      options({ commentWindowHours: 0 }),
      context({ [`page:${PAGE}`]: JSON.stringify(stored) }),
    );
    // Polled 4 minutes before the restart: the next poll is due 6 minutes later, not before.
    expect(server.requests[0]?.at).toBe(start + 6 * 60_000);
    expect(Number(query(0).get("since"))).toBe((stored.since as number) / 1000 - 600);
    // The posts are older than since minus the lookback: no mention again; one count changed.
    expect(mentions(events)).toEqual([]);
    expect(engagements(events)).toEqual([
      {
        platform: "facebook",
        postId: "104425192324_901234567890123",
        eventTime: start + 6 * 60_000,
        likes: 340,
        shares: 12,
        replies: 0,
        views: 0,
        clicks: 0,
        source: "meta-bpjs",
      },
    ]);
  });

  it.each([4, 17, 32, 613, 80001])(
    "treats error code %i (HTTP 400) as a rate limit: waits, then asks again",
    async (code) => {
      await setUp();
      server.script(
        "GET /v21.0/104425192324/feed",
        graphError(400, code, "(#4) Application request limit reached", {
          "x-business-use-case-usage": JSON.stringify({
            [PAGE]: [
              { type: "pages", call_count: 100, total_cputime: 12, total_time: 30, estimated_time_to_regain_access: 7 },
            ],
          }),
        }),
        { status: 200, headers: JSON_HEADERS, body: JSON.stringify({ data: [] }) },
      );
      const start = clock.now();
      const events = await poll(1);
      expect(server.requests.map((r) => r.at - start)).toEqual([0, 7 * 60_000]);
      expect(invalidOf(events)).toEqual([]);
      expect(checkpointsOf(events)[0]?.lastError).toBeNull();
    },
  );

  it("pauses before the hard limit when X-App-Usage reaches pauseAtPercent, and 15 min after a throttle without an estimate", async () => {
    await setUp();
    server
      .script(
        "GET /v21.0/104425192324/feed",
        ok("page-feed-3.json", {
          "x-app-usage": JSON.stringify({ call_count: 93, total_cputime: 20, total_time: 41 }),
        }),
      )
      .script(
        "GET /v21.0/104425192324_901234567890050/comments",
        graphError(403, 32, "(#32) Page request limit reached"),
        ok("old-post-comments.json", {
          "x-app-usage": JSON.stringify({ call_count: 40, total_cputime: 5, total_time: 5 }),
        }),
      );
    const start = clock.now();
    const events = await poll(1);
    // 93 % used: the next request waits 5 minutes; the 403 code 32 waits 15 minutes.
    expect(server.requests.map((r) => r.at - start)).toEqual([0, 5 * 60_000, 20 * 60_000]);
    expect(mentions(events)).toHaveLength(2);
  });

  it("retries a 503 and goes on after the 200", async () => {
    await setUp();
    server.script("GET /v21.0/104425192324/feed", { status: 503, body: "Service Unavailable" }, ok("page-feed-3.json"));
    server.script("GET /v21.0/104425192324_901234567890050/comments", ok("old-post-comments.json"));
    const start = clock.now();
    const events = await poll(1);
    expect(server.requests.map((r) => r.at - start)).toEqual([0, 1000, 1000]);
    expect(mentions(events)).toHaveLength(2);
  });

  it("sends an HTML page, a wrong shape, an API error and a bad item to the dead letters and keeps since until a poll succeeds", async () => {
    await setUp();
    const badItem = JSON.parse(fixture("page-feed-3.json"));
    badItem.data.unshift({ id: "104425192324_1", message: "tanpa waktu" });
    server.script(
      "GET /v21.0/104425192324/feed",
      { status: 200, headers: { "content-type": "text/html" }, body: "<!DOCTYPE html><html><body>Login</body></html>" },
      { status: 200, headers: JSON_HEADERS, body: JSON.stringify({ posts: [] }) },
      graphError(400, 190, "Error validating access token: Session has expired"),
      { status: 200, headers: JSON_HEADERS, body: JSON.stringify(badItem) },
    );
    server.script("GET /v21.0/104425192324_901234567890050/comments", ok("old-post-comments.json"));
    const start = clock.now();
    const events = await poll(4);
    expect(invalidOf(events)).toEqual([
      {
        code: META_ERROR_CODES.badJson,
        reason: expect.stringMatching(/\/v21\.0\/104425192324\/feed\?…: the answer is not JSON$/),
      },
      { code: META_ERROR_CODES.badPayload, reason: expect.stringMatching(/: expected \{"data":\[\.\.\.\]\}$/) },
      {
        code: META_ERROR_CODES.apiError,
        reason: expect.stringMatching(/HTTP 400: \(#190\) Error validating access token: Session has expired$/),
      },
      {
        code: META_ERROR_CODES.badPayload,
        reason: "page 104425192324 feed: created_time: Invalid input: expected string, received undefined",
      },
    ]);
    const states = checkpointsOf(events);
    expect(states.map((s) => s.since)).toEqual([null, null, null, start + 30 * 60_000]);
    expect(states[2]?.lastError).toMatch(/Session has expired/);
    expect(mentions(events).map((m) => m.id)).toEqual([
      "104425192324_901234567890050",
      "901234567890050_555000000000009",
    ]);
  });
});

describe("meta ingestor: engagement refresher", () => {
  it("re-reads a young post's counts through ?ids= at 1, 5, 15 and 60 minutes: an event only on change; gone, a removal", async () => {
    await setUp();
    const created = clock.now() - 30_000;
    const postId = `${PAGE}_901234567890100`;
    const feed = JSON.parse(fixture("page-feed-1.json"));
    feed.data = [{ ...feed.data[1], created_time: new Date(created).toISOString().replace(".000Z", "+0000") }];
    delete feed.paging.next;
    const counts = (likes: number) => ({
      status: 200,
      headers: JSON_HEADERS,
      body: JSON.stringify({
        [postId]: {
          id: postId,
          created_time: feed.data[0].created_time,
          reactions: { data: [], summary: { total_count: likes } },
          comments: { data: [], summary: { order: "ranked", total_count: 0, can_comment: true } },
        },
      }),
    });
    server
      .script("GET /v21.0/104425192324/feed", { status: 200, headers: JSON_HEADERS, body: JSON.stringify(feed) })
      .script(
        "GET /v21.0/",
        counts(5),
        counts(9),
        counts(9),
        graphError(404, 803, `(#803) Some of the aliases you requested do not exist: ${postId}`),
      );
    const abort = new AbortController();
    const events: SourceEvent[] = [];
    for await (const event of createMetaIngestor(options({ pollMinutes: 180 })).events(abort.signal, context())) {
      events.push(event);
      if (event.type === "change") abort.abort();
    }
    const lookups = server.requests.slice(1);
    expect(lookups.map((r) => (r.at - created) / 60_000)).toEqual([1, 5, 15, 60]);
    expect(lookups.map((r) => r.path.split("?")[0])).toEqual(Array(4).fill("/v21.0/"));
    expect(Object.fromEntries(query(1))).toEqual({
      ids: postId,
      fields: "id,created_time,shares,reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)",
    });
    expect(engagements(events)).toEqual([
      {
        platform: "facebook",
        postId,
        eventTime: created + 5 * 60_000,
        likes: 9,
        shares: 0,
        replies: 0,
        views: 0,
        clicks: 0,
        source: "meta-bpjs",
      },
    ]);
    expect(changes(events)).toEqual([
      {
        platform: "facebook",
        postId,
        change: "removed",
        reason: "not_found",
        text: null,
        changedTime: created + 60 * 60_000,
        source: "meta-bpjs",
      },
    ]);
    // The facebook schedule is a checkpoint of its own, after the poll and after each refresh.
    const schedules = events.flatMap((e) =>
      e.type === "checkpoint" && e.stream === "engagement-refresh:facebook" ? [JSON.parse(e.value) as unknown] : [],
    );
    expect(schedules[0]).toEqual([[postId, created, created + 60_000, 5, 0, 0, 0, 0]]);
    expect(schedules.at(-1)).toEqual([]);
  });

  it("re-reads Instagram media at its next 6-hour step; an id missing from the answer is a removal", async () => {
    await setUp();
    const media = "17895695668004550";
    const posted = Date.UTC(2026, 11, 5, 0, 15);
    server
      .script("GET /v21.0/17841405822304914/media", ok("ig-media.json"))
      .script("GET /v21.0/17895695668004550/comments", ok("ig-comments.json"))
      .script("GET /v21.0/", { status: 200, headers: JSON_HEADERS, body: "{}" });
    const abort = new AbortController();
    const events: SourceEvent[] = [];
    const ingestor = createMetaIngestor(options({ pages: [], instagramAccounts: [IG], pollMinutes: 600 }));
    for await (const event of ingestor.events(abort.signal, context())) {
      if (event.type !== "receipt") events.push(event);
      if (event.type === "change") abort.abort();
    }
    // 2 h 45 min old at the poll: the early steps are past, the next is 6 hours after the post.
    expect(server.requests[2]?.at).toBe(posted + 6 * 3_600_000);
    expect(Object.fromEntries(query(2))).toEqual({ ids: media, fields: "id,timestamp,like_count,comments_count" });
    expect(changes(events)).toEqual([
      {
        platform: "instagram",
        postId: media,
        change: "removed",
        reason: "not_found",
        text: null,
        changedTime: posted + 6 * 3_600_000,
        source: "meta-bpjs",
      },
    ]);
    expect(engagements(events)).toEqual([]);
  });
});

describe("meta ingestor: webhook", () => {
  let listener: WebhookListener;
  let abort: AbortController;
  let events: SourceEvent[];
  let pendingReceipts: ((error?: Error) => void)[];

  async function start(): Promise<void> {
    listener = new WebhookListener("127.0.0.1", 0);
    abort = new AbortController();
    events = [];
    pendingReceipts = [];
    const ingestor = createMetaIngestor(
      options({
        pages: [],
        instagramAccounts: [],
        webhook: { listener, appSecret: APP_SECRET, verifyToken: VERIFY },
      }),
    );
    (async () => {
      for await (const event of ingestor.events(abort.signal, {
        ...context(),
        store: memory(),
      })) {
        if (event.type === "receipt") pendingReceipts.push(event.done);
        else events.push(event);
      }
    })();
    for (let i = 0; i < 100 && listener.boundPort() === undefined; i++) await new Promise((r) => setTimeout(r, 10));
  }

  function memory() {
    const values = new Map<string, string>();
    return {
      get: async (key: string) => values.get(key) ?? null,
      set: async (key: string, value: string) => void values.set(key, value),
    };
  }

  /** Acknowledges the next receipt once it is there. */
  async function acknowledge(error?: Error): Promise<void> {
    for (let i = 0; i < 200 && pendingReceipts.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    pendingReceipts.shift()?.(error);
  }

  const hook = (path = "/hooks/meta-bpjs") => `http://127.0.0.1:${listener.boundPort()}${path}`;
  const post = (body: string | Buffer, signature = signMetaBody(APP_SECRET, body)) =>
    fetch(hook(), {
      method: "POST",
      headers: { "content-type": "application/json", "x-hub-signature-256": signature },
      body,
    });

  afterEach(() => abort.abort());

  it("answers the hub.challenge handshake only with the verify token", async () => {
    await setUp();
    await start();
    const good = await fetch(`${hook()}?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444`);
    expect([good.status, await good.text()]).toEqual([200, "1158201444"]);
    const wrong = await fetch(`${hook()}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1158201444`);
    expect(wrong.status).toBe(403);
    expect((await fetch(`${hook()}?hub.mode=unsubscribe&hub.verify_token=${VERIFY}&hub.challenge=1`)).status).toBe(403);
  });

  it("publishes a signed page notification, answers 200 after the ack, yields removals and dead-letters a bad change", async () => {
    await setUp();
    await start();
    const body = fixture("webhook-page-feed.json");
    let answered = false;
    const answer = post(body).then((response) => {
      answered = true;
      return response;
    });
    for (let i = 0; i < 200 && pendingReceipts.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
    // The removal is yielded before the receipt, and Meta hears nothing until the bus acknowledged it.
    expect(events.map((event) => event.type)).toEqual(["mention", "change", "invalid"]);
    expect(answered).toBe(false);
    await acknowledge();
    const response = await answer;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ mentions: 1, invalid: 1, removed: 1, edited: 0, ignored: 1 });
    expect(mentions(events)).toEqual([
      expect.objectContaining({
        platform: "facebook",
        kind: "comment",
        id: "901234567890123_555000000000003",
        parentId: "104425192324_901234567890123",
        rootId: "104425192324_901234567890123",
        text: "Obat di apotek faskes kosong — mohon ditindaklanjuti.",
        eventTime: 1796439000 * 1000,
        author: expect.objectContaining({ id: "3300000000000004", name: "Agus Pratama" }),
        url: "https://www.facebook.com/104425192324_901234567890123?comment_id=901234567890123_555000000000003",
      }),
    ]);
    expect(changes(events)).toEqual([
      {
        platform: "facebook",
        postId: "901234567890123_555000000000001",
        change: "removed",
        reason: "remove",
        text: null,
        changedTime: 1796439010 * 1000,
        source: "meta-bpjs",
      },
    ]);
    expect(invalidOf(events)).toEqual([
      { code: META_ERROR_CODES.badPayload, reason: "page feed: Invalid input: expected number, received string" },
    ]);
  });

  it("yields an edited post as an edit (not a second mention) and a hidden comment as a removal", async () => {
    await setUp();
    await start();
    const feed = (value: Record<string, unknown>) => ({ field: "feed", value });
    const body = JSON.stringify({
      object: "page",
      entry: [
        {
          id: PAGE,
          time: 1796439100,
          changes: [
            feed({
              item: "status",
              verb: "edited",
              post_id: `${PAGE}_901234567890123`,
              message: "Jadwal layanan diperbarui: buka pukul 08.00.",
              created_time: 1796439090,
            }),
            feed({
              item: "comment",
              verb: "hide",
              post_id: `${PAGE}_901234567890123`,
              comment_id: "901234567890123_555000000000004",
            }),
          ],
        },
      ],
    });
    const answer = post(body);
    await acknowledge();
    const response = await answer;
    expect(await response.json()).toEqual({ mentions: 0, invalid: 0, removed: 1, edited: 1, ignored: 0 });
    expect(mentions(events)).toEqual([]);
    expect(changes(events)).toEqual([
      {
        platform: "facebook",
        postId: `${PAGE}_901234567890123`,
        change: "edited",
        reason: "edited",
        text: "Jadwal layanan diperbarui: buka pukul 08.00.",
        changedTime: 1796439090 * 1000,
        source: "meta-bpjs",
      },
      {
        platform: "facebook",
        postId: "901234567890123_555000000000004",
        change: "removed",
        reason: "hide",
        text: null,
        changedTime: 1796439100 * 1000,
        source: "meta-bpjs",
      },
    ]);
  });

  it("maps an Instagram comment reply", async () => {
    await setUp();
    await start();
    const answer = post(fixture("webhook-instagram-comments.json"));
    await acknowledge();
    expect((await answer).status).toBe(200);
    expect(
      mentions(events).map((m) => [m.platform, m.kind, m.id, m.parentId, m.rootId, m.author.handle, m.eventTime]),
    ).toEqual([
      [
        "instagram",
        "comment",
        "17865799348089039",
        "17858893269000001",
        "17895695668004550",
        "warga_bogor",
        1796439100000,
      ],
    ]);
  });

  it("refuses a wrong, missing or re-serialised signature and a replay; dead-letters a signed body that is not JSON; 503 when the bus refused", async () => {
    await setUp();
    await start();
    const body = fixture("webhook-page-feed.json");
    expect((await post(body, signMetaBody("another-app-secret-xyz", body))).status).toBe(401);
    expect((await post(body, "sha1=0123")).status).toBe(401);
    // Meta signs its escaped-unicode form; the same JSON re-serialised is other bytes.
    const reserialised = JSON.stringify(JSON.parse(body));
    expect((await post(reserialised, signMetaBody(APP_SECRET, body))).status).toBe(401);
    expect(events).toEqual([]);

    const refused = post(body);
    await acknowledge(new Error("bus down"));
    expect((await refused).status).toBe(503);
    const retried = post(body);
    await acknowledge();
    expect((await retried).status).toBe(200);
    const replayed = await post(body);
    expect([replayed.status, await replayed.json()]).toEqual([200, { status: "duplicate" }]);
    expect(mentions(events)).toHaveLength(2); // the refused delivery's and the retry's

    const notJson = post("{not json");
    await acknowledge();
    expect((await notJson).status).toBe(200);
    expect(invalidOf(events).at(-1)).toEqual({
      code: META_ERROR_CODES.badJson,
      reason: "the notification is not JSON",
    });
  });
});
