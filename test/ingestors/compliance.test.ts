/**
 * One compliance suite for every ingestor, run under the ingest stage (embedded bus and state),
 * after Vector's source compliance checks: each emits the standard per-source metrics, stops
 * within a second of being stopped while it waits, never throws on bad input (a dead letter, the
 * stage stays healthy), and resumes after a restart from what it stored (rss: its checkpoints,
 * no request before the next poll is due and nothing re-emitted; meta, youtube and tiktok: their
 * polls' starts (youtube its quota too), no request before the next poll; webhook: its delivery ids; the
 * synthetic and replay sources have no cursor and say so: they start over; x: its newest post id
 * per query, the search after a restart starting there minus the lookback).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createMetaIngestor } from "../../ingestors/meta/index.js";
import { createReplayIngestor } from "../../ingestors/replay/index.js";
import { createRssIngestor } from "../../ingestors/rss/index.js";
import { createSyntheticIngestor } from "../../ingestors/synthetic/index.js";
import { createTiktokIngestor } from "../../ingestors/tiktok/index.js";
import { createWebhookIngestor, signWebhook, WebhookListener } from "../../ingestors/webhook/index.js";
import { createXIngestor, snowflakeAt } from "../../ingestors/x/index.js";
import { createYoutubeIngestor } from "../../ingestors/youtube/index.js";
import { type Pipeline, startPipeline } from "../../pipeline/app.js";
import { type IngestStageHandle, startIngestStage } from "../../pipeline/stages/ingest.js";
import { readCheckpoints } from "../../pipeline/stages/source-state.js";
import { loadConfig } from "../../runtime/config.js";
import type { Ingestor } from "../../runtime/ingestor.js";
import { tempDir, waitFor } from "../support/services.js";
import { FakePlatformServer } from "./fakes/platform-server.js";

const config = loadConfig({ SIMAK_LOG_LEVEL: "silent" });
let pipeline: Pipeline;
const running: IngestStageHandle[] = [];
let server: FakePlatformServer | undefined;

afterEach(async () => {
  for (const stage of running.splice(0)) await stage.stop();
  await pipeline?.stop();
  if (server) {
    expect(server.unexpected).toEqual([]);
    await server.close();
    server = undefined;
  }
});

async function run(ingestor: Ingestor): Promise<IngestStageHandle> {
  const stage = await startIngestStage(pipeline.context, ingestor);
  running.push(stage);
  return stage;
}

async function itemCount(source: string, kind: string): Promise<number> {
  const { values } = await pipeline.context.metrics.ingestItems.get();
  return values.find((v) => v.labels.source === source && v.labels.kind === kind)?.value ?? 0;
}

/** Stops the stage (the source is waiting for its next item) and returns how long that took, ms. */
async function timedStop(stage: IngestStageHandle): Promise<number> {
  running.splice(running.indexOf(stage), 1);
  const started = performance.now();
  await stage.stop();
  return performance.now() - started;
}

const ONE_LINE = (id: string, eventTime: number) =>
  JSON.stringify({
    platform: "forum",
    id,
    kind: "post",
    author: { id: "u1", handle: "warga" },
    text: `keluhan ${id}`,
    eventTime,
  });

describe("ingestor compliance", () => {
  it("synthetic: metrics, stops within 1 s; no cursor, so a restart starts over", async () => {
    pipeline = await startPipeline({ config, stages: [], http: false });
    const stage = await run(
      createSyntheticIngestor({ name: "sim", seed: 7, mentionsPerMinute: 120, speed: 1, startTime: Date.now() }),
    );
    await waitFor(
      "a simulated mention",
      async () => ((await itemCount("sim", "mention")) > 0 ? true : undefined),
      20_000,
      50,
    );
    expect(stage.healthy()).toBe(true);
    expect(await timedStop(stage)).toBeLessThan(1000);
    expect(await readCheckpoints(pipeline.context.state, "", "sim")).toEqual(new Map());
  });

  it("replay: a bad line is a dead letter and the replay goes on; metrics; stops within 1 s", async () => {
    pipeline = await startPipeline({ config, stages: [], http: false });
    const file = join(tempDir("compliance"), "events.jsonl");
    // In the past (a future event time is refused), r3 an event-time hour after r2.
    const t0 = Date.now() - 2 * 3_600_000;
    writeFileSync(
      file,
      `${ONE_LINE("r1", t0)}\n{not json\n${ONE_LINE("r2", t0 + 1)}\n${ONE_LINE("r3", t0 + 3_600_000)}\n`,
    );
    const stage = await run(createReplayIngestor({ name: "arsip", path: file, speed: 1 }));
    await waitFor(
      "two replayed mentions",
      async () => ((await itemCount("arsip", "mention")) === 2 ? true : undefined),
      10_000,
      20,
    );
    expect(await itemCount("arsip", "invalid")).toBe(1);
    expect(stage.healthy()).toBe(true);
    // r3 is an hour away at speed 1: the source is waiting.
    expect(await timedStop(stage)).toBeLessThan(1000);
  });

  it("rss: bad XML is a dead letter; request and item metrics; stops within 1 s; resumes without re-fetching", async () => {
    pipeline = await startPipeline({ config, stages: [], http: false });
    server = await new FakePlatformServer().listen();
    server.script("GET /bad.xml", { status: 200, body: readFileSync("test/fixtures/rss/malformed.xml", "utf8") });
    server.script("GET /good.xml", {
      status: 200,
      headers: { etag: '"e1"' },
      body: readFileSync("test/fixtures/rss/rss2-sample.xml", "utf8"),
    });
    const feeds = [{ url: server.url("/bad.xml") }, { url: server.url("/good.xml") }];
    const rss = () => createRssIngestor({ name: "berita", feeds, pollSeconds: 30, platform: "news" });
    const stage = await run(rss());
    const state = pipeline.context.state;
    await waitFor(
      "both feeds' checkpoints",
      async () => ((await readCheckpoints(state, "", "berita")).size === 2 ? true : undefined),
      10_000,
      20,
    );
    expect(await itemCount("berita", "mention")).toBe(3);
    expect(await itemCount("berita", "invalid")).toBe(2); // the malformed feed, and the sample's item without link or guid
    const { values } = await pipeline.context.metrics.ingestRequests.get();
    expect(values.filter((v) => v.labels.source === "berita").map((v) => [v.labels.status, v.value])).toEqual([
      ["200", 2],
    ]);
    const lag =
      (await pipeline.context.metrics.ingestLag.get()).values.find((v) => v.labels.source === "berita")?.value ?? 0;
    expect(lag).toBeGreaterThan(20 * 365 * 86_400); // the sample's newest item is from 2003
    expect(stage.healthy()).toBe(true);
    expect(await timedStop(stage)).toBeLessThan(1000);

    // Restarted: both feeds were polled moments ago, so nothing is requested for the next 30 s.
    const again = await run(rss());
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(server.requests).toHaveLength(2);
    expect(await itemCount("berita", "mention")).toBe(3);
    expect(await timedStop(again)).toBeLessThan(1000);
  });

  it("meta: a bad item is a dead letter; request and item metrics; stops within 1 s; resumes without re-fetching", async () => {
    pipeline = await startPipeline({ config, stages: [], http: false });
    server = await new FakePlatformServer().listen();
    const recent = new Date(Date.now() - 3_600_000).toISOString().replace("Z", "+0000");
    server.script("GET /v21.0/104425192324/feed", {
      status: 200,
      headers: {
        "content-type": "application/json",
        "x-app-usage": '{"call_count":3,"total_cputime":1,"total_time":1}',
      },
      body: JSON.stringify({
        data: [
          {
            id: "104425192324_1",
            message: "Antrean faskes",
            created_time: recent,
            comments: { summary: { total_count: 0 } },
          },
          { id: "104425192324_2", message: "tanpa waktu" },
        ],
      }),
    });
    const meta = () =>
      createMetaIngestor({
        name: "meta-bpjs",
        pages: ["104425192324"],
        instagramAccounts: [],
        accessToken: "compliance-token",
        pollMinutes: 10,
        lookbackMinutes: 10,
        initialHours: 24,
        commentWindowHours: 72,
        pauseAtPercent: 90,
        apiVersion: "v21.0",
        baseUrl: server?.url("") ?? "",
      });
    const stage = await run(meta());
    const state = pipeline.context.state;
    await waitFor(
      "the page's checkpoint and the refreshers' schedules",
      async () => ((await readCheckpoints(state, "", "meta-bpjs")).size === 3 ? true : undefined),
      10_000,
      20,
    );
    expect(await itemCount("meta-bpjs", "mention")).toBe(1);
    expect(await itemCount("meta-bpjs", "invalid")).toBe(1);
    const { values } = await pipeline.context.metrics.ingestRequests.get();
    expect(values.filter((v) => v.labels.source === "meta-bpjs").map((v) => [v.labels.status, v.value])).toEqual([
      ["200", 1],
    ]);
    expect(stage.healthy()).toBe(true);
    expect(await timedStop(stage)).toBeLessThan(1000);

    // Restarted: polled moments ago, so nothing is requested for the next 10 minutes.
    const again = await run(meta());
    // A new stream is due at once: had the checkpoint been ignored, the poll would come now.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.requests).toHaveLength(1);
    expect(await itemCount("meta-bpjs", "mention")).toBe(1);
    expect(await timedStop(again)).toBeLessThan(1000);
  });

  it("youtube: a bad item is a dead letter; request and item metrics; stops within 1 s; resumes without re-fetching", async () => {
    pipeline = await startPipeline({ config, stages: [], http: false });
    server = await new FakePlatformServer().listen();
    const published = new Date(Date.now() - 3_600_000).toISOString();
    server.script("GET /feeds/videos.xml", {
      status: 200,
      headers: { "content-type": "application/atom+xml" },
      body: `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>BPJS</title><entry><id>yt:video:Vid00000001</id><title>Antrean</title><published>${published}</published></entry></feed>`,
    });
    server.script("GET /youtube/v3/videos", {
      status: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        items: [
          {
            id: "Vid00000001",
            snippet: { publishedAt: published, channelId: "UCabcdefghijklmnopqrstuv", title: "Antrean" },
            statistics: { viewCount: "10", likeCount: "2", commentCount: "0" },
          },
          { id: "Vid00000009", statistics: { viewCount: "ten" } },
        ],
      }),
    });
    const youtube = () =>
      createYoutubeIngestor({
        name: "yt-bpjs",
        channels: ["UCabcdefghijklmnopqrstuv"],
        apiKey: "compliance-key",
        pollMinutes: 15,
        commentWindowDays: 7,
        lookbackMinutes: 10,
        dailyQuota: 10_000,
        reserveUnits: 200,
        baseUrl: server?.url("") ?? "",
        feedBaseUrl: server?.url("") ?? "",
      });
    const stage = await run(youtube());
    const state = pipeline.context.state;
    await waitFor(
      "the channel's, the quota's and the refresher's checkpoints",
      async () => ((await readCheckpoints(state, "", "yt-bpjs")).size === 3 ? true : undefined),
      10_000,
      20,
    );
    expect(await itemCount("yt-bpjs", "mention")).toBe(1);
    expect(await itemCount("yt-bpjs", "invalid")).toBe(1);
    const { values } = await pipeline.context.metrics.ingestRequests.get();
    expect(values.filter((v) => v.labels.source === "yt-bpjs").map((v) => [v.labels.status, v.value])).toEqual([
      ["200", 2],
    ]);
    expect(JSON.parse((await readCheckpoints(state, "", "yt-bpjs")).get("quota") ?? "{}")).toMatchObject({ used: 1 });
    expect(stage.healthy()).toBe(true);
    expect(await timedStop(stage)).toBeLessThan(1000);

    const again = await run(youtube());
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.requests).toHaveLength(2);
    expect(await itemCount("yt-bpjs", "mention")).toBe(1);
    expect(await timedStop(again)).toBeLessThan(1000);
  });

  it("tiktok: a bad video is a dead letter; request and item metrics; stops within 1 s; resumes without re-fetching", async () => {
    pipeline = await startPipeline({ config, stages: [], http: false });
    server = await new FakePlatformServer().listen();
    const json = { "content-type": "application/json" };
    server.script("GET /v2/user/info/", {
      status: 200,
      headers: json,
      body: JSON.stringify({ data: { user: { open_id: "u-1", display_name: "BPJS" } }, error: { code: "ok" } }),
    });
    server.script("POST /v2/video/list/", {
      status: 200,
      headers: json,
      body: JSON.stringify({
        data: {
          videos: [
            { id: "7445", create_time: Math.floor(Date.now() / 1000) - 3600, title: "Antrean", like_count: 3 },
            { id: "7446", title: "tanpa waktu" },
          ],
          cursor: 0,
          has_more: false,
        },
        error: { code: "ok" },
      }),
    });
    const tiktok = () =>
      createTiktokIngestor({
        name: "tiktok-bpjs",
        accessToken: "compliance-token",
        pollMinutes: 30,
        windowDays: 30,
        maxPages: 10,
        baseUrl: server?.url("") ?? "",
      });
    const stage = await run(tiktok());
    const state = pipeline.context.state;
    await waitFor(
      "the account's checkpoint and the refresher's schedule",
      async () => ((await readCheckpoints(state, "", "tiktok-bpjs")).size === 2 ? true : undefined),
      10_000,
      20,
    );
    expect(await itemCount("tiktok-bpjs", "mention")).toBe(1);
    expect(await itemCount("tiktok-bpjs", "invalid")).toBe(1);
    const { values } = await pipeline.context.metrics.ingestRequests.get();
    expect(values.filter((v) => v.labels.source === "tiktok-bpjs").map((v) => [v.labels.status, v.value])).toEqual([
      ["200", 2],
    ]);
    expect(stage.healthy()).toBe(true);
    expect(await timedStop(stage)).toBeLessThan(1000);

    const again = await run(tiktok());
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.requests).toHaveLength(2);
    expect(await timedStop(again)).toBeLessThan(1000);
  });

  it("webhook: a bad line is a dead letter; 202 after the ack; stops within 1 s; a redelivery after a restart is not published", async () => {
    pipeline = await startPipeline({ config, stages: [], http: false });
    const listener = new WebhookListener("127.0.0.1", 0);
    const secret = "compliance-secret-0123456789";
    const hook = () => createWebhookIngestor({ name: "vendor", listener, secrets: [secret] });
    const body = `${ONE_LINE("w1", Date.now())}\n{not json\n`;
    const deliver = async () => {
      await waitFor("the webhook listener", async () => listener.boundPort(), 5000, 10);
      const timestamp = Math.floor(Date.now() / 1000);
      return fetch(`http://127.0.0.1:${listener.boundPort()}/hooks/vendor`, {
        method: "POST",
        headers: {
          "webhook-id": "msg_1",
          "webhook-timestamp": String(timestamp),
          "webhook-signature": signWebhook(secret, "msg_1", timestamp, body),
        },
        body,
      });
    };
    const stage = await run(hook());
    const first = await deliver();
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ id: "msg_1", accepted: 1, invalid: 1 });
    expect(await itemCount("vendor", "mention")).toBe(1);
    expect(await itemCount("vendor", "invalid")).toBe(1);
    expect(stage.healthy()).toBe(true);
    expect(await timedStop(stage)).toBeLessThan(1000);
    expect(listener.boundPort()).toBeUndefined();

    await run(hook());
    const redelivered = await deliver();
    expect(redelivered.status).toBe(200);
    expect(await itemCount("vendor", "mention")).toBe(1);
  });

  it("x: a bad stream line is a dead letter; request, item and lag metrics; stops within 1 s; resumes its search from the checkpoint", async () => {
    pipeline = await startPipeline({ config, stages: [], http: false });
    server = await new FakePlatformServer().listen();
    const rule = { value: "antrean bpjs", tag: "bpjs/antrean" };
    // Two minutes old: the refresher's next lookup (5 minutes after the post) is after the test.
    const at = Date.now() - 120_000;
    const post = {
      id: snowflakeAt(at),
      text: "antrean bpjs panjang",
      created_at: new Date(at).toISOString(),
      author_id: "42",
      lang: "in",
    };
    const json = { "content-type": "application/json" };
    const empty = { status: 200, headers: json, body: '{"meta":{"result_count":0}}' };
    const rules = { status: 200, headers: json, body: JSON.stringify({ data: [{ id: "1", ...rule }] }) };
    const round = (chunks: string[]) => {
      server?.script("GET /2/tweets/search/recent", empty, empty);
      server?.script("GET /2/tweets/search/stream/rules", rules);
      server?.script("GET /2/tweets/search/stream", { status: 200, headers: json, chunks, end: "hold" });
    };
    round([
      "\r\n",
      "{not json\r\n",
      `${JSON.stringify({ data: post, matching_rules: [{ id: "1", tag: rule.tag }] })}\r\n`,
    ]);
    const x = () =>
      createXIngestor({
        name: "x-humas",
        bearerToken: "compliance-bearer-token-0123456789",
        rules: [rule],
        baseUrl: server?.url("/") as string,
        dailyPostReads: 1000,
        maxSearchPages: 2,
        lookbackMs: 30_000,
        backfillMs: 3_600_000,
        stallMs: 20_000,
        timeoutMs: 5000,
      });
    const stage = await run(x());
    const state = pipeline.context.state;
    await waitFor(
      "the streamed post",
      async () => ((await itemCount("x-humas", "mention")) === 1 ? true : undefined),
      10_000,
      20,
    );
    expect(await itemCount("x-humas", "invalid")).toBe(1);
    const { values } = await pipeline.context.metrics.ingestRequests.get();
    expect(values.filter((v) => v.labels.source === "x-humas").map((v) => [v.labels.status, v.value])).toEqual([
      ["200", 4],
    ]);
    const lag =
      (await pipeline.context.metrics.ingestLag.get()).values.find((v) => v.labels.source === "x-humas")?.value ?? 0;
    expect(lag).toBeGreaterThanOrEqual(119);
    expect(stage.healthy()).toBe(true);
    expect(await timedStop(stage)).toBeLessThan(1000); // the stream is open and silent
    // Stopping stored how far the stream got.
    expect(JSON.parse((await readCheckpoints(state, "", "x-humas")).get(rule.tag) ?? "")).toEqual({
      newestId: post.id,
    });

    round(["\r\n"]);
    const again = await run(x());
    await waitFor("the restarted searches", async () => (server?.requests.length === 8 ? true : undefined), 10_000, 20);
    const since = new URL(server.requests[4]?.path ?? "", "http://x").searchParams.get("since_id");
    expect(since).toBe(snowflakeAt(at - 30_000));
    expect(await itemCount("x-humas", "mention")).toBe(1);
    expect(await timedStop(again)).toBeLessThan(1000);
  });
});
