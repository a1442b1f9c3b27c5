/**
 * The Kafka bus on the real broker: keyed partitioning like the Java client, offsets committed only
 * after the batch handler resolves, redelivery after a failed handler, and a restarted consumer
 * resuming after the last committed record.
 */
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import type { ConsumerHandle, RecordBatch } from "../../../runtime/bus/bus.js";
import { KafkaBus } from "../../../runtime/bus/kafka-bus.js";
import { partitionFor } from "../../../runtime/bus/partition.js";
import { SERVICES, uniquePrefix, waitFor } from "../../support/services.js";

const bus = new KafkaBus({ brokers: [SERVICES.kafkaBrokers], clientId: "bus-test", logger: pino({ level: "silent" }) });

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
    const first = await bus.consume({ groupId: `${prefix}g`, topics: [topic], onBatch });
    consumers.push(first);
    await waitFor("every record handled", async () => (new Set(handled).size === 60 ? true : undefined), 60_000);
    for (const key of keys) expect(partitionOf.get(key)).toBe(partitionFor(topic, key, 3));
    expect(failures).toBe(1);
    await first.stop();
    consumers.pop();

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
});
