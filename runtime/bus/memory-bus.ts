/**
 * The embedded default's bus: an in-process partitioned log with consumer groups. Semantics follow
 * Kafka where stages can observe them: keyed partitioning, per-group committed offsets advanced only
 * after a batch handler resolves, redelivery from the committed offset after a failure, and
 * partitions spread over a group's members. Records every group has committed are dropped, and
 * producers wait while a reader lags too far behind, so memory stays bounded; a topic no group
 * reads keeps only its latest records. A consumer whose batch keeps failing at one offset reports
 * unhealthy, as on Kafka (stuck-partitions.ts).
 */
import type { Logger } from "../logger.js";
import type { PipelineMetrics } from "../metrics.js";
import type {
  Bus,
  ConsumeOptions,
  ConsumerHandle,
  IncomingRecord,
  OutgoingRecord,
  PartitionProgress,
  ProducerHandle,
  TopicDeclaration,
} from "./bus.js";
import { partitionFor } from "./partition.js";
import { StuckPartitions } from "./stuck-partitions.js";

const MAX_BATCH_RECORDS = 2000;
/** Dropped records are released in chunks of at least this many (and at least half the log). */
const COMPACT_AFTER = 1024;
/**
 * A producer waits while a partition it wrote to holds more records than this that a consuming group
 * has not committed: the embedded pipeline's backpressure (Kafka keeps the lag on disk; in-process
 * it would be heap), so a source faster than its consumers slows down instead of filling memory.
 */
const MAX_UNCOMMITTED_RECORDS = 10_000;
/** A topic no group consumes (the dead-letter topic, embedded) keeps only its latest records, like a retention. */
const UNCONSUMED_RETAINED_RECORDS = 10_000;
const MAX_RETRY_BACKOFF_MS = 30_000;

class PartitionLog {
  /** Offset of records[head]; records before `head` are dropped and wait to be compacted away. */
  private base = 0;
  private head = 0;
  private records: IncomingRecord[] = [];

  get size(): number {
    return this.records.length - this.head;
  }

  get end(): number {
    return this.base + this.size;
  }

  append(record: OutgoingRecord): void {
    const headers: Record<string, string> = { ...record.headers };
    this.records.push({
      key: Buffer.from(record.key),
      value: record.value,
      offset: String(this.end),
      timestamp: String(Date.now()),
      headers,
    });
  }

  read(from: number, max: number): IncomingRecord[] {
    const start = this.head + Math.max(from, this.base) - this.base;
    return this.records.slice(start, start + max);
  }

  /** Drops the records before `offset`: amortised O(1) per record, not a copy of the rest per call. */
  truncateBefore(offset: number): void {
    const newBase = Math.min(offset, this.end);
    if (newBase <= this.base) return;
    this.head += newBase - this.base;
    this.base = newBase;
    if (this.head >= COMPACT_AFTER && this.head * 2 >= this.records.length) {
      this.records = this.records.slice(this.head);
      this.head = 0;
    }
  }
}

/** Wakes every waiter at once; used to wait for "something changed". */
class Signal {
  private waiters: (() => void)[] = [];
  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

interface Member {
  id: number;
  topics: string[];
}

class Group {
  readonly committed = new Map<string, number>();
  readonly members: Member[] = [];

  /** Round-robin assignment of the group's partitions over its members, recomputed on every call. */
  owns(member: Member, partitionIds: string[]): string[] {
    const index = this.members.indexOf(member);
    return partitionIds.filter((_, i) => i % this.members.length === index);
  }
}

export class MemoryBus implements Bus {
  readonly kind = "memory" as const;
  private readonly topics = new Map<string, PartitionLog[]>();
  private readonly groups = new Map<string, Group>();
  private readonly changed = new Signal();
  private nextMemberId = 0;

  constructor(
    private readonly logger: Logger,
    private readonly options: { unhealthyAfterFailures?: number; metrics?: PipelineMetrics } = {},
  ) {}

  async ensureTopics(topics: TopicDeclaration[]): Promise<void> {
    for (const topic of topics) {
      if (!this.topics.has(topic.name)) {
        this.topics.set(
          topic.name,
          Array.from({ length: topic.partitions }, () => new PartitionLog()),
        );
      }
    }
  }

  async progress(groupId: string, topic: string): Promise<PartitionProgress[]> {
    const group = this.groups.get(groupId);
    return this.partitions(topic).map((log, partition) => ({
      partition,
      committed: group?.committed.get(`${topic}/${partition}`) ?? -1,
      end: log.end,
    }));
  }

  private partitions(topic: string): PartitionLog[] {
    const partitions = this.topics.get(topic);
    if (!partitions) throw new Error(`unknown topic ${topic}; declare it with ensureTopics first`);
    return partitions;
  }

  async producer(): Promise<ProducerHandle> {
    const send = async (topic: string, records: OutgoingRecord[]) => {
      const partitions = this.partitions(topic);
      const written = new Set<number>();
      for (const record of records) {
        const partition = partitionFor(record.key, partitions.length);
        (partitions[partition] as PartitionLog).append(record);
        written.add(partition);
      }
      this.changed.notify();
      for (const partition of written) {
        for (;;) {
          const committed = this.slowestCommit(topic, partition);
          const log = partitions[partition] as PartitionLog;
          if (committed === null) {
            if (log.size > 2 * UNCONSUMED_RETAINED_RECORDS) log.truncateBefore(log.end - UNCONSUMED_RETAINED_RECORDS);
            break;
          }
          if (log.end - committed <= MAX_UNCOMMITTED_RECORDS) break;
          await this.changed.wait();
        }
      }
    };
    return {
      send,
      sendMany: async (batches) => {
        for (const batch of batches) await send(batch.topic, batch.records);
      },
      close: async () => undefined,
    };
  }

  /** Resolves when every group has committed every record of the topics it consumes. */
  async drained(): Promise<void> {
    while (!this.isDrained()) await this.changed.wait();
  }

  private isDrained(): boolean {
    for (const group of this.groups.values()) {
      for (const member of group.members) {
        for (const topic of member.topics) {
          for (const [partition, log] of this.partitions(topic).entries()) {
            if ((group.committed.get(`${topic}/${partition}`) ?? 0) < log.end) return false;
          }
        }
      }
    }
    return true;
  }

  async consume(options: ConsumeOptions): Promise<ConsumerHandle> {
    let group = this.groups.get(options.groupId);
    if (!group) {
      group = new Group();
      this.groups.set(options.groupId, group);
    }
    const member: Member = { id: this.nextMemberId++, topics: options.topics };
    group.members.push(member);
    const partitionIds = options.topics.flatMap((topic) =>
      this.partitions(topic).map((_, partition) => `${topic}/${partition}`),
    );
    let running = true;
    const stuck = new StuckPartitions({
      unhealthyAfter: this.options.unhealthyAfterFailures ?? 5,
      group: options.groupId,
      stuck: this.options.metrics?.consumerStuck,
      failures: this.options.metrics?.consumerFailures,
    });
    const stopped = new Signal();
    const stoppedOnce = stopped.wait();
    const inFlight = new Map<string, Promise<void>>();
    const retryAt = new Map<string, { at: number; backoff: number }>();
    const log = this.logger.child({ group: options.groupId, member: member.id });
    const concurrency = options.concurrency ?? Number.POSITIVE_INFINITY;
    const activeGroup = group;
    for (const [id, offset] of options.startOffsets ?? []) {
      if (partitionIds.includes(id)) activeGroup.committed.set(id, Number(offset));
    }

    const startBatch = (id: string) => {
      const [topic, partitionText] = id.split("/") as [string, string];
      const partition = Number(partitionText);
      const partitionLog = this.partitions(topic)[partition] as PartitionLog;
      const from = activeGroup.committed.get(id) ?? 0;
      const records = partitionLog.read(from, MAX_BATCH_RECORDS);
      if (records.length === 0) return;
      const next = Number((records[records.length - 1] as IncomingRecord).offset) + 1;
      const work = options
        .onBatch({ topic, partition, records, highWatermark: String(partitionLog.end) })
        .then(() => {
          activeGroup.committed.set(id, next);
          retryAt.delete(id);
          stuck.committed(topic, partition);
          this.truncate(topic, partition);
        })
        .catch((error: Error) => {
          const backoff = Math.min((retryAt.get(id)?.backoff ?? 50) * 2, MAX_RETRY_BACKOFF_MS);
          retryAt.set(id, { at: Date.now() + backoff, backoff });
          stuck.failed(topic, partition, String(from));
          log.error({ err: error, topic, partition, offset: from, retryInMs: backoff }, "batch failed; will redeliver");
        })
        .finally(() => {
          inFlight.delete(id);
          this.changed.notify();
        });
      inFlight.set(id, work);
    };

    const loop = async () => {
      while (running) {
        let nextRetry = Number.POSITIVE_INFINITY;
        for (const id of activeGroup.owns(member, partitionIds)) {
          if (inFlight.size >= concurrency) break;
          if (inFlight.has(id)) continue;
          const retry = retryAt.get(id);
          if (retry && retry.at > Date.now()) {
            nextRetry = Math.min(nextRetry, retry.at);
            continue;
          }
          startBatch(id);
        }
        const wakeups: Promise<unknown>[] = [this.changed.wait(), stoppedOnce];
        if (Number.isFinite(nextRetry)) wakeups.push(delay(nextRetry - Date.now()));
        await Promise.race(wakeups);
      }
      await Promise.allSettled(inFlight.values());
    };
    const done = loop();

    return {
      stop: async () => {
        running = false;
        stopped.notify();
        await done;
        activeGroup.members.splice(activeGroup.members.indexOf(member), 1);
        this.changed.notify();
      },
      healthy: () => stuck.stuck().length === 0,
    };
  }

  /** The lowest offset committed on the partition by a group with members reading it; null when none reads it. */
  private slowestCommit(topic: string, partition: number): number | null {
    const id = `${topic}/${partition}`;
    let min: number | null = null;
    for (const group of this.groups.values()) {
      if (group.members.some((member) => member.topics.includes(topic))) {
        min = Math.min(min ?? Number.POSITIVE_INFINITY, group.committed.get(id) ?? 0);
      }
    }
    return min;
  }

  private truncate(topic: string, partition: number): void {
    const min = this.slowestCommit(topic, partition);
    if (min !== null) (this.partitions(topic)[partition] as PartitionLog).truncateBefore(min);
  }

  /** Records held per topic (produced and not yet dropped), for benchmarks and tests of its size. */
  retained(): Map<string, number> {
    return new Map([...this.topics].map(([topic, logs]) => [topic, logs.reduce((sum, log) => sum + log.size, 0)]));
  }

  async close(): Promise<void> {
    this.changed.notify();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
