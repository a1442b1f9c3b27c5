/**
 * The Kafka bus on the real broker: keyed partitioning like the Java client, offsets committed only
 * after the batch handler resolves, redelivery after a failed handler, a restarted consumer
 * resuming after the last committed record, and how long a fetch waits at the broker.
 */
import type kafkajs from "kafkajs";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import type { ConsumerHandle, RecordBatch } from "../../../runtime/bus/bus.js";
import { KafkaBus } from "../../../runtime/bus/kafka-bus.js";
import { partitionFor } from "../../../runtime/bus/partition.js";
import { PipelineMetrics } from "../../../runtime/metrics.js";
import { SERVICES, uniquePrefix, waitFor } from "../../support/services.js";

const metrics = new PipelineMetrics();
const bus = new KafkaBus({
  brokers: [SERVICES.kafkaBrokers],
  clientId: "bus-test",
  logger: pino({ level: "silent" }),
  metrics,
  unhealthyAfterFailures: 3,
});

async function series(name: string, group: string): Promise<number | undefined> {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  return metric?.values.find((value) => value.labels.group === group)?.value;
}

describe("Kafka bus", () => {
  const consumers: ConsumerHandle[] = [];
  afterAll(async () => {
    for (const consumer of consumers) await consumer.stop();
    await bus.close();
  });

  it("commits only handled batches and redelivers the rest", async () => {
    const prefix = uniquePrefix("bus");
    const topic = `${prefix}t`;
    await bus.ensureTopics([{ name: topic, partitions: 3, retentionMs: 3_600_000 }]);
    await bus.ensureTopics([{ name: topic, partitions: 3, retentionMs: 3_600_000 }]);
    const producer = await bus.producer();
    const keys = Array.from({ length: 60 }, (_, i) => `k${i}`);
    await producer.send(
      topic,
      keys.map((key) => ({ key, value: Buffer.from(key) })),
    );

    const partitionOf = new Map<string, number>();
    let failures = 0;
    const handled: string[] = [];
    const onBatch = async (batch: RecordBatch) => {
      if (batch.partition === 0 && failures === 0) {
        failures++;
        throw new Error("downstream unavailable");
      }
      for (const record of batch.records) {
        partitionOf.set(String(record.key), batch.partition);
        handled.push(String(record.value));
      }
    };
    const perPartition = [0, 1, 2].map((partition) => keys.filter((key) => partitionFor(key, 3) === partition).length);
    // Before the group has read anything: nothing committed, the log ends after each partition's records.
    expect(await bus.progress(`${prefix}g`, topic)).toEqual(
      perPartition.map((end, partition) => ({ partition, committed: -1, end })),
    );
    const first = await bus.consume({ groupId: `${prefix}g`, topics: [topic], onBatch });
    consumers.push(first);
    await waitFor("every record handled", async () => (new Set(handled).size === 60 ? true : undefined), 60_000);
    for (const key of keys) expect(partitionOf.get(key)).toBe(partitionFor(key, 3));
    expect(failures).toBe(1);
    await first.stop();
    consumers.pop();
    expect(await bus.progress(`${prefix}g`, topic)).toEqual(
      perPartition.map((end, partition) => ({ partition, committed: end, end })),
    );

    // Everything was committed: a restarted member of the group gets only what is produced next.
    await producer.send(topic, [{ key: "late", value: Buffer.from("late") }]);
    const afterRestart: string[] = [];
    const second = await bus.consume({
      groupId: `${prefix}g`,
      topics: [topic],
      onBatch: async (batch) => {
        for (const record of batch.records) afterRestart.push(String(record.value));
      },
    });
    consumers.push(second);
    await waitFor("the late record", async () => (afterRestart.length > 0 ? true : undefined), 60_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(afterRestart).toEqual(["late"]);
    await producer.close();
  });

  it("reports unhealthy after N failures at the same offset, across rejoins, until it is committed", async () => {
    const prefix = uniquePrefix("stuck");
    const topic = `${prefix}t`;
    const group = `${prefix}g`;
    await bus.ensureTopics([{ name: topic, partitions: 1, retentionMs: 3_600_000 }]);
    const producer = await bus.producer();
    await producer.send(topic, [{ key: "k", value: Buffer.from("good") }]);
    let poisoned = true;
    let failures = 0;
    const handled: string[] = [];
    const consumer = await bus.consume({
      groupId: group,
      topics: [topic],
      onBatch: async (batch) => {
        const values = batch.records.map((record) => String(record.value));
        if (poisoned && values.includes("poison")) {
          failures++;
          throw new Error("cannot handle offset 1");
        }
        handled.push(...values);
      },
    });
    consumers.push(consumer);
    await waitFor("the first record", async () => (handled.length === 1 ? true : undefined), 60_000);
    expect(consumer.healthy()).toBe(true);

    await producer.send(topic, [{ key: "k", value: Buffer.from("poison") }]);
    await waitFor("two failures", async () => (failures >= 2 ? true : undefined), 60_000, 20);
    expect(consumer.healthy()).toBe(true);
    await waitFor("unhealthy", async () => (consumer.healthy() ? undefined : true), 60_000, 20);
    expect(failures).toBeGreaterThanOrEqual(3);
    expect(await series("simak_consumer_stuck", group)).toBe(1);
    // kafkajs gives the batch up after its retries, crashes and rejoins: still unhealthy.
    await waitFor("more failures after a rejoin", async () => (failures >= 8 ? true : undefined), 90_000, 50);
    expect(consumer.healthy()).toBe(false);
    expect(await series("simak_consumer_failures_total", group)).toBe(failures);

    poisoned = false;
    await waitFor("healthy again", async () => (consumer.healthy() ? true : undefined), 90_000, 50);
    expect(handled).toEqual(["good", "poison"]);
    expect(await series("simak_consumer_stuck", group)).toBe(0);
    await producer.close();
  });

  it("fetches wait at the broker for the bus's fetch minimum, or for what the consumer asks", async () => {
    const gathering = new KafkaBus({
      brokers: [SERVICES.kafkaBrokers],
      clientId: "bus-test-gathering",
      logger: pino({ level: "silent" }),
      unhealthyAfterFailures: 3,
      fetchMinBytes: 4096,
      fetchMaxWaitMs: 40,
    });
    const kafka = (gathering as unknown as { kafka: kafkajs.Kafka }).kafka;
    const consumerConfigs: kafkajs.ConsumerConfig[] = [];
    const createConsumer = kafka.consumer.bind(kafka);
    kafka.consumer = (config) => {
      consumerConfigs.push(config);
      return createConsumer(config);
    };
    const prefix = uniquePrefix("gather");
    const topic = `${prefix}t`;
    await gathering.ensureTopics([{ name: topic, partitions: 2, retentionMs: 3_600_000 }]);
    const producer = await gathering.producer();
    await producer.send(
      topic,
      ["a", "b", "c", "d"].map((key) => ({ key, value: Buffer.from(key) })),
    );
    const seen = { gathered: [] as string[], eager: [] as string[] };
    const started = [
      await gathering.consume({
        groupId: `${prefix}gathered`,
        topics: [topic],
        onBatch: async (batch) => {
          seen.gathered.push(...batch.records.map((record) => String(record.value)));
        },
      }),
      await gathering.consume({
        groupId: `${prefix}eager`,
        topics: [topic],
        fetchMinBytes: 1,
        onBatch: async (batch) => {
          seen.eager.push(...batch.records.map((record) => String(record.value)));
        },
      }),
    ];
    try {
      expect(consumerConfigs.map(({ minBytes, maxWaitTimeInMs }) => ({ minBytes, maxWaitTimeInMs }))).toEqual([
        { minBytes: 4096, maxWaitTimeInMs: 40 },
        { minBytes: 1, maxWaitTimeInMs: 40 },
      ]);
      // Four small records never reach 4 096 bytes: the gathering group gets them when the wait ends.
      await waitFor(
        "both groups",
        async () => (seen.gathered.length === 4 && seen.eager.length === 4 ? true : undefined),
        60_000,
      );
      expect(seen.gathered.sort()).toEqual(["a", "b", "c", "d"]);
      expect(seen.eager.sort()).toEqual(["a", "b", "c", "d"]);
    } finally {
      for (const consumer of started) await consumer.stop();
      await producer.close();
      await gathering.close();
    }
  });
});
