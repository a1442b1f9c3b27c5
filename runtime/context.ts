/**
 * What a stage gets to work with: configuration, logs, metrics and the adapters (bus, state,
 * storage, Avro codec) chosen by the configuration. Stages see only these interfaces, so the same
 * stage code runs embedded and against Kafka, Redis and a ClickHouse server.
 */
import { contracts } from "../schemas/contracts.js";
import { TOPICS, type TopicId } from "../schemas/topics.js";
import type { Bus, IncomingRecord, OutgoingRecord, RecordBatch } from "./bus/bus.js";
import type { SimakConfig } from "./config.js";
import { ErrorCode, SimakError } from "./errors.js";
import type { Logger } from "./logger.js";
import type { PipelineMetrics } from "./metrics.js";
import type { AvroCodec } from "./serde.js";
import type { StateStore } from "./state/state.js";
import type { Storage } from "./storage/clickhouse.js";

export interface PipelineContext {
  config: SimakConfig;
  logger: Logger;
  metrics: PipelineMetrics;
  bus: Bus;
  state: StateStore;
  codec: AvroCodec;
  /** Schema id registered for each topic's value contract. */
  schemaIds: Record<TopicId, number>;
  /** The migrated storage, opened on first use (only stages that write need it). */
  storage(): Promise<Storage>;
}

export interface StageHandle {
  readonly name: string;
  /** Stops taking input, finishes and acknowledges what is in flight, then releases resources. */
  stop(): Promise<void>;
  healthy(): boolean;
}

export function topicName(config: SimakConfig, id: TopicId): string {
  return `${config.topicPrefix}${TOPICS[id].name}`;
}

/** Encodes a value of topic `id`'s contract in the wire format with the registered schema id. */
export function encodeFor(ctx: PipelineContext, id: TopicId, key: string, value: unknown): OutgoingRecord {
  return { key, value: ctx.codec.encode(ctx.schemaIds[id], contracts[TOPICS[id].value], value) };
}

export interface DeadLetterInput {
  stage: string;
  sourceTopic: string;
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  errorCode: string;
  reason: string;
}

/** A dead-letter record; counted and logged here so every stage reports them the same way. */
export function deadLetter(ctx: PipelineContext, input: DeadLetterInput): OutgoingRecord {
  ctx.metrics.deadLetters.inc({ stage: input.stage, code: input.errorCode });
  ctx.logger.warn(
    {
      stage: input.stage,
      topic: input.sourceTopic,
      partition: input.partition,
      offset: input.offset,
      code: input.errorCode,
    },
    `dead letter: ${input.reason}`,
  );
  return encodeFor(ctx, "deadLetter", `${input.sourceTopic}:${input.partition}:${input.offset}`, {
    ...input,
    failedAt: Date.now(),
  });
}

/**
 * Wraps a stage's batch handler with the metrics every stage reports: events in, batch latency,
 * consumer lag, and errors (the error is rethrown so the bus redelivers the batch).
 */
export function instrumented(
  ctx: PipelineContext,
  stage: string,
  handler: (batch: RecordBatch) => Promise<void>,
): (batch: RecordBatch) => Promise<void> {
  const { metrics } = ctx;
  return async (batch) => {
    const timer = metrics.batchSeconds.startTimer({ stage });
    metrics.eventsIn.inc({ stage, topic: batch.topic }, batch.records.length);
    try {
      await handler(batch);
    } catch (error) {
      metrics.errors.inc({ stage, code: errorCodeOf(error, "BATCH_FAILED") });
      throw error;
    }
    const last = batch.records[batch.records.length - 1];
    if (last) {
      const lag = Number(BigInt(batch.highWatermark) - BigInt(last.offset) - 1n);
      metrics.consumerLag.set({ stage, topic: batch.topic, partition: String(batch.partition) }, lag);
    }
    timer();
  };
}

/** The dead letter for one record of a consumed batch. */
export function deadLetterOf(
  ctx: PipelineContext,
  stage: string,
  batch: RecordBatch,
  record: IncomingRecord,
  errorCode: string,
  reason: string,
): OutgoingRecord {
  return deadLetter(ctx, {
    stage,
    sourceTopic: batch.topic,
    partition: batch.partition,
    offset: Number(record.offset),
    key: record.key,
    value: record.value,
    errorCode,
    reason,
  });
}

export function errorCodeOf(error: unknown, fallback: string): string {
  return error instanceof SimakError ? error.code : fallback;
}

/**
 * Decodes every record of a batch with `decode` (after resolving its writer schemas); a record
 * that fails becomes a dead letter with the error's code and message, and the batch goes on.
 * `decode` may throw a SimakError with its own code (e.g. a validation failure).
 */
export async function decodeBatch<T>(
  ctx: PipelineContext,
  stage: string,
  batch: RecordBatch,
  decode: (record: IncomingRecord) => T,
): Promise<{ values: T[]; failed: OutgoingRecord[] }> {
  await ctx.codec.prepare(batch.records.map((record) => record.value));
  const values: T[] = [];
  const failed: OutgoingRecord[] = [];
  for (const record of batch.records) {
    try {
      values.push(decode(record));
    } catch (error) {
      const code = errorCodeOf(error, ErrorCode.SchemaViolation);
      failed.push(deadLetterOf(ctx, stage, batch, record, code, (error as Error).message));
    }
  }
  return { values, failed };
}
