import pino from "pino";
import { describe, expect, it } from "vitest";
import type { RecordBatch } from "../../../runtime/bus/bus.js";
import { MemoryBus } from "../../../runtime/bus/memory-bus.js";
import { partitionFor } from "../../../runtime/bus/partition.js";

const logger = pino({ level: "silent" });

async function busWith(partitions: number): Promise<MemoryBus> {
  const bus = new MemoryBus(logger);
  await bus.ensureTopics([{ name: "t", partitions, retentionMs: 1000 }]);
  return bus;
}

function records(keys: string[]) {
  return keys.map((key, i) => ({ key, value: Buffer.from(`${key}#${i}`) }));
}

describe("memory bus", () => {
  it("places keys on the partitions Kafka's default partitioner chooses", () => {
    // Reference partitions computed with the Java client's Utils.murmur2 (kafka-clients 4.1.1) for 6 partitions.
    const reference = { "x:1": 1, "x:2": 2, "news:abc": 1, "tiktok:7300000000000000001": 1, "facebook:9": 3 };
    for (const [key, partition] of Object.entries(reference)) expect(partitionFor(key, 6)).toBe(partition);
    const spread = new Set(Array.from({ length: 100 }, (_, i) => partitionFor(`x:${i}`, 6)));
    expect(spread.size).toBe(6);
  });

  it("delivers every record once, in order per key, and commits after the handler resolves", async () => {
    const bus = await busWith(3);
    const producer = await bus.producer();
    const keys = Array.from({ length: 300 }, (_, i) => `k${i % 17}`);
    await producer.send("t", records(keys));
    const seen: string[] = [];
    const partitionsOfKey = new Map<string, Set<number>>();
    const consumer = await bus.consume({
      groupId: "g",
      topics: ["t"],
      onBatch: async (batch: RecordBatch) => {
        for (const record of batch.records) {
          const key = String(record.key);
          seen.push(String(record.value));
          partitionsOfKey.set(key, (partitionsOfKey.get(key) ?? new Set()).add(batch.partition));
        }
      },
    });
    await bus.drained();
    await consumer.stop();
    expect(seen).toHaveLength(300);
    expect(new Set(seen).size).toBe(300);
    for (const partitions of partitionsOfKey.values()) expect(partitions.size).toBe(1);
    const orderOfK0 = seen.filter((value) => value.startsWith("k0#")).map((value) => Number(value.split("#")[1]));
    expect(orderOfK0).toEqual([...orderOfK0].sort((a, b) => a - b));
  });

  it("redelivers a failed batch from the last committed offset", async () => {
    const bus = await busWith(1);
    const producer = await bus.producer();
    await producer.send("t", records(["a", "b", "c"]));
    let attempts = 0;
    const delivered: string[][] = [];
    const consumer = await bus.consume({
      groupId: "g",
      topics: ["t"],
      onBatch: async (batch) => {
        attempts++;
        delivered.push(batch.records.map((record) => String(record.key)));
        if (attempts === 1) throw new Error("downstream unavailable");
      },
    });
    await bus.drained();
    await consumer.stop();
    expect(attempts).toBe(2);
    expect(delivered).toEqual([
      ["a", "b", "c"],
      ["a", "b", "c"],
    ]);
    expect(await bus.progress("g", "t")).toEqual([{ partition: 0, committed: 3, end: 3 }]);
    expect(await bus.progress("another", "t")).toEqual([{ partition: 0, committed: -1, end: 3 }]);
  });

  it("a new member of the group resumes from the committed offset, not the beginning", async () => {
    const bus = await busWith(2);
    const producer = await bus.producer();
    await producer.send("t", records(["a", "b", "c", "d"]));
    let first = 0;
    const c1 = await bus.consume({
      groupId: "g",
      topics: ["t"],
      onBatch: async (b) => {
        first += b.records.length;
      },
    });
    await bus.drained();
    await c1.stop();
    await producer.send("t", records(["e", "f"]));
    let second = 0;
    const c2 = await bus.consume({
      groupId: "g",
      topics: ["t"],
      onBatch: async (b) => {
        second += b.records.length;
      },
    });
    await bus.drained();
    await c2.stop();
    expect([first, second]).toEqual([4, 2]);
  });

  it("splits partitions between members of one group and gives each group every record", async () => {
    const bus = await busWith(4);
    const producer = await bus.producer();
    const perMember = [new Set<number>(), new Set<number>()];
    let otherGroup = 0;
    const members = await Promise.all(
      perMember.map((partitions) =>
        bus.consume({
          groupId: "shared",
          topics: ["t"],
          onBatch: async (batch) => void partitions.add(batch.partition),
        }),
      ),
    );
    const other = await bus.consume({
      groupId: "other",
      topics: ["t"],
      onBatch: async (b) => {
        otherGroup += b.records.length;
      },
    });
    await producer.send("t", records(Array.from({ length: 200 }, (_, i) => `k${i}`)));
    await bus.drained();
    await Promise.all([...members, other].map((consumer) => consumer.stop()));
    expect([...(perMember[0] as Set<number>)].sort()).toEqual([0, 2]);
    expect([...(perMember[1] as Set<number>)].sort()).toEqual([1, 3]);
    expect(otherGroup).toBe(200);
  });

  it("reports unhealthy after N failures at one offset, though other partitions go on, until it is committed", async () => {
    const bus = new MemoryBus(logger, { unhealthyAfterFailures: 3 });
    await bus.ensureTopics([{ name: "t", partitions: 2, retentionMs: 1000 }]);
    const producer = await bus.producer();
    const poisonKey = "x:1";
    const other = Array.from({ length: 50 }, (_, i) => `y:${i}`).find(
      (key) => partitionFor(key, 2) !== partitionFor(poisonKey, 2),
    ) as string;
    await producer.send("t", records([poisonKey, other]));
    let poisoned = true;
    let failures = 0;
    const handled: string[] = [];
    const consumer = await bus.consume({
      groupId: "g",
      topics: ["t"],
      onBatch: async (batch) => {
        if (poisoned && batch.records.some((record) => String(record.key) === poisonKey)) {
          failures++;
          throw new Error("poison");
        }
        handled.push(...batch.records.map((record) => String(record.key)));
      },
    });
    while (failures < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(handled).toEqual([other]);
    expect(consumer.healthy()).toBe(true);
    // More records on the healthy partition keep succeeding meanwhile.
    await producer.send("t", records([other]));
    while (failures < 3 || handled.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(handled).toEqual([other, other]);
    expect(consumer.healthy()).toBe(false);
    poisoned = false;
    while (!handled.includes(poisonKey)) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(consumer.healthy()).toBe(true);
    await consumer.stop();
  });
});

describe("memory bus bounds", () => {
  it("keeps only the latest 10 000 records of a topic no group reads (the embedded dead-letter topic)", async () => {
    const bus = await busWith(1);
    const producer = await bus.producer();
    await producer.send("t", records(Array.from({ length: 25_000 }, (_, i) => `k${i}`)));
    expect(bus.retained().get("t")).toBe(10_000);
    const offsets: string[] = [];
    const consumer = await bus.consume({
      groupId: "late",
      topics: ["t"],
      onBatch: async (batch) => {
        offsets.push(...batch.records.map((record) => record.offset));
      },
    });
    await bus.drained();
    await consumer.stop();
    expect(offsets).toHaveLength(10_000);
    expect(offsets[0]).toBe("15000");
  });

  it("makes a producer wait while a reading group is more than 10 000 records behind", async () => {
    const bus = await busWith(1);
    const producer = await bus.producer();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const consumer = await bus.consume({ groupId: "slow", topics: ["t"], onBatch: () => held });
    await producer.send("t", records(Array.from({ length: 10_000 }, (_, i) => `a${i}`)));
    let sent = false;
    const waiting = producer.send("t", records(["one-too-many"])).then(() => {
      sent = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sent).toBe(false);
    release();
    await waiting;
    expect(sent).toBe(true);
    await bus.drained();
    await consumer.stop();
    expect(bus.retained().get("t")).toBe(0);
  });
});
