/**
 * The embedded default's bus: an in-process partitioned log with consumer groups. Semantics follow
 * Kafka where stages can observe them: keyed partitioning, per-group committed offsets advanced only
 * after a batch handler resolves, redelivery from the committed offset after a failure, and
 * partitions spread over a group's members. Records every group has committed are dropped, so
 * memory stays bounded by consumer lag. A consumer whose batch keeps failing at one offset reports
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
  ProducerHandle,
  TopicDeclaration,
} from "./bus.js";
import { partitionFor } from "./partition.js";
import { StuckPartitions } from "./stuck-partitions.js";

const MAX_BATCH_RECORDS = 2000;
const MAX_RETRY_BACKOFF_MS = 30_000;

class PartitionLog {
  /** Offset of records[0]. */
  private base = 0;
  private records: IncomingRecord[] = [];

  get end(): number {
    return this.base + this.records.length;
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
    const start = Math.max(from, this.base) - this.base;
    return this.records.slice(start, start + max);
  }

  truncateBefore(offset: number): void {
    const newBase = Math.min(offset, this.end);
    if (newBase <= this.base) return;
    this.records = this.records.slice(newBase - this.base);
    this.base = newBase;
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

  private partitions(topic: string): PartitionLog[] {
    const partitions = this.topics.get(topic);
    if (!partitions) throw new Error(`unknown topic ${topic}; declare it with ensureTopics first`);
    return partitions;
  }

  async producer(): Promise<ProducerHandle> {
    const send = async (topic: string, records: OutgoingRecord[]) => {
      const partitions = this.partitions(topic);
      for (const record of records) {
        (partitions[partitionFor(topic, record.key, partitions.length)] as PartitionLog).append(record);
      }
      this.changed.notify();
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

  private truncate(topic: string, partition: number): void {
    const id = `${topic}/${partition}`;
    let min = Number.POSITIVE_INFINITY;
    for (const group of this.groups.values()) {
      if (group.members.some((member) => member.topics.includes(topic))) {
        min = Math.min(min, group.committed.get(id) ?? 0);
      }
    }
    if (Number.isFinite(min)) (this.partitions(topic)[partition] as PartitionLog).truncateBefore(min);
  }

  async close(): Promise<void> {
    this.changed.notify();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
