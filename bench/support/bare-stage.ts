/**
 * One process of the bare topology (bench/support/bare-topology.ts): kafkajs consumers that do no
 * stage work. Each reads its topics as a group of its own, copies a share of what it reads to the
 * topic its stage writes (the same key and bytes), and commits after the copies are acknowledged,
 * as the stages do, fetching as the stages' Kafka bus does. SIGTERM disconnects and exits.
 *
 *   node --import tsx bench/support/bare-stage.ts '<JSON BareFlow[]>'
 */
import kafkajs from "kafkajs";
import "../../runtime/bus/kafkajs-request-queue.js";
import { loadConfig } from "../../runtime/config.js";
import type { BareFlow } from "./bare-topology.js";
import { kafka } from "./passthrough.js";

const flows = JSON.parse(process.argv[2] ?? "[]") as BareFlow[];
// The stages' fetch settings (runtime/bus/kafka-bus.ts), from the environment the stages also see.
const { fetchMinBytes, fetchMaxWaitMs } = loadConfig().consumer;
const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
await producer.connect();
const consumers = await Promise.all(
  flows.map(async (flow) => {
    const consumer = kafka.consumer({
      groupId: flow.groupId,
      minBytes: flow.fetchMinBytes ?? fetchMinBytes,
      maxWaitTimeInMs: fetchMaxWaitMs,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: flow.topics, fromBeginning: true });
    /** Records read so far: a share s copies the n-th record when floor(n s) steps up. */
    let read = 0;
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 6,
      eachBatch: async ({ batch }) => {
        if (flow.copyTo) {
          const share = flow.copyShare ?? 1;
          const messages = batch.messages.filter(() => {
            read += 1;
            return Math.floor(read * share) > Math.floor((read - 1) * share);
          });
          if (messages.length)
            await producer.send({
              topic: flow.copyTo,
              acks: -1,
              messages: messages.map((m) => ({ key: m.key, value: m.value })),
            });
        }
        await consumer.commitOffsets([
          { topic: batch.topic, partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() },
        ]);
      },
    });
    return consumer;
  }),
);
process.once("SIGTERM", () => {
  Promise.all([...consumers.map((c) => c.disconnect()), producer.disconnect()]).finally(() => process.exit(0));
});
