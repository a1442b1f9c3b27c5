// Readiness probe used by deploy/local/kafka.sh: a real metadata request with
// kafkajs, then a FindCoordinator (describeGroups) so that __consumer_offsets
// exists and its coordinator is loaded before tests create consumer groups, and
// an idempotent producer's InitProducerId (answered only once the transaction
// coordinator has loaded). Without this, the first test clients log
// "coordinator is loading / not available" errors while kafkajs retries.
// Usage: node deploy/local/kafka/probe.cjs HOST:PORT [timeoutMs]
"use strict";
const { Kafka, logLevel } = require("kafkajs");

const broker = process.argv[2];
const timeoutMs = Number(process.argv[3] || 60000);
const kafka = new Kafka({
  clientId: "local-kafka-probe",
  brokers: [broker],
  logLevel: logLevel.NOTHING,
  retry: { retries: 30, initialRetryTime: 200, maxRetryTime: 2000 },
});

async function main() {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    await admin.listTopics();
    await admin.describeGroups(["__local_probe"]);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.disconnect();
    console.log(`cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s), controller ${cluster.controller}`);
  } finally {
    await admin.disconnect();
  }
}

const timer = setTimeout(() => {
  console.error(`kafka probe: no answer from ${broker} within ${timeoutMs} ms`);
  process.exit(2);
}, timeoutMs);
main().then(
  () => {
    clearTimeout(timer);
    process.exit(0);
  },
  (err) => {
    console.error(`kafka probe failed: ${err?.message}`);
    process.exit(1);
  },
);
