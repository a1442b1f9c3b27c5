/**
 * Which partitions a consumer keeps failing on: a batch handler that fails again and again on the
 * same offset (a poison pill, a downstream that stays down) would otherwise look healthy between
 * rejoins. After `unhealthyAfter` failures in a row at one (topic, partition, offset) the
 * partition counts as stuck, until a batch of it is committed or it is assigned elsewhere.
 */
import type { Counter, Gauge } from "prom-client";

export interface StuckPartitionsOptions {
  unhealthyAfter: number;
  group: string;
  /** simak_consumer_stuck{group,topic,partition}: 1 while stuck. */
  stuck?: Gauge<"group" | "topic" | "partition">;
  /** simak_consumer_failures_total{group,topic,partition}: every failed batch. */
  failures?: Counter<"group" | "topic" | "partition">;
}

export class StuckPartitions {
  /** Per "topic/partition": the offset of the last failed batch and how often it failed in a row. */
  private readonly failing = new Map<string, { topic: string; partition: number; offset: string; count: number }>();

  constructor(private readonly options: StuckPartitionsOptions) {}

  /** Records a failed batch starting at `offset`; true when this made the partition stuck. */
  failed(topic: string, partition: number, offset: string): boolean {
    const id = `${topic}/${partition}`;
    const last = this.failing.get(id);
    const count = last && last.offset === offset ? last.count + 1 : 1;
    this.failing.set(id, { topic, partition, offset, count });
    const labels = this.labels(topic, partition);
    this.options.failures?.inc(labels);
    if (count < this.options.unhealthyAfter) return false;
    this.options.stuck?.set(labels, 1);
    return count === this.options.unhealthyAfter;
  }

  /** A batch of the partition was committed: it moves again. */
  committed(topic: string, partition: number): void {
    if (this.failing.delete(`${topic}/${partition}`)) this.options.stuck?.set(this.labels(topic, partition), 0);
  }

  /** After a rebalance: partitions this member no longer owns are another member's concern. */
  assigned(assignment: Record<string, number[]>): void {
    for (const { topic, partition } of [...this.failing.values()]) {
      if (!assignment[topic]?.includes(partition)) this.committed(topic, partition);
    }
  }

  /** The stuck partitions, as "topic/partition@offset". */
  stuck(): string[] {
    return [...this.failing.values()]
      .filter((entry) => entry.count >= this.options.unhealthyAfter)
      .map((entry) => `${entry.topic}/${entry.partition}@${entry.offset}`);
  }

  private labels(topic: string, partition: number) {
    return { group: this.options.group, topic, partition: String(partition) };
  }
}
