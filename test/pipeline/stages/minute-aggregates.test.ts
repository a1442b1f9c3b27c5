/**
 * The post-level events event rules read from ClickHouse (viral negative posts, negative mentions
 * by high-influence authors, impersonation suspects), in scope and by minute, and an event rule's
 * detector fed with them through everyMinute; which minutes are complete, with idle partitions.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { everyMinute, lastCompletedMinute, readPostEvents } from "../../../pipeline/stages/minute-aggregates.js";
import { compileAlertConfig, MINUTE_MS, runDetector } from "../../../processors/alerts/index.js";
import { untagged } from "../../../processors/tagger.js";
import type { TaggedMention } from "../../../schemas/types.generated.js";
import { taggedMentionRow, viralityRow } from "../../../sinks/clickhouse/rows.js";
import { postWith } from "../../fixtures/mentions.js";
import { useMigratedStorage } from "../../support/storage.js";

const T0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000;
const at = { topic: "t", partition: 0, offset: "0" };
const scope = { agency: "bpjs-kesehatan", queryId: null, platform: null };
const storage = useMigratedStorage();

function tagged(
  id: string,
  minute: number,
  options: {
    label?: "negative" | "positive";
    agency?: string;
    influence?: number;
    role?: "impersonation_suspect";
    parentId?: string;
  },
): TaggedMention {
  const tags = untagged();
  tags.sentiment = {
    label: options.label ?? "negative",
    score: -0.8,
    confidence: 0.9,
    language: "id",
    modelVersion: "m",
  };
  tags.topics = [{ queryId: "q", agency: options.agency ?? "bpjs-kesehatan" }];
  if (options.influence !== undefined) tags.influence = { score: options.influence, tier: "mid" };
  if (options.role) tags.account = { role: options.role, agency: null, score: 0.9, reasons: [] };
  const mention = postWith({
    id,
    eventTime: T0 + minute * MINUTE_MS + 5_000,
    author: { id: `a-${id}`, handle: `h${id}`, name: null, followers: 10, verified: false, location: null },
    ...(options.parentId ? { kind: "reply" as const, parentId: options.parentId, rootId: options.parentId } : {}),
  });
  return { mention, tags, processedTime: 0 };
}

beforeAll(async () => {
  const mentions = [
    tagged("viral-neg", 1, {}),
    tagged("viral-pos", 1, { label: "positive" }),
    tagged("viral-other-agency", 1, { agency: "polri" }),
    tagged("big-neg", 3, { influence: 72.5 }),
    tagged("big-pos", 3, { influence: 80, label: "positive" }),
    tagged("small-neg", 3, { influence: 20 }),
    tagged("fake", 4, { role: "impersonation_suspect" }),
    tagged("reply-viral", 2, { parentId: "viral-neg" }),
  ];
  await storage.client.insert({
    table: storage.table("tagged_mentions"),
    values: mentions.map((item) => taggedMentionRow(item, at)),
    format: "JSONEachRow",
  });
  const assessment = (postId: string, minute: number, viral: boolean, score: number) =>
    viralityRow(
      {
        platform: "x",
        postId,
        assessedAt: T0 + minute * MINUTE_MS + 30_000,
        score,
        velocity: 1,
        acceleration: 0,
        expectedVelocity: 1,
        cascadeSize: 1,
        cascadeDepth: 1,
        cascadeVelocity: 1,
        cascadeReach: 1,
        viral,
        reason: "",
      },
      at,
    );
  await storage.client.insert({
    table: storage.table("post_virality"),
    values: [
      assessment("viral-neg", 1, false, 40),
      assessment("viral-neg", 2, true, 88),
      assessment("viral-neg", 3, true, 93),
      assessment("viral-pos", 2, true, 90),
      assessment("viral-other-agency", 2, true, 90),
    ],
    format: "JSONEachRow",
  });
});

describe("readPostEvents", () => {
  const read = (kind: Parameters<typeof readPostEvents>[1]) =>
    readPostEvents(storage, kind, scope, T0, T0 + 10 * MINUTE_MS);

  it("gives a negative top post in scope at the minute it first turned viral, scored by its top virality", async () => {
    expect(await read("viral-negative-post")).toEqual([
      {
        kind: "viral-negative-post",
        minute: T0 + 2 * MINUTE_MS,
        postId: "viral-neg",
        author: "a-viral-neg",
        score: 93,
      },
    ]);
    expect(await readPostEvents(storage, "viral-negative-post", scope, T0 + 3 * MINUTE_MS, T0 + 9 * MINUTE_MS)).toEqual(
      [],
    );
  });

  it("gives negative mentions by high-influence authors and impersonation suspects, in scope", async () => {
    expect(await read("influential-negative")).toEqual([
      { kind: "influential-negative", minute: T0 + 3 * MINUTE_MS, postId: "big-neg", author: "a-big-neg", score: 72.5 },
    ]);
    expect(await read("impersonation")).toEqual([
      { kind: "impersonation", minute: T0 + 4 * MINUTE_MS, postId: "fake", author: "a-fake", score: 0.9 },
    ]);
    expect(
      await readPostEvents(storage, "impersonation", { ...scope, agency: "polri" }, T0, T0 + 10 * MINUTE_MS),
    ).toEqual([]);
  });

  it("feeds an event rule's detector: one firing at the viral minute", async () => {
    const { rules } = compileAlertConfig(
      `rules:
  viral-bpjs:
    scope: { agency: bpjs-kesehatan }
    signal: viral-negative-post
    window: 5m
`,
      "alerts.yaml",
      {},
    );
    const rule = rules[0] as (typeof rules)[number];
    const events = await read("viral-negative-post");
    const { alerts } = runDetector(rule, rule.scope, everyMinute([], T0 - 10 * MINUTE_MS, T0 + 20 * MINUTE_MS, events));
    expect(alerts.map((alert) => [alert.status, alert.windowEnd, alert.topPostIds])).toEqual([
      ["firing", T0 + 3 * MINUTE_MS, ["viral-neg"]],
      ["resolved", expect.any(Number), []],
    ]);
  });
});

describe("lastCompletedMinute", () => {
  const IDLE = 120_000;
  const NOW = T0 + 3 * 3_600_000;
  /** Progress rows of one partition: its watermark after each insert, and when each was inserted. */
  const stored = async (topic: string, partition: number, inserts: { watermark: number; at: number }[]) =>
    storage.client.insert({
      table: storage.table("mention_window_deltas"),
      values: inserts.map(({ watermark, at: insertedAt }, i) => ({
        source_topic: topic,
        source_partition: partition,
        first_offset: i,
        last_offset: i,
        watermark,
        inserted_at: insertedAt,
        window_start: Math.floor(insertedAt / 1000),
        scope_kind: "progress",
      })),
      format: "JSONEachRow",
    });
  const minute = (n: number) => T0 + n * MINUTE_MS;

  it("is the minute before the least watermark's minute while every partition is active", async () => {
    await stored("all-active", 0, [{ watermark: minute(50) + 30_000, at: NOW - 10_000 }]);
    await stored("all-active", 1, [
      { watermark: minute(40), at: NOW - 300_000 },
      { watermark: minute(45) + 1, at: NOW - 1_000 },
    ]);
    expect(await lastCompletedMinute(storage, "all-active", 2, IDLE, NOW)).toBe(minute(44));
  });

  it("leaves out a partition without an insert for the idle time", async () => {
    await stored("one-idle", 0, [{ watermark: minute(50), at: NOW - 10_000 }]);
    await stored("one-idle", 1, [{ watermark: minute(20), at: NOW - IDLE }]);
    expect(await lastCompletedMinute(storage, "one-idle", 2, IDLE, NOW)).toBe(minute(49));
    // One millisecond less quiet, it still holds the clock back.
    expect(await lastCompletedMinute(storage, "one-idle", 2, IDLE, NOW - 1)).toBe(minute(19));
  });

  it("takes the oldest watermark when every partition is idle", async () => {
    await stored("all-idle", 0, [{ watermark: minute(50), at: NOW - 600_000 }]);
    await stored("all-idle", 1, [{ watermark: minute(30), at: NOW - 900_000 }]);
    expect(await lastCompletedMinute(storage, "all-idle", 2, IDLE, NOW)).toBe(minute(29));
  });

  it("waits for a partition that stored nothing until the stage has been writing for the idle time", async () => {
    expect(await lastCompletedMinute(storage, "never-written", 2, IDLE, NOW)).toBeNull();
    await stored("warming", 0, [{ watermark: minute(50), at: NOW - 60_000 }]);
    expect(await lastCompletedMinute(storage, "warming", 2, IDLE, NOW)).toBeNull();
    expect(await lastCompletedMinute(storage, "warming", 2, IDLE, NOW + 60_000)).toBe(minute(49));
  });
});
