import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createReplayIngestor,
  MAX_LINE_BYTES,
  REPLAY_ERROR_CODES,
  writeReplayFile,
} from "../../../ingestors/replay/index.js";
import { createSyntheticIngestor, DEMO_SCENARIOS } from "../../../ingestors/synthetic/index.js";
import type { SourceEvent } from "../../../runtime/ingestor.js";
import type { Mention } from "../../../schemas/types.generated.js";
import { collect, type InvalidEvent } from "../events.js";

let dir: string;
let fileCount = 0;

/** A file in the test's temporary directory holding `lines`, joined by `newline`. */
async function replayFile(lines: readonly string[], newline = "\n"): Promise<string> {
  const path = join(dir, `replay-${++fileCount}.jsonl`);
  await writeFile(path, lines.join(newline) + newline);
  return path;
}

const T0 = 1_748_829_600_000;
/** A web analytics page view with only the fields that have no default. */
const webVisit = {
  id: "v-1",
  site: "bpjs-kesehatan.go.id",
  agency: "BPJS Kesehatan",
  url: "https://bpjs-kesehatan.go.id/antrean",
  kind: "visit",
  eventTime: T0 + 90_000,
};
const minimalMention = {
  platform: "x",
  id: "1001",
  kind: "post",
  author: { id: "u1", handle: "budi_s" },
  text: "antrean BPJS lama bgt",
  eventTime: T0,
};

/** `minimalMention` as the replay completes it, read by an ingestor named "replay-test". */
const completeMention: Mention = {
  platform: "x",
  id: "1001",
  kind: "post",
  url: null,
  author: { id: "u1", handle: "budi_s", name: null, followers: 0, verified: false, location: null },
  text: "antrean BPJS lama bgt",
  lang: null,
  eventTime: T0,
  ingestTime: T0,
  parentId: null,
  rootId: null,
  hashtags: [],
  mentionedHandles: [],
  links: [],
  engagement: { likes: 0, shares: 0, replies: 0, views: 0, clicks: 0 },
  source: "replay-test",
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "simak-replay-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("replay ingestor", () => {
  it("replays what writeReplayFile wrote from the simulator, without the ground truth", async () => {
    const simulated = await collect(
      createSyntheticIngestor({ speed: 0, maxMentions: 3000, scenarios: DEMO_SCENARIOS }),
    );
    const path = join(dir, "simulated.jsonl");
    const counts = await writeReplayFile(path, simulated);
    const expected = simulated.map(
      (event): SourceEvent => (event.type === "mention" ? { type: "mention", mention: event.mention } : event),
    );

    expect(counts).toEqual({ mentions: 3000, engagement: simulated.length - 3000, web: 0, skipped: 0 });
    expect((await readFile(path, "utf8")).split("\n")).toHaveLength(simulated.length + 1);
    expect(await collect(createReplayIngestor({ name: "replay", path, speed: 0 }))).toEqual(expected);
  });

  it("writes no line for an invalid event, and counts it as skipped", async () => {
    const path = join(dir, "skipped.jsonl");
    const invalid: SourceEvent = { type: "invalid", origin: "f", position: 1, raw: "{", errorCode: "E", reason: "r" };
    const counts = await writeReplayFile(path, [invalid, { type: "mention", mention: completeMention }]);
    expect(counts).toEqual({ mentions: 1, engagement: 0, web: 0, skipped: 1 });
    expect(await readFile(path, "utf8")).toBe(`${JSON.stringify(completeMention)}\n`);
  });

  it("fills Avro defaults, source and ingestTime into incomplete lines", async () => {
    const path = await replayFile([
      JSON.stringify(minimalMention),
      JSON.stringify({ type: "engagement", platform: "x", postId: "1001", eventTime: T0 + 60_000 }),
      JSON.stringify({ ...minimalMention, id: "1002", type: "mention", ingestTime: T0 + 5, source: "crawler-7" }),
      JSON.stringify({ ...webVisit, type: "web" }),
    ]);
    const [mention, engagement, explicit, web] = await collect(
      createReplayIngestor({ name: "replay-test", path, speed: 0 }),
    );
    expect(mention).toEqual({ type: "mention", mention: completeMention });
    // Field order follows the schema, whatever order the line had.
    expect(Object.keys((mention as { mention: Mention }).mention)).toEqual([
      "platform",
      "id",
      "kind",
      "url",
      "author",
      "text",
      "lang",
      "eventTime",
      "ingestTime",
      "parentId",
      "rootId",
      "hashtags",
      "mentionedHandles",
      "links",
      "engagement",
      "source",
    ]);
    expect(engagement).toEqual({
      type: "engagement",
      engagement: {
        platform: "x",
        postId: "1001",
        eventTime: T0 + 60_000,
        likes: 0,
        shares: 0,
        replies: 0,
        views: 0,
        clicks: 0,
        source: "replay-test",
      },
    });
    expect(web).toEqual({ type: "web", web: { ...webVisit, visitorId: null, count: 1, source: "replay-test" } });
    expect(explicit).toMatchObject({
      type: "mention",
      mention: { id: "1002", ingestTime: T0 + 5, source: "crawler-7" },
    });
  });

  it("turns each bad line into an invalid event with its line number and reason, skips blank lines, and goes on", async () => {
    const lines = [
      JSON.stringify(minimalMention), // 1
      "", // 2
      '{"platform": "x", "id": ', // 3
      JSON.stringify({ ...minimalMention, text: undefined, author: { id: "u1", handle: "h", followers: "many" } }), // 4
      JSON.stringify({ type: "engagement", platform: "x", postId: 5, eventTime: T0 }), // 5
      "[1, 2]", // 6
      JSON.stringify({ type: "like", postId: "1" }), // 7
      JSON.stringify({ ...minimalMention, extra: 1, author: { id: "u1", handle: "h", folowers: 10 } }), // 8
      "   ", // 9
      JSON.stringify({ ...minimalMention, platform: "myspace", hashtags: ["ok", 7], eventTime: "2025-06-02" }), // 10
      JSON.stringify({ ...minimalMention, id: "1003" }), // 11
    ];
    const path = await replayFile(lines);
    const events = await collect(createReplayIngestor({ name: "replay", path, speed: 0 }));
    const invalid = (position: number, errorCode: string, reason: string): InvalidEvent => ({
      type: "invalid",
      origin: path,
      position,
      raw: lines[position - 1] as string,
      errorCode,
      reason,
    });

    expect(events.map((event) => event.type)).toEqual([
      "mention",
      "invalid",
      "invalid",
      "invalid",
      "invalid",
      "invalid",
      "invalid",
      "invalid",
      "mention",
    ]);
    const [, badJson, ...rest] = events;
    expect(badJson).toMatchObject({ type: "invalid", position: 3, errorCode: REPLAY_ERROR_CODES.badJson });
    expect((badJson as InvalidEvent).reason).toMatch(/^not valid JSON: /);
    expect(rest.slice(0, 6)).toEqual([
      invalid(4, "REPLAY_SCHEMA_VIOLATION", "not a valid Mention: missing or invalid fields: author.followers, text"),
      invalid(5, "REPLAY_SCHEMA_VIOLATION", "not a valid EngagementEvent: missing or invalid fields: postId"),
      invalid(6, "REPLAY_SCHEMA_VIOLATION", "expected a JSON object, got an array"),
      invalid(
        7,
        "REPLAY_UNKNOWN_TYPE",
        'unknown "type" "like": expected none or "mention" for a Mention, "engagement" for an EngagementEvent, "web" for a WebTrafficEvent, "change" for a MentionChange',
      ),
      invalid(8, "REPLAY_SCHEMA_VIOLATION", "not a valid Mention: undeclared fields: author.folowers, extra"),
      invalid(
        10,
        "REPLAY_SCHEMA_VIOLATION",
        "not a valid Mention: missing or invalid fields: platform, eventTime, ingestTime, hashtags[1]",
      ),
    ]);
    expect(events.at(-1)).toMatchObject({ type: "mention", mention: { id: "1003" } });
  });

  it('reads removals and edits of posts marked "type": "change", and dead-letters a malformed one', async () => {
    const lines = [
      JSON.stringify({
        type: "change",
        platform: "tiktok",
        postId: "7301",
        change: "removed",
        reason: "deleted",
        changedTime: T0,
      }),
      JSON.stringify({
        type: "change",
        platform: "x",
        postId: "42",
        change: "edited",
        reason: "edited",
        text: "baru",
        changedTime: T0,
      }),
      JSON.stringify({ type: "change", platform: "x", postId: "43", change: "hidden", reason: "?", changedTime: T0 }),
    ];
    const path = await replayFile(lines);
    const events = await collect(createReplayIngestor({ name: "vendor", path, speed: 0 }));
    expect(events).toEqual([
      {
        type: "change",
        change: {
          platform: "tiktok",
          postId: "7301",
          change: "removed",
          reason: "deleted",
          text: null,
          changedTime: T0,
          source: "vendor",
        },
      },
      {
        type: "change",
        change: {
          platform: "x",
          postId: "42",
          change: "edited",
          reason: "edited",
          text: "baru",
          changedTime: T0,
          source: "vendor",
        },
      },
      {
        type: "invalid",
        origin: path,
        position: 3,
        raw: lines[2],
        errorCode: "REPLAY_SCHEMA_VIOLATION",
        reason: "not a valid MentionChange: missing or invalid fields: change",
      },
    ]);
  });

  it("reads CRLF line endings and a leading byte-order mark", async () => {
    const path = await replayFile(
      [`\uFEFF${JSON.stringify(minimalMention)}`, JSON.stringify({ ...minimalMention, id: "2" })],
      "\r\n",
    );
    const events = await collect(createReplayIngestor({ name: "replay", path, speed: 0 }));
    expect(events.map((event) => event.type === "mention" && event.mention.id)).toEqual(["1001", "2"]);
  });

  it("dead-letters lines outside the bounds of their consumers, each with its code", async () => {
    const lines = [
      JSON.stringify({ type: "engagement", platform: "x", postId: "1001", eventTime: T0, likes: -1 }),
      JSON.stringify({ ...minimalMention, id: "r1", kind: "post", parentId: null, rootId: "other" }),
      JSON.stringify({ ...minimalMention, id: "x".repeat(600 * 1024) }),
      JSON.stringify({ ...minimalMention, text: "a".repeat(2_000_000) }),
      JSON.stringify({ ...minimalMention, eventTime: Date.UTC(2100, 0, 1) }),
      JSON.stringify({ ...webVisit, count: 1.5 }),
      JSON.stringify({
        ...minimalMention,
        hashtags: Array.from({ length: 40_000 }, (_, i) => `tag${i}-${"x".repeat(20)}`),
      }),
      JSON.stringify(minimalMention),
    ];
    const events = await collect(createReplayIngestor({ name: "replay", path: await replayFile(lines), speed: 0 }));
    expect(events.map((event) => (event.type === "invalid" ? event.errorCode : event.type))).toEqual([
      "INVALID_COUNT",
      "INCONSISTENT_THREAD",
      "ID_TOO_LONG",
      "TEXT_TOO_LONG",
      "EVENT_TIME_OUT_OF_RANGE",
      "REPLAY_SCHEMA_VIOLATION",
      "RECORD_TOO_LARGE",
      "mention",
    ]);
  });

  it("dead-letters a line that is not UTF-8 instead of replacing its bytes", async () => {
    const path = join(dir, `replay-${++fileCount}.jsonl`);
    const good = Buffer.from(`${JSON.stringify(minimalMention)}\n`);
    const bad = Buffer.concat([Buffer.from('{"platform":"x","id":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]);
    await writeFile(path, Buffer.concat([bad, good]));
    const events = await collect(createReplayIngestor({ name: "replay", path, speed: 0 }));
    expect(events[0]).toMatchObject({
      type: "invalid",
      position: 1,
      errorCode: "REPLAY_INVALID_UTF8",
      reason: "not valid UTF-8",
    });
    expect(events.slice(1)).toMatchObject([{ type: "mention", mention: { id: "1001" } }]);
  });

  it("dead-letters a line over 2 MiB with its start, and reads on", async () => {
    const long = JSON.stringify({ ...minimalMention, text: "a".repeat(MAX_LINE_BYTES) });
    const path = await replayFile([long, JSON.stringify({ ...minimalMention, id: "after" })]);
    const events = await collect(createReplayIngestor({ name: "replay", path, speed: 0 }));
    expect(events.map((event) => event.type)).toEqual(["invalid", "mention"]);
    expect(events[0]).toMatchObject({
      errorCode: "REPLAY_LINE_TOO_LONG",
      reason: `line of ${long.length} bytes; at most ${MAX_LINE_BYTES}`,
    });
    expect((events[0] as InvalidEvent).raw).toBe(long.slice(0, MAX_LINE_BYTES));
  });

  it("fails when the file cannot be read", async () => {
    const ingestor = createReplayIngestor({ name: "replay", path: join(dir, "missing.jsonl"), speed: 0 });
    await expect(collect(ingestor)).rejects.toThrow(/ENOENT/);
  });

  it("rejects an invalid speed when created", () => {
    expect(() => createReplayIngestor({ name: "replay", path: "x.jsonl", speed: -1 })).toThrow(RangeError);
  });
});

describe("replay pacing", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Mentions at T0 and `offsets` ms later, with an invalid line between the first two. */
  async function timeline(offsets: number[]): Promise<string> {
    const [first, ...later] = [0, ...offsets].map((offset, i) =>
      JSON.stringify({ ...minimalMention, id: `${i}`, eventTime: T0 + offset }),
    );
    return replayFile([first as string, "not json", ...later]);
  }

  /** The next event if it arrives within `ms` of fake time, else undefined (it is still awaited later). */
  function nextEvent(iterator: AsyncIterator<SourceEvent>): { within(ms: number): Promise<SourceEvent | undefined> } {
    let arrived: SourceEvent | undefined;
    void iterator.next().then((result) => {
      arrived = result.value;
    });
    return {
      async within(ms) {
        await vi.advanceTimersByTimeAsync(ms);
        return arrived;
      },
    };
  }

  it.each([
    [1, [1000, 3000], [1000, 2000]],
    [2, [1000, 3000], [500, 1000]],
    [60, [60_000, 120_000], [1000, 1000]],
  ])("at speed %s releases events at %o ms of event time after %o ms of wall time", async (speed, offsets, waits) => {
    const path = await timeline(offsets);
    vi.useFakeTimers();
    const iterator = createReplayIngestor({ name: "replay", path, speed })
      .events(new AbortController().signal)
      [Symbol.asyncIterator]();

    // The file is read with real I/O; the first event and the invalid line do not wait.
    expect(await iterator.next()).toMatchObject({ value: { type: "mention", mention: { id: "0" } } });
    expect(await iterator.next()).toMatchObject({ value: { type: "invalid", position: 2 } });
    for (const [i, wait] of waits.entries()) {
      const next = nextEvent(iterator);
      expect(await next.within(wait - 1)).toBeUndefined();
      expect(await next.within(1)).toMatchObject({ type: "mention", mention: { id: `${i + 1}` } });
    }
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it("stops promptly and quietly when aborted while waiting", async () => {
    const path = await timeline([3_600_000]);
    vi.useFakeTimers();
    const controller = new AbortController();
    const iterator = createReplayIngestor({ name: "replay", path, speed: 1 })
      .events(controller.signal)
      [Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    const waiting = iterator.next();
    await vi.advanceTimersByTimeAsync(1000);
    controller.abort();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(vi.getTimerCount()).toBe(0);
  });
});
