/**
 * The sink's PageRank job on embedded ClickHouse: the amplification graph of the stored mentions
 * (replies and shares to their parent's author, even a parent older than the window; @mentions
 * resolved to accounts by handle), its ranks in the state store and the top in author_ranks; the
 * schedule that runs it on one sink instance at a time.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorKeys } from "../../../processors/authors/index.js";
import { untagged } from "../../../processors/tagger.js";
import { PipelineMetrics } from "../../../runtime/metrics.js";
import { MemoryStateStore } from "../../../runtime/state/memory-state.js";
import { createStorage, type Storage } from "../../../runtime/storage/clickhouse.js";
import { migrate } from "../../../runtime/storage/migrations.js";
import type { Mention } from "../../../schemas/types.generated.js";
import { rankAuthors, scheduleAuthorRanks } from "../../../sinks/clickhouse/author-ranks.js";
import { taggedMentionRow } from "../../../sinks/clickhouse/rows.js";
import { postWith } from "../../fixtures/mentions.js";

const logger = pino({ level: "silent" });
const NOW = Date.now() - 3_600_000;
const DAY = 86_400_000;
let storage: Storage;

beforeAll(async () => {
  storage = createStorage({
    username: "default",
    password: "",
    database: "simak_ranks_test",
    dataDir: mkdtempSync(join(tmpdir(), "simak-chdb-")),
  });
  await migrate(storage, logger);
});

afterAll(async () => {
  await storage?.close();
});

const by = (id: string, followers = 100) => ({
  id,
  handle: `h${id}`,
  name: null,
  followers,
  verified: false,
  location: null,
});

async function store(mentions: Mention[]): Promise<void> {
  await storage.client.insert({
    table: storage.table("tagged_mentions"),
    values: mentions.map((mention, i) =>
      taggedMentionRow(
        { mention, tags: untagged(), processedTime: 0 },
        { topic: "t", partition: 0, offset: String(i) },
      ),
    ),
    format: "JSONEachRow",
  });
}

describe("rankAuthors", () => {
  it("ranks the account everyone amplifies first and writes every rank to the state store", async () => {
    const state = new MemoryStateStore();
    const keys = authorKeys("t.");
    expect(await rankAuthors({ storage, state, prefix: "t.", logger })).toEqual({
      at: null,
      authors: 0,
      edges: 0,
      iterations: 0,
    });

    // hub's post is 8 days old: out of the window, but its author still receives the replies.
    const old = postWith({ id: "hub-post", author: by("hub"), eventTime: NOW - 8 * DAY });
    const replies = ["r1", "r2", "r3"].map((id, i) =>
      postWith({ id, kind: "reply", parentId: "hub-post", author: by(`fan${i}`), eventTime: NOW - i * 60_000 }),
    );
    // A post by "side" names @hhub (resolved to the account x:hub) and @nobody (unknown: a handle node).
    const side = postWith({
      id: "side-post",
      author: by("side"),
      mentionedHandles: ["hhub", "nobody"],
      eventTime: NOW,
    });
    // fan0 is shared by side: fan0 is amplified once.
    const share = postWith({ id: "s1", kind: "share", parentId: "r1", author: by("side"), eventTime: NOW - 1000 });
    await store([old, ...replies, side, share]);

    const run = await rankAuthors({ storage, state, prefix: "t.", logger });
    expect(run).toMatchObject({ at: NOW, authors: 6, edges: 6 });
    const authors = ["x:hub", "x:fan0", "x:fan1", "x:side", "x:@nobody"];
    const ranks = (await state.getMany(authors.map(keys.rank))).map(Number);
    const [hub, fan0, fan1, side_, nobody] = ranks as [number, number, number, number, number];
    expect(hub).toBeGreaterThan(nobody);
    expect(nobody).toBeGreaterThan(fan0);
    expect(fan0).toBeGreaterThan(fan1);
    expect(fan1).toBe(side_);
    expect(await state.getMany([keys.ranked()])).toEqual([String(NOW)]);

    const top = await storage.client.query({
      query: `SELECT author_key, position FROM ${storage.table("author_ranks")} ORDER BY position`,
      format: "JSONEachRow",
    });
    const rows = await top.json<{ author_key: string; position: number }>();
    expect(rows).toHaveLength(6);
    expect(rows[0]).toEqual({ author_key: "x:hub", position: 1 });
  });
});

describe("scheduleAuthorRanks", () => {
  const leading = async (metrics: PipelineMetrics) =>
    (await metrics.leader.get()).values.find((value) => value.labels.job === "pagerank")?.value;

  it("runs on one sink instance at a time, and on another once that one stops", async () => {
    const state = new MemoryStateStore();
    const [one, two] = [new PipelineMetrics(), new PipelineMetrics()];
    const options = { storage, state, prefix: "sched.", logger };
    const first = scheduleAuthorRanks({ ...options, gauge: one.leader }, 100);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const second = scheduleAuthorRanks({ ...options, gauge: two.leader }, 100);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect([await leading(one), await leading(two)]).toEqual([1, 0]);
    expect(await state.getMany([authorKeys("sched.").ranked()])).not.toEqual([null]);
    await first.stop();
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect([await leading(one), await leading(two)]).toEqual([0, 1]);
    await second.stop();
  });
});
