/**
 * The ClickHouse sink stage: tagged mentions -> `tagged_mentions`, engagement snapshots ->
 * `engagement_events`, virality assessments -> `post_virality`, alerts -> `alerts`, web analytics
 * events -> `web_events`; removed and edited posts (`simak.mentions.changes`) erase or edit the stored
 * mentions (mention-changes.ts); and every so often the authors' PageRank (author-ranks.ts). A partition's offsets are committed only after the rows of its batch are
 * flushed and acknowledged by ClickHouse (TableWriter resolves the batch's promise then).
 */

import {
  engagementProblem,
  idsProblem,
  textProblem,
  throwIfRejected,
  webEventProblem,
} from "../../processors/normalise/index.js";
import type { IncomingRecord, RecordBatch } from "../../runtime/bus/bus.js";
import type { SimakConfig } from "../../runtime/config.js";
import {
  deadLetterOf,
  decodeBatch,
  instrumented,
  type PerRecord,
  type PipelineContext,
  type StageHandle,
  topicName,
} from "../../runtime/context.js";
import { ErrorCode } from "../../runtime/errors.js";
import { contracts } from "../../schemas/contracts.js";
import type {
  Alert,
  EngagementEvent,
  MentionChange,
  TaggedMention,
  ViralityUpdate,
  WebTrafficEvent,
} from "../../schemas/types.generated.js";
import { scheduleAuthorRanks } from "./author-ranks.js";
import { applyMentionChanges, applyStoredChanges } from "./mention-changes.js";
import {
  alertRow,
  engagementRow,
  type Row,
  type SourcePosition,
  taggedMentionRow,
  viralityRow,
  webEventRow,
} from "./rows.js";
import { TableWriter } from "./table-writer.js";

const STAGE = "sink";

/** The sink's consumer group: the alert stage waits for its commits (pipeline/stages/alert.ts). */
export function sinkGroupId(config: SimakConfig): string {
  return `${config.topicPrefix}simak-sink`;
}

export interface SinkStageOptions {
  groupId?: string;
}

export async function startClickHouseSink(ctx: PipelineContext, options: SinkStageOptions = {}): Promise<StageHandle> {
  const { metrics, codec, config } = ctx;
  const storage = await ctx.storage();
  const mentionsTopic = topicName(config, "mentionsTagged");
  const engagementTopic = topicName(config, "engagementRaw");
  const viralityTopic = topicName(config, "virality");
  const alertsTopic = topicName(config, "alerts");
  const webTopic = topicName(config, "webRaw");
  const changesTopic = topicName(config, "mentionChanges");
  const deadLetters = topicName(config, "deadLetter");
  const producer = await ctx.bus.producer();
  /** Where each buffered row came from, for the dead letter of a row ClickHouse refuses. */
  const origins = new WeakMap<Row, { batch: RecordBatch; record: IncomingRecord }>();
  const onRejected = async (row: Row, reason: string) => {
    const origin = origins.get(row);
    if (!origin) throw new Error(`ClickHouse refused a row of unknown origin: ${reason}`);
    const letter = deadLetterOf(ctx, STAGE, origin.batch, origin.record, ErrorCode.StorageRejected, reason);
    await producer.send(deadLetters, [letter]);
  };

  const writerFor = (
    table: string,
    keyColumns: string[],
    lookupColumn: string,
    timeColumn: string,
    prepare?: (rows: Row[]) => Promise<void>,
  ) =>
    new TableWriter({
      prepare,
      storage,
      table,
      keyColumns,
      lookupColumn,
      timeColumn,
      batchRows: config.sink.batchRows,
      flushMs: config.sink.flushMs,
      minFlushIntervalMs: config.sink.minFlushIntervalMs,
      onFlush: (written, skipped) => {
        metrics.eventsOut.inc({ stage: STAGE, target: table }, written);
        metrics.duplicates.inc({ stage: STAGE }, skipped);
      },
      onInsertError: () => metrics.clickhouseInsertErrors.inc({ stage: STAGE, table }),
      onRejected,
    });
  const routes = new Map<string, { writer: TableWriter; toRow: (value: Buffer | null, at: SourcePosition) => Row }>([
    [
      mentionsTopic,
      {
        writer: writerFor("tagged_mentions", ["platform", "id"], "id", "event_time", (rows) =>
          applyStoredChanges(storage, rows),
        ),
        toRow: (value, at) => taggedMentionRow(codec.decode<TaggedMention>(value, contracts.TaggedMention), at),
      },
    ],
    [
      engagementTopic,
      {
        writer: writerFor("engagement_events", ["platform", "post_id", "event_time"], "post_id", "event_time"),
        toRow: (value, at) => {
          const snapshot = codec.decode<EngagementEvent>(value, contracts.EngagementEvent);
          throwIfRejected(engagementProblem(snapshot, Date.now()));
          return engagementRow(snapshot, at);
        },
      },
    ],
    [
      viralityTopic,
      {
        writer: writerFor("post_virality", ["platform", "post_id", "assessed_at"], "post_id", "assessed_at"),
        toRow: (value, at) => viralityRow(codec.decode<ViralityUpdate>(value, contracts.ViralityUpdate), at),
      },
    ],
    [
      alertsTopic,
      {
        writer: writerFor("alerts", ["id"], "id", "fired_at"),
        toRow: (value, at) => alertRow(codec.decode<Alert>(value, contracts.Alert), at),
      },
    ],
    [
      webTopic,
      {
        writer: writerFor("web_events", ["site", "id"], "id", "event_time"),
        toRow: (value, at) => {
          const event = codec.decode<WebTrafficEvent>(value, contracts.WebTrafficEvent);
          throwIfRejected(webEventProblem(event, Date.now()));
          return webEventRow(event, at);
        },
      },
    ],
  ]);

  // Batches between receipt and handing their rows to a writer. When none is, every batch in
  // flight waits for a flush and no row is on its way: the writers may flush without waiting.
  let preparing = 0;
  /** Removals and edits: rare, applied at once (mutations), recorded before the batch commits. */
  const onChanges = async (batch: RecordBatch) => {
    const { values, failed } = await decodeBatch(ctx, STAGE, batch, (record) => {
      const change = codec.decode<MentionChange>(record.value, contracts.MentionChange);
      throwIfRejected(idsProblem({ postId: change.postId }));
      if (change.text !== null) throwIfRejected(textProblem(change.text));
      return change;
    });
    await applyMentionChanges(storage, values);
    metrics.eventsOut.inc({ stage: STAGE, target: "mention_changes" }, values.length);
    await producer.send(deadLetters, failed);
  };
  const onBatch = async (batch: RecordBatch) => {
    if (batch.topic === changesTopic) return onChanges(batch);
    const route = routes.get(batch.topic);
    if (!route) throw new Error(`sink received a batch of unexpected topic ${batch.topic}`);
    let decoded: PerRecord<Row>;
    preparing++;
    try {
      decoded = await decodeBatch(ctx, STAGE, batch, (record) =>
        route.toRow(record.value, { topic: batch.topic, partition: batch.partition, offset: record.offset }),
      );
    } finally {
      preparing--;
    }
    const { values: rows, records, failed } = decoded;
    rows.forEach((row, i) => {
      origins.set(row, { batch, record: records[i] as IncomingRecord });
    });
    const written = route.writer.write(rows);
    if (preparing === 0) for (const { writer } of routes.values()) writer.flushSoon();
    await Promise.all([written, producer.send(deadLetters, failed)]);
  };

  const consumer = await ctx.bus.consume({
    groupId: options.groupId ?? sinkGroupId(config),
    topics: [mentionsTopic, engagementTopic, viralityTopic, alertsTopic, webTopic, changesTopic],
    onBatch: instrumented(ctx, STAGE, onBatch),
  });
  const ranks =
    config.sink.pagerankIntervalMs > 0
      ? scheduleAuthorRanks(
          { storage, state: ctx.state, prefix: config.topicPrefix, logger: ctx.logger, gauge: ctx.metrics.leader },
          config.sink.pagerankIntervalMs,
        )
      : undefined;
  ctx.logger.info({ stage: STAGE, topics: [...routes.keys()], storage: storage.kind }, "stage started");
  return {
    name: STAGE,
    healthy: () => consumer.healthy(),
    stop: async () => {
      // Batches in flight wait for their rows to be flushed: flush now rather than at the timer, so
      // they finish and commit before the consumer leaves.
      const stopped = consumer.stop();
      await Promise.all([...routes.values()].map((route) => route.writer.flush()));
      await stopped;
      await ranks?.stop();
      await producer.close();
    },
  };
}
