/**
 * The production bus on kafkajs. Consumers run with auto-commit off: a partition's offsets are
 * committed right after the stage's batch handler resolves (its downstream write acknowledged), so
 * a crash redelivers at most the batches in flight. Producers wait for acks from all in-sync
 * replicas. Keys go where the Java client's default partitioner puts them (murmur2, partition.ts).
 *
 * A consumer is unhealthy after a crash until it rejoins, and while a partition is stuck: failed
 * `unhealthyAfterFailures` times in a row on the same offset (runtime/bus/stuck-partitions.ts), which
 * a rejoin does not reset.
 */
import kafkajs from "kafkajs";
import type { Logger } from "../logger.js";
import type { PipelineMetrics } from "../metrics.js";
import { sleep } from "../retry.js";
import type {
  Bus,
  ConsumeOptions,
  ConsumerHandle,
  OutgoingRecord,
  PartitionProgress,
  ProducerHandle,
  TopicDeclaration,
} from "./bus.js";
import "./kafkajs-request-queue.js";
import { keyPartitioner } from "./partition.js";
import { StuckPartitions } from "./stuck-partitions.js";

const { Kafka, logLevel } = kafkajs;

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** Failures in a row of a batch at one offset after which the consumer reports unhealthy. */
  unhealthyAfterFailures: number;
  /** How long the group waits for a silent member before rebalancing its partitions; default 30 s. */
  sessionTimeoutMs?: number;
  /** The least data a fetch waits for at the broker, and for how long at most; default 1 byte, 100 ms. */
  fetchMinBytes?: number;
  fetchMaxWaitMs?: number;
  /** For simak_consumer_stuck and simak_consumer_failures_total. */
  metrics?: PipelineMetrics;
}

function pinoLogCreator(logger: Logger): kafkajs.logCreator {
  const child = logger.child({ component: "kafkajs" });
  return () =>
    ({ level, log }) => {
      const { message, ...extra } = log;
      // kafkajs logs every CreateTopics response with errors, including "already exists" from
      // instances starting together, which it then treats as success; real failures reach the caller.
      if (extra.error === "Topic creation errors") child.debug(extra, message);
      else if (level === logLevel.ERROR) child.error(extra, message);
      else if (level === logLevel.WARN) child.warn(extra, message);
      else if (level === logLevel.INFO) child.debug(extra, message);
    };
}

function toMessages(records: OutgoingRecord[]): kafkajs.Message[] {
  return records.map((record) => ({ key: record.key, value: record.value, headers: record.headers }));
}

/**
 * Bytes of records per produce request. The broker refuses a partition's record batch above
 * message.max.bytes (1 MiB by default), and a stage's output can outgrow the batch it consumed (a
 * tagged mention is larger than the raw one), so large sends go out as several requests, in order.
 */
export const MAX_REQUEST_BYTES = 512 * 1024;

function recordBytes(record: OutgoingRecord): number {
  let bytes = 64 + Buffer.byteLength(record.key) + record.value.length;
  for (const [name, value] of Object.entries(record.headers ?? {})) bytes += name.length + String(value).length;
  return bytes;
}

/** The topics' records in order, cut into requests of at most MAX_REQUEST_BYTES (a larger record alone). */
export function produceRequests(batches: { topic: string; records: OutgoingRecord[] }[]): kafkajs.TopicMessages[][] {
  const requests: kafkajs.TopicMessages[][] = [];
  let request = new Map<string, OutgoingRecord[]>();
  let bytes = 0;
  const close = () => {
    if (request.size === 0) return;
    requests.push([...request].map(([topic, records]) => ({ topic, messages: toMessages(records) })));
    request = new Map();
    bytes = 0;
  };
  for (const { topic, records } of batches) {
    for (const record of records) {
      const size = recordBytes(record);
      if (bytes + size > MAX_REQUEST_BYTES) close();
      const list = request.get(topic) ?? [];
      list.push(record);
      request.set(topic, list);
      bytes += size;
    }
  }
  close();
  return requests;
}

/** Tries of creating topics the broker reports it does not host yet (see ensureTopics). */
const ENSURE_TOPICS_ATTEMPTS = 5;

/** How long after kafkajs gives a consumer up a new one joins the group. */
const REPLACE_CONSUMER_AFTER_MS = 2_000;

export class KafkaBus implements Bus {
  readonly kind = "kafka" as const;
  private readonly kafka: kafkajs.Kafka;
  private readonly producers: kafkajs.Producer[] = [];
  /** Connected at the first progress() call and kept: a stage asks on every poll. */
  private admin: Promise<kafkajs.Admin> | null = null;

  constructor(private readonly options: KafkaBusOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.INFO,
      logCreator: pinoLogCreator(options.logger),
      retry: { initialRetryTime: 200, retries: 10 },
    });
  }

  async ensureTopics(topics: TopicDeclaration[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      for (let attempt = 1; ; attempt++) {
        const existing = new Set(await admin.listTopics());
        const missing = topics.filter((topic) => !existing.has(topic.name));
        if (missing.length === 0) return;
        try {
          // Topics another instance created meanwhile count as created (kafkajs ignores TOPIC_ALREADY_EXISTS).
          await admin.createTopics({
            waitForLeaders: true,
            topics: missing.map((topic) => ({
              topic: topic.name,
              numPartitions: topic.partitions,
              configEntries: [{ name: "retention.ms", value: String(topic.retentionMs) }],
            })),
          });
          return;
        } catch (error) {
          // While it waits for the new topics' leaders, kafkajs retries LEADER_NOT_AVAILABLE only; a
          // busy broker may first answer that it does not host a partition it has just created.
          if ((error as { type?: string }).type !== "UNKNOWN_TOPIC_OR_PARTITION" || attempt >= ENSURE_TOPICS_ATTEMPTS)
            throw error;
          await sleep(500 * attempt);
        }
      }
    } finally {
      await admin.disconnect();
    }
  }

  async producer(): Promise<ProducerHandle> {
    const producer = this.kafka.producer({
      createPartitioner: keyPartitioner,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    this.producers.push(producer);
    return {
      send: async (topic, records) => {
        for (const topicMessages of produceRequests([{ topic, records }]))
          await producer.sendBatch({ acks: -1, topicMessages });
      },
      sendMany: async (batches) => {
        for (const topicMessages of produceRequests(batches)) await producer.sendBatch({ acks: -1, topicMessages });
      },
      close: async () => {
        await producer.disconnect();
        this.producers.splice(this.producers.indexOf(producer), 1);
      },
    };
  }

  async consume(options: ConsumeOptions): Promise<ConsumerHandle> {
    let joined = true;
    const log = this.options.logger.child({ group: options.groupId });
    const stuck = new StuckPartitions({
      unhealthyAfter: this.options.unhealthyAfterFailures,
      group: options.groupId,
      stuck: this.options.metrics?.consumerStuck,
      failures: this.options.metrics?.consumerFailures,
    });
    // Stopping: no new batch is started (one fetched meanwhile is left uncommitted for the
    // successor), and stop() waits for the batches in flight to finish and commit.
    let stopping = false;
    let inFlight = 0;
    let onIdle: (() => void) | undefined;
    let consumer: kafkajs.Consumer;
    /** Partitions already moved to their start offset: a later rebalance keeps the group's position. */
    const started = new Set<string>();
    const handle = async (
      batch: kafkajs.Batch,
      resolveOffset: (offset: string) => void,
      heartbeat: () => Promise<void>,
    ): Promise<void> => {
      await options.onBatch({
        topic: batch.topic,
        partition: batch.partition,
        highWatermark: batch.highWatermark,
        records: batch.messages.map((message) => ({
          key: message.key,
          value: message.value,
          offset: message.offset,
          timestamp: message.timestamp,
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([name, value]) => [name, value?.toString()]),
          ),
        })),
      });
      const last = batch.lastOffset();
      resolveOffset(last);
      await consumer.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
      ]);
      stuck.committed(batch.topic, batch.partition);
      await heartbeat();
    };
    /**
     * Joins the group with a new kafkajs consumer. kafkajs restarts a consumer that crashed on a
     * retriable error itself; one it gives up on (a member the group evicted while its handler kept
     * failing past the session timeout: "the coordinator is not aware of this member") is
     * replaced here, so a stage outlives a long outage of what its handler writes to.
     */
    const sessionTimeoutMs = this.options.sessionTimeoutMs ?? 30_000;
    const start = async (): Promise<void> => {
      consumer = this.kafka.consumer({
        groupId: options.groupId,
        allowAutoTopicCreation: false,
        minBytes: options.fetchMinBytes ?? this.options.fetchMinBytes ?? 1,
        maxWaitTimeInMs: this.options.fetchMaxWaitMs ?? 100,
        sessionTimeout: sessionTimeoutMs,
        heartbeatInterval: sessionTimeoutMs / 10,
      });
      consumer.on(consumer.events.CRASH, (event) => {
        joined = false;
        log.error({ err: event.payload.error, restart: event.payload.restart }, "consumer crashed");
        if (!event.payload.restart && !stopping) replace();
      });
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        joined = true;
        stuck.assigned(event.payload.memberAssignment);
        // Seeking here (synchronously, before the first fetch of the assignment) replaces the
        // committed position; kafkajs resets an offset out of range to the earliest (fromBeginning).
        for (const [topic, partitions] of Object.entries(event.payload.memberAssignment)) {
          for (const partition of partitions) {
            const id = `${topic}/${partition}`;
            const offset = options.startOffsets?.get(id);
            if (offset === undefined || started.has(id)) continue;
            started.add(id);
            consumer.seek({ topic, partition, offset });
          }
        }
      });
      await consumer.connect();
      await consumer.subscribe({ topics: options.topics, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.concurrency ?? 6,
        eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
          if (stopping || batch.messages.length === 0) return;
          inFlight++;
          try {
            await handle(batch, resolveOffset, heartbeat);
          } catch (error) {
            const offset = batch.firstOffset() ?? "";
            if (stuck.failed(batch.topic, batch.partition, offset)) {
              log.error(
                { err: error, topic: batch.topic, partition: batch.partition, offset },
                `batch failed ${this.options.unhealthyAfterFailures} times in a row at the same offset; unhealthy until it is committed`,
              );
            }
            throw error;
          } finally {
            inFlight--;
            if (inFlight === 0) onIdle?.();
          }
        },
      });
    };
    const replace = () => {
      setTimeout(() => {
        if (stopping) return;
        log.warn("replacing the consumer kafkajs gave up on");
        start().catch((error: unknown) => {
          log.error({ err: error }, "starting a new consumer failed; trying again");
          replace();
        });
      }, REPLACE_CONSUMER_AFTER_MS);
    };
    await start();
    return {
      stop: async () => {
        stopping = true;
        try {
          consumer.pause(options.topics.map((topic) => ({ topic })));
        } catch {
          // A consumer that crashed is not running: there is nothing to pause.
        }
        if (inFlight > 0) {
          await new Promise<void>((resolve) => {
            onIdle = resolve;
          });
        }
        await consumer.disconnect();
      },
      healthy: () => joined && stuck.stuck().length === 0,
    };
  }

  async progress(groupId: string, topic: string): Promise<PartitionProgress[]> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      this.admin = admin.connect().then(() => admin);
      // A failed connect is not kept: the next call tries again.
      this.admin.catch(() => {
        this.admin = null;
      });
    }
    const admin = await this.admin;
    const [committed, ends] = await Promise.all([
      admin.fetchOffsets({ groupId, topics: [topic] }),
      admin.fetchTopicOffsets(topic),
    ]);
    const done = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
    return ends
      .map(({ partition, high }) => ({
        partition,
        committed: Number(done.find((entry) => entry.partition === partition)?.offset ?? "-1"),
        end: Number(high),
      }))
      .sort((a, b) => a.partition - b.partition);
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    await Promise.all([
      ...this.producers.map((producer) => producer.disconnect()),
      admin?.then(
        (connected) => connected.disconnect(),
        () => undefined,
      ),
    ]);
  }
}
