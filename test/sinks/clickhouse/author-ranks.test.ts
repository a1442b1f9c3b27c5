/**
 * The sink's PageRank job on embedded ClickHouse: the amplification graph of the stored mentions
 * (replies and shares to their parent's author, even a parent older than the window; @mentions
 * resolved to accounts by handle), its ranks in the state store and the top in author_ranks; the
 * schedule that runs it on one sink instance at a time.
 */
import pino from "pino";
import { beforeAll, describe, expect, it } from "vitest";
import { Random } from "../../../ingestors/synthetic/random.js";
import { authorKeys } from "../../../processors/authors/index.js";
import {
  type AmplificationEdge,
  amplificationEdges,
  authorKey,
  handleKey,
  normalisedRanks,
  pageRank,
  windowEdges,
} from "../../../processors/influence/index.js";
import { untagged } from "../../../processors/tagger.js";
import { PipelineMetrics } from "../../../runtime/metrics.js";
import { MemoryStateStore } from "../../../runtime/state/memory-state.js";
import type { Storage } from "../../../runtime/storage/clickhouse.js";
import type { Mention } from "../../../schemas/types.generated.js";
import { rankAuthors, scheduleAuthorRanks } from "../../../sinks/clickhouse/author-ranks.js";
import { taggedMentionRow } from "../../../sinks/clickhouse/rows.js";
import { postWith } from "../../fixtures/mentions.js";
import { useEmbeddedDatabases } from "../../support/storage.js";

const logger = pino({ level: "silent" });
const NOW = Date.now() - 3_600_000;
const DAY = 86_400_000;
const openStorage = useEmbeddedDatabases();
let storage: Storage;

beforeAll(async () => {
  storage = await openStorage("simak_ranks_test");
});

const by = (id: string, followers = 100) => ({
  id,
  handle: `h${id}`,
  name: null,
  followers,
  verified: false,
  location: null,
});

async function store(mentions: Mention[], target = storage): Promise<void> {
  await target.client.insert({
    table: target.table("tagged_mentions"),
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

/** The edges as processors/influence defines them, from every stored mention: the reference for the SQL. */
function referenceEdges(stored: Mention[], now: number) {
  const authorOf = new Map(stored.map((m) => [`${m.platform}:${m.id}`, authorKey(m.platform, m.author.id)]));
  const latest = new Map<string, Mention>();
  for (const m of stored) {
    const key = handleKey(m.platform, m.author.handle);
    const seen = latest.get(key);
    if (!seen || seen.eventTime < m.eventTime) latest.set(key, m);
  }
  const resolve = (platform: Mention["platform"], handle: string) => {
    const m = latest.get(handleKey(platform, handle));
    return m && authorKey(m.platform, m.author.id);
  };
  const edges: AmplificationEdge[] = [];
  for (const m of stored) {
    if (m.eventTime <= now - 7 * DAY) continue;
    const parent = m.parentId === null ? null : authorOf.get(`${m.platform}:${m.parentId}`);
    edges.push(...amplificationEdges(m, parent, resolve));
  }
  return windowEdges(edges, now);
}

describe("rankAuthors against the edges of processors/influence", () => {
  it("gives the ranks of amplificationEdges + windowEdges on a random graph", async () => {
    const random = new Random(7, "ranks");
    const mentions: Mention[] = [];
    const kinds = ["post", "reply", "comment", "share"] as const;
    for (let i = 0; i < 400; i++) {
      const kind = kinds[random.int(kinds.length)] as Mention["kind"];
      const author = `u${random.int(40)}`;
      const named = Array.from({ length: random.int(3) }, () => `hu${random.int(50)}`);
      const parent = i > 0 && kind !== "post" && random.chance(0.8) ? random.int(i + 20) : null;
      const retweeted = kind === "share" && random.chance(0.5) ? `RT @HU${random.int(50)}: ` : "";
      mentions.push(
        postWith({
          id: `g${i}`,
          kind,
          platform: random.chance(0.8) ? "x" : "instagram",
          author: by(author),
          // Nine days: some parents and authors older than the window.
          eventTime: NOW - random.int(9 * DAY),
          parentId: parent === null ? null : `g${parent}`,
          mentionedHandles: named,
          text: `${retweeted}teks ${i}`,
        }),
      );
    }
    const ranked = await openStorage("simak_ranks_random");
    await store(mentions, ranked);
    const state = new MemoryStateStore();
    const now = Math.max(...mentions.map((m) => m.eventTime));
    const reference = referenceEdges(mentions, now);
    expect(reference.length).toBeGreaterThan(200);
    const run = await rankAuthors({ storage: ranked, state, prefix: "r.", logger });
    const expected = normalisedRanks(pageRank(reference));
    expect(run).toMatchObject({ at: now, edges: reference.length, authors: expected.size });
    const keys = authorKeys("r.");
    const nodes = [...expected.keys()];
    const actual = (await state.getMany(nodes.map(keys.rank))).map(Number);
    nodes.forEach((node, i) => {
      expect(actual[i], node).toBeCloseTo(expected.get(node) as number, 12);
    });
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
