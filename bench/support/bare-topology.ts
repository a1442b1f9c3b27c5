/**
 * The full pipeline's Kafka traffic with no stage work: the ceiling the topology alone sets on two
 * cores. The same topics, consumer groups and processes as bench:full's pipeline, each group a bare
 * kafkajs consumer (bench/support/bare-stage.ts) that copies what its stage would write: the
 * process stage's group every raw mention to the tagged topic, the enrich stage's a share of what
 * it reads to the virality topic (the share the pipeline wrote in the same run). The bench process
 * produces the simulator's events as the ingest stage does: mentions to the raw topic, engagement
 * snapshots to theirs. Copies keep the bytes they read, so a tagged record is as large as its raw
 * one here (the pipeline's are larger).
 */
import { type ChildProcess, spawn } from "node:child_process";
import kafkajs from "kafkajs";
import type { SourceEvent } from "../../runtime/ingestor.js";
import { caughtUp, type GroupTopics, groupsJoined } from "./caught-up.js";
import { createTopics, kafka, machineCpu } from "./passthrough.js";

export interface BareFlow extends GroupTopics {
  /** The topic the group's stage writes, if any, and the share of the records read that it copies there (1: all). */
  copyTo?: string;
  copyShare?: number;
  /** The stage's own fetch minimum, where it sets one (ConsumeOptions.fetchMinBytes). */
  fetchMinBytes?: number;
}

export interface BareProcess {
  name: string;
  flows: BareFlow[];
}

export interface BareResult {
  mentionsPerSecond: number;
  /** Every core's busy CPU (the broker's included) per mention, ms. */
  machineCpuMsPerMention: number;
}

const PRODUCE_CHUNK = 500;

/** Runs `processes` over `events`, whose mentions go to `rawTopic` and snapshots to `engagementTopic`. */
export async function bareTopologyBaseline(options: {
  processes: BareProcess[];
  rawTopic: string;
  engagementTopic: string;
  events: SourceEvent[];
  encode: (event: SourceEvent) => { key: string; value: Buffer } | undefined;
}): Promise<BareResult> {
  const { processes, rawTopic, engagementTopic, events, encode } = options;
  const groups = processes.flatMap((p) => p.flows);
  await createTopics([
    ...new Set(groups.flatMap((flow) => (flow.copyTo ? [...flow.topics, flow.copyTo] : flow.topics))),
  ]);
  const children: ChildProcess[] = processes.map((p) =>
    spawn(process.execPath, ["--import", "tsx", "bench/support/bare-stage.ts", JSON.stringify(p.flows)], {
      stdio: ["ignore", "ignore", "inherit"],
    }),
  );
  try {
    await groupsJoined(
      kafka,
      groups.map((g) => g.groupId),
    );
    const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
    await producer.connect();
    const mentions = events.filter((event) => event.type === "mention").length;
    const cpuStart = machineCpu();
    const firstSend = Date.now();
    for (let i = 0; i < events.length; i += PRODUCE_CHUNK) {
      const byTopic = new Map<string, { key: string; value: Buffer }[]>([
        [rawTopic, []],
        [engagementTopic, []],
      ]);
      for (const event of events.slice(i, i + PRODUCE_CHUNK)) {
        const record = encode(event);
        if (record) byTopic.get(event.type === "mention" ? rawTopic : engagementTopic)?.push(record);
      }
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    }
    await producer.disconnect();
    const end = await caughtUp(kafka, groups, { pollMs: 200, timeoutMs: 300_000 });
    const cpuEnd = machineCpu();
    return {
      mentionsPerSecond: Math.round(mentions / ((end - firstSend) / 1000)),
      machineCpuMsPerMention: (1000 * (cpuEnd.busy - cpuStart.busy)) / mentions,
    };
  } finally {
    for (const child of children) child.kill("SIGTERM");
    await Promise.all(
      children.map((child) =>
        child.exitCode === null ? new Promise((resolve) => child.once("exit", resolve)) : undefined,
      ),
    );
  }
}
