/**
 * The aggregate stage: tagged mentions -> event-time window deltas in ClickHouse
 * (`mention_window_deltas`), rolled up by materialized views into `mention_windows_1m`, `_1h` and
 * `_1d`. Each instance aggregates the partitions it owns (processors/windows); ClickHouse merges
 * the partial aggregates, so any number of instances gives the totals of one.
 *
 * Exactly-once effect: each partition batch's deltas and the offset range and watermark they cover
 * land in ONE insert (one part: all or nothing), shared with the other batches that arrive within
 * SIMAK_AGGREGATE_MIN_INSERT_INTERVAL_MS (sinks/clickhouse/coalesced-insert.ts). Before a batch that does not follow
 * what this instance last inserted for the partition (first batch, after a rebalance, after a
 * failure), the stage reads the partition's last stored offset and watermark back from ClickHouse,
 * skips the records at or below it and continues from that watermark. A batch redelivered after a
 * crash between insert and commit, with the same or different boundaries, is therefore never
 * counted twice; a retried insert of the same range is also dropped by its deduplication token.
 * On resuming, the partition's last insert is sent again under its token, so a rollup view that a
 * crash in the middle of the insert left without it gets it (completeRollups). A mention the
 * process stage published twice (at two offsets) is counted once (counted-mentions.ts).
 */
import { eventTimeProblem, throwIfRejected } from "../../processors/normalise/index.js";
import { PartitionWindows } from "../../processors/windows/index.js";
import type { IncomingRecord, RecordBatch } from "../../runtime/bus/bus.js";
import {
  decodeBatch,
  instrumented,
  mapIsolated,
  type PipelineContext,
  type StageHandle,
  topicName,
} from "../../runtime/context.js";
import type { Storage } from "../../runtime/storage/clickhouse.js";
import { DEDUPLICATION_WINDOW } from "../../runtime/storage/migrations.js";
import { contracts } from "../../schemas/contracts.js";
import type { TaggedMention } from "../../schemas/types.generated.js";
import { CoalescedInsert, deduplicatedInsert } from "../../sinks/clickhouse/coalesced-insert.js";
import { windowDeltaRows } from "../../sinks/clickhouse/rows.js";
import { CountedMentions } from "./counted-mentions.js";

const STAGE = "aggregate";
const DELTAS_TABLE = "mention_window_deltas";

export interface AggregateStageOptions {
  groupId?: string;
  /** The processing clock, epoch ms: event times ahead of it are refused and bound no watermark. */
  clock?: () => number;
}

/** Where a partition stands: its accumulator and the first offset not yet stored. */
interface PartitionPosition {
  windows: PartitionWindows;
  nextOffset: bigint;
}

/** What ClickHouse holds of a partition: where to go on, and the insert that stored its last offset. */
interface StoredPosition {
  nextOffset: bigint;
  watermark: number | null;
  /** The deduplication token of that insert ("" for rows stored before tokens were kept). */
  insertToken: string;
  insertedAt: number;
}

async function storedPosition(storage: Storage, topic: string, partition: number): Promise<StoredPosition> {
  const result = await storage.client.query({
    query: `SELECT toString(last_offset) AS stored_offset, toUnixTimestamp64Milli(watermark) AS stored_watermark,
              insert_token, toUnixTimestamp64Milli(inserted_at) AS stored_at
            FROM ${storage.table(DELTAS_TABLE)}
            WHERE source_topic = {topic:String} AND source_partition = {partition:UInt16}
            ORDER BY last_offset DESC
            LIMIT 1`,
    query_params: { topic, partition },
    format: "JSONEachRow",
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  const [row] = await result.json<{
    stored_offset: string;
    stored_watermark: number | null;
    insert_token: string;
    stored_at: number;
  }>();
  if (!row) return { nextOffset: 0n, watermark: null, insertToken: "", insertedAt: 0 };
  return {
    nextOffset: BigInt(row.stored_offset) + 1n,
    watermark: row.stored_watermark === null ? null : Number(row.stored_watermark),
    insertToken: row.insert_token,
    insertedAt: Number(row.stored_at),
  };
}

/**
 * Sends the partition's last insert through the deltas table again, with its own token. ClickHouse
 * writes an insert's part in the deltas table first and then one part per rollup view: a process
 * killed in between (chdb dies with it) stores the offsets while a rollup misses the deltas. Sent
 * again, the deltas table and every view that has the part drop it as a duplicate and a view
 * that missed it writes it. Only while the token is surely still inside every table's
 * deduplication window: past it, a view holding the part would count it twice.
 */
async function completeRollups(storage: Storage, stored: StoredPosition): Promise<"sent" | "skipped"> {
  if (!stored.insertToken) return "skipped";
  const deltas = storage.table(DELTAS_TABLE);
  const since = await storage.client.query({
    query: `SELECT uniqExact(insert_token) AS inserts FROM ${deltas}
            WHERE inserted_at >= fromUnixTimestamp64Milli({at:Int64}, 'UTC')`,
    query_params: { at: stored.insertedAt },
    format: "JSONEachRow",
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  const [{ inserts } = { inserts: Number.POSITIVE_INFINITY }] = await since.json<{ inserts: number }>();
  // An insert spanning two table partitions is two blocks of a rollup: half the window, to be sure.
  if (inserts > DEDUPLICATION_WINDOW / 2) return "skipped";
  await storage.client.command({
    query: `INSERT INTO ${deltas} SELECT * FROM ${deltas} WHERE insert_token = {token:String}`,
    query_params: { token: stored.insertToken },
    clickhouse_settings: deduplicatedInsert(stored.insertToken),
  });
  return "sent";
}

export async function startAggregateStage(
  ctx: PipelineContext,
  options: AggregateStageOptions = {},
): Promise<StageHandle> {
  const { metrics, codec, config } = ctx;
  const clock = options.clock ?? Date.now;
  // A connection of its own: on the stages' shared one its inserts, which the alert rules and the
  // produce-to-counted latency wait for, queued behind the sink's larger ones (bench:full).
  const storage = (await ctx.storage()).ownConnection();
  const source = topicName(config, "mentionsTagged");
  const deadLetters = topicName(config, "deadLetter");
  const producer = await ctx.bus.producer();
  const positions = new Map<string, PartitionPosition>();
  const counted = new CountedMentions({
    store: ctx.state,
    prefix: config.topicPrefix,
    latenessMs: config.aggregate.latenessMs,
  });
  const deltas = new CoalescedInsert({
    storage,
    table: DELTAS_TABLE,
    minIntervalMs: config.aggregate.minInsertIntervalMs,
    maxRows: 50_000,
    stampColumn: "inserted_at",
    tokenColumn: "insert_token",
    onInsertError: () => metrics.clickhouseInsertErrors.inc({ stage: STAGE, table: DELTAS_TABLE }),
  });

  const resume = async (topic: string, partition: number): Promise<PartitionPosition> => {
    const stored = await storedPosition(storage, topic, partition);
    const lastInsert = await completeRollups(storage, stored);
    ctx.logger.info(
      {
        stage: STAGE,
        topic,
        partition,
        nextOffset: String(stored.nextOffset),
        watermark: stored.watermark,
        lastInsertResent: lastInsert === "sent",
      },
      "resuming windows",
    );
    return {
      windows: new PartitionWindows({
        allowedLatenessMs: config.aggregate.latenessMs,
        restoredWatermark: stored.watermark,
        clock,
      }),
      nextOffset: stored.nextOffset,
    };
  };

  const onBatch = async (batch: RecordBatch) => {
    const first = batch.records[0];
    const last = batch.records[batch.records.length - 1];
    if (!first || !last) return;
    const key = `${batch.topic}:${batch.partition}`;
    const known = positions.get(key);
    // Forgotten until this batch's insert is acknowledged: after a failure the next batch resumes
    // from what ClickHouse holds, not from an accumulator that saw uninserted records.
    positions.delete(key);
    const position =
      known && known.nextOffset === BigInt(first.offset) ? known : await resume(batch.topic, batch.partition);

    const records = batch.records.filter((record) => BigInt(record.offset) >= position.nextOffset);
    metrics.duplicates.inc({ stage: STAGE }, batch.records.length - records.length);
    const firstFresh = records[0];
    if (!firstFresh) {
      positions.set(key, position);
      return;
    }
    // A mention that reached the tagged topic without normalise's bounds (a time in the future)
    // is refused here: it would otherwise hold a window open forever.
    const decoded = await decodeBatch(ctx, STAGE, { ...batch, records }, (record) => {
      const item = codec.decode<TaggedMention>(record.value, contracts.TaggedMention);
      throwIfRejected(eventTimeProblem(item.mention.eventTime, clock()));
      return item;
    });
    const firstCopy = await counted.firstCopies(
      batch.topic,
      batch.partition,
      decoded.values.map((item, i) => ({
        offset: (decoded.records[i] as IncomingRecord).offset,
        platform: item.mention.platform,
        id: item.mention.id,
      })),
    );
    const fresh = {
      values: decoded.values.filter((_, i) => firstCopy[i]),
      records: decoded.records.filter((_, i) => firstCopy[i]),
    };
    metrics.duplicates.inc({ stage: STAGE }, decoded.values.length - fresh.values.length);
    const added = mapIsolated(ctx, STAGE, batch, fresh, (item) => position.windows.add(item));
    const aggregated = added.values.filter(Boolean).length;
    const range = {
      topic: batch.topic,
      partition: batch.partition,
      firstOffset: firstFresh.offset,
      lastOffset: last.offset,
    };
    const flushed = position.windows.flush();
    await Promise.all([
      deltas.insert(
        windowDeltaRows(flushed, range, Date.now()),
        `${range.topic}:${range.partition}:${range.firstOffset}-${range.lastOffset}`,
      ),
      producer.send(deadLetters, [...decoded.failed, ...added.failed]),
    ]);
    positions.set(key, { windows: position.windows, nextOffset: BigInt(last.offset) + 1n });
    metrics.lateEvents.inc({ stage: STAGE }, added.values.length - aggregated);
    metrics.eventsOut.inc({ stage: STAGE, target: DELTAS_TABLE }, aggregated);
    if (flushed.watermark !== null) {
      metrics.windowWatermark.set({ topic: batch.topic, partition: String(batch.partition) }, flushed.watermark / 1000);
    }
  };

  const consumer = await ctx.bus.consume({
    groupId: options.groupId ?? `${config.topicPrefix}simak-aggregate`,
    topics: [source],
    onBatch: instrumented(ctx, STAGE, onBatch),
    // Its batches already wait for the next insert (every SIMAK_AGGREGATE_MIN_INSERT_INTERVAL_MS);
    // a fetch that also waited at the broker made produce-to-counted slower (docs/scaling.md).
    fetchMinBytes: 1,
  });
  ctx.logger.info(
    { stage: STAGE, source, storage: storage.kind, latenessMs: config.aggregate.latenessMs },
    "stage started",
  );
  return {
    name: STAGE,
    healthy: () => consumer.healthy(),
    stop: async () => {
      await consumer.stop();
      await producer.close();
      await storage.close();
    },
  };
}
