/**
 * The x ingestor's engagement refresher against the fake X API on a test clock: posts published
 * (and their parents) are looked up with GET /2/tweets?ids= at 1, 5, 15 and 60 minutes, then
 * every 6 hours; an EngagementEvent only when a count changed since it was last published (by
 * the stream or a lookup); "Not Found Error" and "Authorization Error" become removals; the reads
 * count against the day's post budget (a paused budget holds the lookups until 00:00 UTC); a
 * restart resumes the schedule from its checkpoint.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createXIngestor, REFRESH_STREAM, snowflakeAt, type XOptions } from "../../../ingestors/x/index.js";
import { HttpClient } from "../../../runtime/http-client.js";
import type { IngestContext, SourceEvent } from "../../../runtime/ingestor.js";
import { engagements, mentions } from "../events.js";
import { FakeClock, FakePlatformServer, type ScriptedResponse } from "../fakes/platform-server.js";

const JSON_HEADERS = { "content-type": "application/json" };
const SEARCH = "GET /2/tweets/search/recent";
const STREAM = "GET /2/tweets/search/stream";
const RULES = "GET /2/tweets/search/stream/rules";
const LOOKUP = "GET /2/tweets";
const RULE = { value: '"antrean bpjs"', tag: "bpjs/antrean" };
const T0 = Date.UTC(2026, 11, 5, 3, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const USERS = { users: [{ id: "2244994945", username: "warga_sby", name: "Warga Surabaya" }] };

let server: FakePlatformServer;
let clock: FakeClock;

afterEach(async () => {
  expect(server.unexpected).toEqual([]);
  expect(server.remaining()).toEqual({});
  await server.close();
});

const metrics = (likes: number) => ({
  like_count: likes,
  retweet_count: 0,
  quote_count: 0,
  reply_count: 0,
  impression_count: 10,
});

/** A post created `seconds` after T0 (its id from that time). */
function post(seconds: number, likes = 1, extra: Record<string, unknown> = {}) {
  const at = T0 + seconds * 1000;
  return {
    id: snowflakeAt(at),
    text: "antrean bpjs panjang sekali",
    created_at: new Date(at).toISOString(),
    author_id: "2244994945",
    public_metrics: metrics(likes),
    ...extra,
  };
}

const json = (body: unknown): ScriptedResponse => ({ status: 200, headers: JSON_HEADERS, body: JSON.stringify(body) });
const searchPage = (posts: object[], includes: object = USERS) =>
  json({
    ...(posts.length > 0 && { data: posts, includes }),
    meta: { result_count: posts.length, ...(posts[0] && { newest_id: (posts[0] as { id: string }).id }) },
  });
const emptyPage = searchPage([]);
/** X's answer to GET /2/tweets: the posts it has, and an error per post it will not show. */
const lookupAnswer = (found: [string, number][], gone: [string, string][] = []) =>
  json({
    ...(found.length > 0 && { data: found.map(([id, likes]) => ({ id, public_metrics: metrics(likes) })) }),
    ...(gone.length > 0 && {
      errors: gone.map(([id, title]) => ({
        value: id,
        detail: `Could not find tweet with ids: [${id}].`,
        title,
        resource_type: "tweet",
        parameter: "ids",
        resource_id: id,
      })),
    }),
  });

/** A stream line of posts (with X's expansions). */
const line = (data: object, tweets: object[] = []) =>
  `${JSON.stringify({ data, includes: { ...USERS, tweets }, matching_rules: [{ id: "1", tag: RULE.tag }] })}\r\n`;

/**
 * The search at start (nothing), the rules, the stream bringing `lines` in one chunk and staying
 * open, the search after connecting (nothing). The posts come on the stream, so they are tracked
 * only once every request of the start was made.
 */
function scriptStart(lines: string[]): void {
  server.script(SEARCH, emptyPage, emptyPage);
  server.script(RULES, json({ data: [{ id: "1", ...RULE }] }));
  server.script(STREAM, { status: 200, headers: JSON_HEADERS, chunks: ["\r\n", lines.join("")], end: "hold" });
}

function context(checkpoints: Record<string, string> = {}): IngestContext {
  return {
    checkpoints: new Map(Object.entries(checkpoints)),
    http: new HttpClient({ clock }),
    store: { get: async () => null, set: async () => undefined },
  };
}

async function run(
  until: (event: SourceEvent, all: SourceEvent[]) => boolean,
  ctx: IngestContext,
  overrides: Partial<XOptions> = {},
): Promise<SourceEvent[]> {
  const abort = new AbortController();
  const events: SourceEvent[] = [];
  const source = createXIngestor({
    name: "x-humas",
    bearerToken: "AAAAAAAAAAAAAAAAAAAAAtest-bearer-token",
    rules: [RULE],
    baseUrl: server.url("/"),
    dailyPostReads: 100_000,
    maxSearchPages: 10,
    lookbackMs: 30_000,
    backfillMs: HOUR,
    stallMs: 10_000,
    timeoutMs: 2000,
    clock,
    ...overrides,
  });
  for await (const event of source.events(abort.signal, ctx)) {
    events.push(event);
    // An unscripted lookup (answered 599) would be retried a test-clock minute later, forever: stop.
    if (until(event, events) || server.unexpected.length > 0) abort.abort();
  }
  return events;
}

const lookups = () => server.requests.filter((r) => r.path.startsWith("/2/tweets?"));
const lookupIds = () =>
  lookups().map((r) => [r.at - T0, new URL(r.path, "http://x").searchParams.get("ids")?.split(",")]);
const lastCheckpoint = (events: SourceEvent[], stream: string) =>
  events.flatMap((e) => (e.type === "checkpoint" && e.stream === stream ? [e.value] : [])).at(-1);

const isCheckpoint = (event: SourceEvent, stream: string) => event.type === "checkpoint" && event.stream === stream;

describe("x ingestor: engagement refresher", () => {
  it("looks up its posts at 1, 5, 15 minutes, publishes changes only, and a post X no longer has as a removal", async () => {
    clock = new FakeClock(T0);
    server = await new FakePlatformServer(clock).listen();
    // Created in the same second, each its own id: looked up together.
    const a = post(0, 1, { id: snowflakeAt(T0 + 1) });
    const b = post(0, 2, { id: snowflakeAt(T0 + 2) });
    const c = post(0, 3, { id: snowflakeAt(T0 + 3) });
    scriptStart([line(a), line(b), line(c)]);
    server.script(
      LOOKUP,
      // 1 minute: a unchanged; b 4 likes; c unchanged.
      lookupAnswer([
        [a.id, 1],
        [b.id, 4],
        [c.id, 3],
      ]),
      // 5 minutes: a 2 likes; b unchanged (4, as last published); c protected.
      lookupAnswer(
        [
          [a.id, 2],
          [b.id, 4],
        ],
        [[c.id, "Authorization Error"]],
      ),
      // 15 minutes: a unchanged; b deleted.
      lookupAnswer([[a.id, 2]], [[b.id, "Not Found Error"]]),
    );
    const events = await run((e) => isCheckpoint(e, REFRESH_STREAM) && lookups().length === 3, context());
    expect(mentions(events).map((m) => m.id)).toEqual([a.id, b.id, c.id]);
    expect(lookupIds()).toEqual([
      [MINUTE, [a.id, b.id, c.id]],
      [5 * MINUTE, [a.id, b.id, c.id]],
      [15 * MINUTE, [a.id, b.id]],
    ]);
    expect(lookups()[0]?.headers.authorization).toBe("Bearer AAAAAAAAAAAAAAAAAAAAAtest-bearer-token");
    expect(new URL(lookups()[0]?.path ?? "", "http://x").searchParams.get("tweet.fields")).toBe("public_metrics");
    expect(engagements(events).map(({ postId, likes, eventTime }) => [postId, likes, eventTime - T0])).toEqual([
      [b.id, 4, MINUTE],
      [a.id, 2, 5 * MINUTE],
    ]);
    expect(events.flatMap((e) => (e.type === "change" ? [e.change] : []))).toEqual([
      {
        platform: "x",
        postId: c.id,
        change: "removed",
        reason: "not authorised",
        text: null,
        changedTime: T0 + 5 * MINUTE,
        source: "x-humas",
      },
      {
        platform: "x",
        postId: b.id,
        change: "removed",
        reason: "deleted",
        text: null,
        changedTime: T0 + 15 * MINUTE,
        source: "x-humas",
      },
    ]);
    // 3 posts streamed, then 3 + 2 + 1 looked up (a post X refused is no read).
    expect(JSON.parse(lastCheckpoint(events, "posts-read") ?? "").used).toBe(9);
  });

  it("follows a reply's parent; counts the stream published are not published again by a lookup", async () => {
    clock = new FakeClock(T0);
    server = await new FakePlatformServer(clock).listen();
    // The parent is 2 hours old: its next step is 6 hours after it, T0 + 4 h.
    const parent = post(-2 * 3600, 5);
    const reply = post(0, 0, { referenced_tweets: [{ type: "replied_to", id: parent.id }] });
    // Created in the same second (its own id): looked up with the reply.
    const share = post(0, 0, { id: snowflakeAt(T0 + 1), referenced_tweets: [{ type: "retweeted", id: reply.id }] });
    // The share brings the reply with 3 likes: the stream publishes that change.
    scriptStart([line(reply, [parent]), line(share, [{ ...reply, public_metrics: metrics(3) }])]);
    const both = lookupAnswer([
      [reply.id, 3],
      [share.id, 0],
    ]);
    server.script(LOOKUP, both, both, both, both, lookupAnswer([[parent.id, 9]]));
    const events = await run((e) => e.type === "engagement" && e.engagement.postId === parent.id, context());
    expect(lookupIds()).toEqual([
      [MINUTE, [reply.id, share.id]],
      [5 * MINUTE, [reply.id, share.id]],
      [15 * MINUTE, [reply.id, share.id]],
      [HOUR, [reply.id, share.id]],
      [4 * HOUR, [parent.id]],
    ]);
    expect(engagements(events).map(({ postId, likes, eventTime }) => [postId, likes, eventTime - T0])).toEqual([
      [reply.id, 3, 0],
      [parent.id, 9, 4 * HOUR],
    ]);
  });

  it("counts lookups in the day's post budget: a spent budget holds them until 00:00 UTC", async () => {
    clock = new FakeClock(T0);
    server = await new FakePlatformServer(clock).listen();
    const a = post(0, 1);
    scriptStart([line(a)]);
    for (let i = 0; i < 6; i++) server.script(LOOKUP, lookupAnswer([[a.id, 1]]));
    // 6 reads a day, 5 % in reserve: the streamed post and 4 lookups (5 reads) pause the credential.
    await run((e) => isCheckpoint(e, REFRESH_STREAM) && lookups().length === 6, context(), { dailyPostReads: 6 });
    const midnight = Date.UTC(2026, 11, 6) - T0;
    // The 6-hour step waits for the new day; the 12- and 18-hour steps it passed are skipped.
    expect(lookupIds().map(([at]) => at)).toEqual([MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, midnight, 24 * HOUR]);
  });

  it("resumes the schedule and the last published counts from its checkpoint after a restart", async () => {
    clock = new FakeClock(T0);
    server = await new FakePlatformServer(clock).listen();
    const a = post(0, 1);
    scriptStart([line(a)]);
    server.script(LOOKUP, lookupAnswer([[a.id, 2]]));
    const first = await run((e) => isCheckpoint(e, REFRESH_STREAM), context());
    const stored = Object.fromEntries(
      [RULE.tag, REFRESH_STREAM, "posts-read"].map((stream) => [stream, lastCheckpoint(first, stream) ?? ""]),
    );
    expect(JSON.parse(stored["posts-read"] ?? "").used).toBe(2);
    expect(engagements(first).map(({ likes }) => likes)).toEqual([2]);

    // A new process at T0 + 1 minute: the next lookup is at 5 minutes, and 2 likes again is no event.
    scriptStart([]);
    server.script(LOOKUP, lookupAnswer([[a.id, 2]]), lookupAnswer([[a.id, 6]]));
    const second = await run(
      (_, all) => engagements(all).length === 1 && all.filter((e) => isCheckpoint(e, RULE.tag)).length >= 2,
      context(stored),
    );
    expect(lookupIds()).toEqual([
      [MINUTE, [a.id]],
      [5 * MINUTE, [a.id]],
      [15 * MINUTE, [a.id]],
    ]);
    expect(mentions(second)).toEqual([]);
    expect(engagements(second).map(({ likes, eventTime }) => [likes, eventTime - T0])).toEqual([[6, 15 * MINUTE]]);
    expect(JSON.parse(lastCheckpoint(second, "posts-read") ?? "").used).toBe(4);
  });

  it("an edited post (a new id naming the published one first in its edit history) is an edit of the original", async () => {
    clock = new FakeClock(T0);
    server = await new FakePlatformServer(clock).listen();
    const a = post(0, 1);
    const editedId = snowflakeAt(T0 + 5000);
    const edited = {
      ...post(5, 1),
      id: editedId,
      text: "antrean bpjs sudah lancar",
      edit_history_tweet_ids: [a.id, editedId],
    };
    // An edit of a post this source never published is a post of its own.
    const strangerId = snowflakeAt(T0 + 6000);
    const stranger = { ...post(6, 1), id: strangerId, edit_history_tweet_ids: [snowflakeAt(T0 - 60_000), strangerId] };
    scriptStart([line(a), line(edited), line(stranger)]);
    server.script(LOOKUP, lookupAnswer([[a.id, 1]]));
    const events = await run((e) => isCheckpoint(e, REFRESH_STREAM), context());
    expect(mentions(events).map((m) => m.id)).toEqual([a.id, strangerId]);
    expect(events.flatMap((e) => (e.type === "change" ? [e.change] : []))).toEqual([
      {
        platform: "x",
        postId: a.id,
        change: "edited",
        reason: "edited",
        text: "antrean bpjs sudah lancar",
        changedTime: T0,
        source: "x-humas",
      },
    ]);
    // The original is still the one looked up.
    expect(lookupIds()).toEqual([[MINUTE, [a.id]]]);
  });
});
