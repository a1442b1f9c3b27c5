/**
 * What a stage gets to work with: configuration, logs, metrics and the adapters (bus, state,
 * storage, Avro codec) chosen by the configuration. Stages see only these interfaces, so the same
 * stage code runs embedded and against Kafka, Redis and a ClickHouse server.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
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

/**
 * The largest record (key and value) a stage produces. The broker refuses a record batch over
 * message.max.bytes (1 MiB by default, and kafka-bus sends a larger record alone), which is a
 * non-retriable error: a record that would exceed it must never reach the producer. The margin
 * leaves room for the batch's and the record's framing.
 */
export const MAX_RECORD_BYTES = 1_000_000;
/** How much of a failed record's value a dead letter keeps: enough to see what it was. */
export const DEAD_LETTER_VALUE_BYTES = 64 * 1024;
const DEAD_LETTER_KEY_BYTES = 1024;
const DEAD_LETTER_REASON_CHARS = 4096;

/**
 * Encodes a value of topic `id`'s contract in the wire format with the registered schema id.
 * Throws RECORD_TOO_LARGE for a record the broker would refuse.
 */
export function encodeFor(ctx: PipelineContext, id: TopicId, key: string, value: unknown): OutgoingRecord {
  const encoded = ctx.codec.encode(ctx.schemaIds[id], contracts[TOPICS[id].value], value);
  const bytes = Buffer.byteLength(key) + encoded.length;
  if (bytes > MAX_RECORD_BYTES) {
    throw new SimakError(
      ErrorCode.RecordTooLarge,
      `a ${TOPICS[id].value} record of ${bytes} bytes exceeds the ${MAX_RECORD_BYTES} bytes the broker takes`,
    );
  }
  return { key, value: encoded };
}

/** The first `max` bytes of `bytes`, and a note of what was cut (empty if nothing). */
function truncated(bytes: Buffer | null, max: number, what: string): { copy: Buffer | null; note: string } {
  if (bytes === null || bytes.length <= max) return { copy: bytes, note: "" };
  return { copy: bytes.subarray(0, max), note: `; ${what} truncated from ${bytes.length} to ${max} bytes` };
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

/**
 * A dead-letter record; counted and logged here so every stage reports them the same way. The
 * key, value and reason it carries are truncated so that it always fits the broker's limit.
 */
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
  const key = truncated(input.key, DEAD_LETTER_KEY_BYTES, "key");
  const value = truncated(input.value, DEAD_LETTER_VALUE_BYTES, "value");
  const reason = input.reason.slice(0, DEAD_LETTER_REASON_CHARS) + key.note + value.note;
  const sourceTopic = input.sourceTopic.slice(0, DEAD_LETTER_KEY_BYTES);
  return encodeFor(ctx, "deadLetter", `${sourceTopic}:${input.partition}:${input.offset}`, {
    ...input,
    sourceTopic,
    key: key.copy,
    value: value.copy,
    reason,
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

/** Values taken from a batch's records, each with its record; those that failed as dead letters. */
export interface PerRecord<T> {
  values: T[];
  /** The record each value came from (same index). */
  records: IncomingRecord[];
  failed: OutgoingRecord[];
}

function eachIsolated<T, R>(
  ctx: PipelineContext,
  stage: string,
  batch: RecordBatch,
  items: { value: T; record: IncomingRecord }[],
  fn: (value: T, record: IncomingRecord) => R,
  fallbackCode: string,
): PerRecord<R> {
  const out: PerRecord<R> = { values: [], records: [], failed: [] };
  for (const { value, record } of items) {
    try {
      out.values.push(fn(value, record));
      out.records.push(record);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      out.failed.push(deadLetterOf(ctx, stage, batch, record, errorCodeOf(error, fallbackCode), reason));
    }
  }
  return out;
}

/** Records decoded between two turns of the event loop. */
const DECODED_PER_TURN = 256;

/**
 * Decodes every record of a batch with `decode` (after resolving its writer schemas); a record
 * that fails becomes a dead letter with the error's code and message, and the batch goes on.
 * `decode` may throw a SimakError with its own code (e.g. a validation failure). The event loop
 * turns every DECODED_PER_TURN records: in the store process, three stages decode every tagged
 * mention and a batch decoded in one go held the others (and the dashboard) for a while (bench:full).
 */
export async function decodeBatch<T>(
  ctx: PipelineContext,
  stage: string,
  batch: RecordBatch,
  decode: (record: IncomingRecord) => T,
): Promise<PerRecord<T>> {
  await ctx.codec.prepare(batch.records.map((record) => record.value));
  const out: PerRecord<T> = { values: [], records: [], failed: [] };
  for (let start = 0; start < batch.records.length; start += DECODED_PER_TURN) {
    if (start > 0) await nextTurn();
    const items = batch.records.slice(start, start + DECODED_PER_TURN).map((record) => ({ value: record, record }));
    const part = eachIsolated(ctx, stage, batch, items, decode, ErrorCode.SchemaViolation);
    out.values.push(...part.values);
    out.records.push(...part.records);
    out.failed.push(...part.failed);
  }
  return out;
}

/**
 * The next step of a batch's records, one record at a time: a value whose `fn` throws becomes a
 * dead letter (the error's code, RECORD_FAILED for an unexpected error) and is left out, and the
 * others go on. For work on the record's own data only: a failing store or broker must fail the
 * batch (to be retried), never dead-letter good records, so I/O stays outside `fn`.
 */
export function mapIsolated<T, R>(
  ctx: PipelineContext,
  stage: string,
  batch: RecordBatch,
  input: { values: T[]; records: IncomingRecord[] },
  fn: (value: T, record: IncomingRecord) => R,
): PerRecord<R> {
  const items = input.values.map((value, i) => ({ value, record: input.records[i] as IncomingRecord }));
  return eachIsolated(ctx, stage, batch, items, fn, ErrorCode.RecordFailed);
}
