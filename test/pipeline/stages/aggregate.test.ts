/**
 * The aggregate stage on embedded ClickHouse (chdb), fed hand-made partition batches
 * (test/support/aggregate-stage.ts). Expectations are computed by hand.
 */
import { describe, expect, it } from "vitest";
import { windowStart } from "../../../processors/windows/index.js";
import type { StageHandle } from "../../../runtime/context.js";
import type { PipelineMetrics } from "../../../runtime/metrics.js";
import { MemoryStateStore } from "../../../runtime/state/memory-state.js";
import type { StateStore } from "../../../runtime/state/state.js";
import type { Storage } from "../../../runtime/storage/clickhouse.js";
import { MIN, type TaggedSpec, tagged } from "../../processors/windows/helpers.js";
import { startAggregateInstance } from "../../support/aggregate-stage.js";
import { useEmbeddedDatabases } from "../../support/storage.js";

const HOUR = 60 * MIN;
/** Yesterday 03:00 UTC: recent enough for every TTL, two whole hours inside one day. */
const T0 = windowStart(Date.now() - 24 * HOUR, 24 * HOUR) + 3 * HOUR;
const bpjs = { queryId: "bpjs-antrean", agency: "BPJS Kesehatan" };
const polri = { queryId: "polri-tilang", agency: "Polri" };

/** Partition 0 and 1 of the tagged topic, in offset order. p0 offset 4 is late (see below). */
const PARTITIONS: TaggedSpec[][] = [
  [
    { id: "p0-0", at: T0, author: "a", followers: 100, likes: 2, sentiment: ["negative", -0.5], topics: [bpjs] },
    { id: "p0-1", at: T0 + 30_000, author: "b", followers: 10, sentiment: ["positive", 0.5], topics: [bpjs] },
    { id: "p0-2", at: T0 + 59 * MIN + 30_000, author: "a", followers: 100, likes: 1, sentiment: ["negative", -0.5] },
    {
      id: "p0-3",
      at: T0 + HOUR,
      author: "c",
      followers: 1000,
      platform: "instagram",
      sentiment: ["neutral", 0],
      topics: [bpjs],
    },
    // Watermark T0+50min: minute 48 ended at T0+49min, closed.
    { id: "p0-4", at: T0 + 48 * MIN, author: "z", followers: 999_999, sentiment: ["negative", -1] },
    { id: "p0-5", at: T0 + 61 * MIN, author: "b", followers: 10 },
  ],
  [
    { id: "p1-0", at: T0 + 10_000, author: "d", followers: 50, sentiment: ["negative", -1], topics: [bpjs] },
    { id: "p1-1", at: T0 + 65 * MIN, author: "a", followers: 100, sentiment: ["positive", 1], topics: [polri] },
    // Watermark T0+55min: minute 55 ends at T0+56min, still open.
    { id: "p1-2", at: T0 + 55 * MIN, author: "e", followers: 7, sentiment: ["negative", -0.5], topics: [bpjs] },
    { id: "p1-3", at: T0 + 66 * MIN, author: "d", followers: 50, platform: "instagram", sentiment: ["neutral", 0] },
  ],
];

interface Instance {
  stage: StageHandle;
  metrics: PipelineMetrics;
  /** Hands the batch of records [from, to] of a partition to the stage, as the bus would. */
  deliver(partition: number, from: number, to: number): Promise<void>;
  /** Hands these records, at offsets from `firstOffset` on, to the stage as one batch of `partition`. */
  deliverSpecs(partition: number, firstOffset: number, specs: TaggedSpec[]): Promise<void>;
}

const openStorage = useEmbeddedDatabases();

/** An aggregate stage instance on `storage`, fed the records of PARTITIONS. */
async function startInstance(storage: Storage, state?: StateStore): Promise<Instance> {
  const instance = await startAggregateInstance(storage, {}, state);
  return {
    ...instance,
    deliver: (partition, from, to) => {
      const specs = PARTITIONS[partition] as TaggedSpec[];
      return instance.deliver(partition, from, specs.slice(from, to + 1).map(tagged), specs.length);
    },
    deliverSpecs: (partition, firstOffset, specs) => instance.deliver(partition, firstOffset, specs.map(tagged)),
  };
}

async function counter(metrics: PipelineMetrics, name: string): Promise<number> {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  return metric?.values.reduce((sum, value) => sum + value.value, 0) ?? 0;
}

/** Every cell of a rollup table, partial aggregates merged; `bucket` regroups the windows. */
async function cells(storage: Storage, table: string, bucket = "window_start"): Promise<Record<string, unknown>[]> {
  const result = await storage.client.query({
    query: `SELECT toUnixTimestamp(${bucket}) AS bucket, scope_kind, scope, agency, platform, sentiment,
              sum(mentions) AS n, sum(reach) AS total_reach, sum(likes) AS total_likes,
              round(sum(sentiment_score_sum), 6) AS score, uniqExactMerge(authors) AS distinct_authors,
              arraySum(maxMapMerge(author_followers).2) AS distinct_reach
            FROM ${storage.table(table)}
            GROUP BY bucket, scope_kind, scope, agency, platform, sentiment
            ORDER BY bucket, scope_kind, scope, agency, platform, sentiment`,
    format: "JSONEachRow",
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  return result.json();
}

/** Totals of one scope over a rollup table, all windows, platforms and sentiments together. */
async function scopeTotals(storage: Storage, table: string, scopeKind: string, scope: string) {
  const result = await storage.client.query({
    query: `SELECT sum(mentions) AS n, sum(reach) AS total_reach, sum(likes) AS total_likes,
              uniqExactMerge(authors) AS distinct_authors, arraySum(maxMapMerge(author_followers).2) AS distinct_reach
            FROM ${storage.table(table)}
            WHERE scope_kind = {scopeKind:String} AND scope = {scope:String}`,
    query_params: { scopeKind, scope },
    format: "JSONEachRow",
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  return (await result.json())[0];
}

/** Every partition aggregated in one go by one instance, uninterrupted: the reference. */
async function uninterrupted(database: string): Promise<Storage> {
  const storage = await openStorage(database);
  const instance = await startInstance(storage);
  await instance.deliver(0, 0, 5);
  await instance.deliver(1, 0, 3);
  return storage;
}

/** The three rollups of `actual` hold exactly the cells of `expected`'s. */
async function expectSameRollups(actual: Storage, expected: Storage): Promise<void> {
  for (const table of ["mention_windows_1m", "mention_windows_1h", "mention_windows_1d"]) {
    const cellsExpected = await cells(expected, table);
    expect(cellsExpected.length).toBeGreaterThan(0);
    expect(await cells(actual, table)).toEqual(cellsExpected);
  }
}

describe("aggregate stage on embedded ClickHouse", () => {
  it("aggregates by window, scope, platform and sentiment, leaves late events out, and rolls up to hours and days", async () => {
    const storage = await openStorage("aggregate_basic");
    const instance = await startInstance(storage);
    await instance.deliver(0, 0, 5);
    await instance.deliver(1, 0, 3);
    expect(await counter(instance.metrics, "simak_late_events_total")).toBe(1);

    // Nine mentions (p0-4 is late) by a, b, c, d, e: reach 100+10+100+1000+10+50+100+7+50.
    const all = { n: 9, total_reach: 1427, total_likes: 3, distinct_authors: 5, distinct_reach: 1167 };
    for (const table of ["mention_windows_1m", "mention_windows_1h", "mention_windows_1d"]) {
      expect(await scopeTotals(storage, table, "all", "")).toEqual(all);
    }
    // BPJS Kesehatan: p0-0 (a), p0-1 (b), p0-3 (c), p1-0 (d), p1-2 (e).
    expect(await scopeTotals(storage, "mention_windows_1d", "agency", "BPJS Kesehatan")).toEqual({
      n: 5,
      total_reach: 1167,
      total_likes: 2,
      distinct_authors: 5,
      distinct_reach: 1167,
    });
    const minuteZero = (await cells(storage, "mention_windows_1m")).filter(
      (cell) => cell.bucket === T0 / 1000 && cell.scope_kind === "all",
    );
    expect(minuteZero).toEqual([
      {
        bucket: T0 / 1000,
        scope_kind: "all",
        scope: "",
        agency: "",
        platform: "x",
        sentiment: "negative",
        n: 2,
        total_reach: 150,
        total_likes: 2,
        score: -1.5,
        distinct_authors: 2,
        distinct_reach: 150,
      },
      {
        bucket: T0 / 1000,
        scope_kind: "all",
        scope: "",
        agency: "",
        platform: "x",
        sentiment: "positive",
        n: 1,
        total_reach: 10,
        total_likes: 0,
        score: 0.5,
        distinct_authors: 1,
        distinct_reach: 10,
      },
    ]);
    // The rollups are the 1-minute cells regrouped.
    expect(await cells(storage, "mention_windows_1h")).toEqual(
      await cells(storage, "mention_windows_1m", "toStartOfHour(window_start)"),
    );
    expect(await cells(storage, "mention_windows_1d")).toEqual(
      await cells(storage, "mention_windows_1m", "toStartOfDay(window_start)"),
    );
    expect(
      (await cells(storage, "mention_windows_1h"))
        .filter((c) => c.scope_kind === "agency" && c.scope === "BPJS Kesehatan")
        .map((c) => [c.bucket, c.sentiment, c.n]),
    ).toEqual([
      [T0 / 1000, "negative", 3],
      [T0 / 1000, "positive", 1],
      [(T0 + HOUR) / 1000, "neutral", 1],
    ]);
  });

  it("never counts a redelivered batch twice, with the same or different boundaries, across a restart", async () => {
    const once = await uninterrupted("aggregate_once");

    const storage = await openStorage("aggregate_redelivered");
    const first = await startInstance(storage);
    await first.deliver(0, 0, 2);
    await first.deliver(0, 3, 3);
    await first.deliver(1, 0, 1);
    // Redelivered to the same instance, same boundaries (the commit was lost).
    await first.deliver(1, 0, 1);
    await first.stage.stop();
    // A restarted instance gets the partitions again from older offsets, cut differently.
    const restarted = await startInstance(storage);
    await restarted.deliver(0, 2, 5);
    await restarted.deliver(1, 1, 3);
    await restarted.deliver(0, 0, 5);
    expect(await counter(restarted.metrics, "simak_duplicates_dropped_total")).toBe(2 + 1 + 6);
    // p0-4 first arrives after the restart: the watermark restored with p0-3 (T0+50min) finds it late.
    expect(await counter(restarted.metrics, "simak_late_events_total")).toBe(1);
    await expectSameRollups(storage, once);
  });

  it("completes the rollups an insert interrupted between its parts left short, counting nothing twice", async () => {
    const once = await uninterrupted("aggregate_uninterrupted");

    const storage = await openStorage("aggregate_interrupted");
    const first = await startInstance(storage);
    await first.deliver(0, 0, 2);
    // The process dies after writing the deltas' and the 1-minute view's parts, before the hourly
    // and daily views' parts: as if those views were not there during the insert.
    const views = ["mention_windows_1h_mv", "mention_windows_1d_mv"].map((view) => storage.table(view));
    for (const view of views) await storage.client.command({ query: `DETACH TABLE ${view}` });
    await first.deliver(0, 3, 5);
    for (const view of views) await storage.client.command({ query: `ATTACH TABLE ${view}` });
    await first.stage.stop();
    const hourly = await scopeTotals(storage, "mention_windows_1h", "all", "");
    expect(hourly).not.toEqual(await scopeTotals(once, "mention_windows_1h", "all", ""));

    // Restarted, the instance sends partition 0's last insert again before going on.
    const restarted = await startInstance(storage);
    await restarted.deliver(0, 3, 5);
    await restarted.deliver(1, 0, 3);
    expect(await counter(restarted.metrics, "simak_duplicates_dropped_total")).toBe(3);
    await expectSameRollups(storage, once);
  });

  it("gives exactly the totals of one instance when two instances each own one partition", async () => {
    const one = await openStorage("aggregate_one_instance");
    const single = await startInstance(one);
    await single.deliver(0, 0, 2);
    await single.deliver(1, 0, 1);
    await single.deliver(0, 3, 5);
    await single.deliver(1, 2, 3);

    const two = await openStorage("aggregate_two_instances");
    const [left, right] = [await startInstance(two), await startInstance(two)];
    await Promise.all([left.deliver(0, 0, 2), right.deliver(1, 0, 1)]);
    await Promise.all([left.deliver(0, 3, 5), right.deliver(1, 2, 3)]);
    await expectSameRollups(two, one);
  });

  it("stores a backfill whose windows span 150 days in one insert", async () => {
    const storage = await openStorage("aggregate_backfill");
    const instance = await startAggregateInstance(storage);
    const start = T0 - 150 * 24 * HOUR;
    const days = Array.from({ length: 150 }, (_, day) => tagged({ id: `day-${day}`, at: start + day * 24 * HOUR }));
    await instance.deliver(0, 0, days);
    expect(await scopeTotals(storage, "mention_windows_1m", "all", "")).toMatchObject({ n: 150 });
    expect(await scopeTotals(storage, "mention_windows_1d", "all", "")).toMatchObject({ n: 150 });
  });

  it("counts a mention published twice (at two offsets) once, also across a restart", async () => {
    const storage = await openStorage("aggregate_republished");
    const state = new MemoryStateStore();
    const a: TaggedSpec = { id: "a", at: T0, author: "a", followers: 100 };
    const b: TaggedSpec = { id: "b", at: T0 + 1000, author: "b", followers: 10 };
    const c: TaggedSpec = { id: "c", at: T0 + 2000, author: "c", followers: 1 };
    const first = await startInstance(storage, state);
    await first.deliverSpecs(0, 0, [a, b]);
    // Republished in the batch after, and twice within one batch.
    await first.deliverSpecs(0, 2, [b, c, c]);
    // A failed insert's batch redelivered as is: the same records, counted once.
    await first.stage.stop();
    const restarted = await startInstance(storage, state);
    await restarted.deliverSpecs(0, 2, [b, c, c]);
    // After the restart, republished again at later offsets.
    await restarted.deliverSpecs(0, 5, [a, c]);
    expect(await counter(first.metrics, "simak_duplicates_dropped_total")).toBe(2);
    expect(await counter(restarted.metrics, "simak_duplicates_dropped_total")).toBe(3 + 2);
    expect(await scopeTotals(storage, "mention_windows_1m", "all", "")).toEqual({
      n: 3,
      total_reach: 111,
      total_likes: 0,
      distinct_authors: 3,
      distinct_reach: 111,
    });
  });

  it("counts once what an insert that failed wrote nothing of, when its batch comes again", async () => {
    const storage = await openStorage("aggregate_failed_insert");
    const state = new MemoryStateStore();
    const instance = await startInstance(storage, state);
    const a: TaggedSpec = { id: "a", at: T0, author: "a", followers: 100 };
    const deltas = storage.table("mention_window_deltas");
    await storage.client.command({ query: `DETACH TABLE ${deltas}` });
    await expect(instance.deliverSpecs(0, 0, [a])).rejects.toThrow();
    await storage.client.command({ query: `ATTACH TABLE ${deltas}` });
    await instance.deliverSpecs(0, 0, [a]);
    expect(await scopeTotals(storage, "mention_windows_1m", "all", "")).toMatchObject({ n: 1 });
  });
});
