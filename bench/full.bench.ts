/**
 * The whole pipeline on the real broker, schema registry and Redis with embedded ClickHouse, each
 * stage in its own process as in production: ingest (the simulator: mentions and engagement
 * snapshots at its own ratio) -> process (every tagger, 1 000 monitoring queries) -> enrich ->
 * aggregate, sink, responsiveness, alert, issues, coordination. Embedded ClickHouse (chdb) can be
 * opened by one process only, so the stages that write or read it (sink, aggregate, responsiveness,
 * alert, issues, coordination and the dashboard) share one process, "store"
 * (bench/support/stages.ts); ingest, process and enrich run as `simak run <stage>`. Against a bare
 * kafkajs passthrough on the same broker in the same run.
 *
 * Figures:
 *   - sustained: the simulator as fast as it goes (speed 0); mentions/s from the first record
 *     produced to every consumer group having committed the end of every topic it reads;
 *   - latency: from a mention's produce (its raw record's broker timestamp) to the insert of the
 *     window deltas that count it in mention_windows_1m (their inserted_at, covering its offset in
 *     the tagged topic): p50 and p99, in the sustained run and in a paced run at half the sustained
 *     rate (BENCH_PACED_SECONDS long);
 *   - the dashboard's overview (GET /api/dashboard/overview, 24 h) while the paced run goes: p50,
 *     p95, and how old the answers were (its `asOf`: browsers share one for
 *     SIMAK_DASHBOARD_OVERVIEW_MAX_AGE_MS); and on the idle store after it, as the reference;
 *   - peak RSS of each process (VmHWM);
 *   - the Kafka records a mention writes and reads, and the same traffic through the same topics,
 *     groups and processes with no stage work (bench/support/bare-topology.ts): its mentions/s over
 *     the passthrough's, and every core's CPU a mention of the passthrough, the bare topology and
 *     the pipeline (on saturated cores the ratio is at most the passthrough's over the pipeline's);
 *   - the added stages (issues and coordination): a second sustained run without them, in the
 *     same run (alternating which goes first): with / without, and the CPU per mention of each.
 * The last line is `full-pipeline ratio <x>`: sustained mentions/s over the passthrough's.
 *
 *   bash deploy/local/services.sh up && npm run bench:full
 *   BENCH_MENTIONS=10000 BENCH_RUNS=1 BENCH_PACED_SECONDS=30 (0: no paced run)
 *   BENCH_PROCESS_INSTANCES=1 BENCH_SINK_INSTANCES=1 (a second sink opens a data folder of its own)
 *   BENCH_ADDED_STAGES=0: no run without issues and coordination
 *   BENCH_CPU_PROF_DIR=/tmp/prof: every process of the sustained runs writes a CPU profile there
 *   (summarised by bench/support/cpu-profile.ts)
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { normaliseMention } from "../processors/normalise/index.js";
import { loadConfig } from "../runtime/config.js";
import type { SourceEvent } from "../runtime/ingestor.js";
import { AvroCodec, createRegistryClient } from "../runtime/serde.js";
import { contracts } from "../schemas/contracts.js";
import { postKey, TOPICS, type TopicId } from "../schemas/topics.js";
import type { Mention } from "../schemas/types.generated.js";
import { type BareFlow, type BareProcess, type BareResult, bareTopologyBaseline } from "./support/bare-topology.js";
import { caughtUp, type GroupTopics, groupsJoined } from "./support/caught-up.js";
import {
  BROKERS,
  deleteTopicsWithPrefix,
  kafka,
  machineCpu,
  passthroughBaseline,
  REDIS,
  REGISTRY,
} from "./support/passthrough.js";
import { percentile } from "./support/percentile.js";
import { buildQueries, queryFileText } from "./support/queries.js";
import { simulatedEvents } from "./support/simulated.js";

const MENTIONS = Number(process.env.BENCH_MENTIONS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const PACED_SECONDS = Number(process.env.BENCH_PACED_SECONDS ?? 30);
const PROCESS_INSTANCES = Number(process.env.BENCH_PROCESS_INSTANCES ?? 1);
const SINK_INSTANCES = Number(process.env.BENCH_SINK_INSTANCES ?? 1);
const PROFILE_DIR = process.env.BENCH_CPU_PROF_DIR;
/** A run whose pipeline has not drained this long after its ingest finished fails (a stuck stage). */
const DRAIN_TIMEOUT_MS = Number(process.env.BENCH_DRAIN_TIMEOUT_SECONDS ?? 300) * 1000;
const QUERIES = 1000;
const SEED = 7;
const MENTIONS_PER_MINUTE = 600;
/** The stages that read or write ClickHouse: one process, "store". */
const STORE_STAGES = ["sink", "aggregate", "responsiveness", "alert", "issues", "coordination", "dashboard"];
/** Emerging issues and coordinated campaigns (issue 15): measured with and without in the same run. */
const ADDED_STAGES = ["issues", "coordination"];
/** BENCH_ADDED_STAGES=0 skips the sustained run without ADDED_STAGES. */
const COMPARE_ADDED = process.env.BENCH_ADDED_STAGES !== "0";
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Where the simulated stream starts: 09:00 WIB (02:00 UTC) of a past day, so every mention falls in
 * the simulator's daytime (an even rate) and the stream stays behind the wall clock however fast it
 * runs (a simulator that reaches now goes on in real time).
 */
function simulatedStart(mentions: number): number {
  const needed = Math.max(2 * HOUR_MS, (mentions / MENTIONS_PER_MINUTE) * 60_000 * 2);
  let start = Math.floor(Date.now() / DAY_MS) * DAY_MS + 2 * HOUR_MS;
  while (start > Date.now() - needed) start -= DAY_MS;
  return start;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address !== "object") throw new Error("no port");
  return address.port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every stage process started, so none outlives the benchmark when it fails. */
const children = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
});

interface StageProcess {
  name: string;
  child: ChildProcess;
  port: number;
  logFile: string;
  exited: Promise<number | null>;
  peakRssKb: number;
  /** User + system CPU seconds, every thread (chdb's included), as last sampled. */
  cpuSeconds: number;
}

/** Starts one stage process; its stderr (JSON logs) goes to a file in `dir`. */
async function startProcess(
  name: string,
  args: string[],
  env: Record<string, string>,
  dir: string,
  profile: boolean,
): Promise<StageProcess> {
  const port = await freePort();
  const logFile = join(dir, `${name}.log`);
  const log = openSync(logFile, "w");
  const flags = profile && PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${join(PROFILE_DIR, name)}`] : [];
  const child = spawn(process.execPath, [...flags, ...args], {
    env: { ...process.env, ...env, SIMAK_HTTP_PORT: String(port) },
    stdio: ["ignore", "ignore", log],
  });
  closeSync(log);
  children.add(child);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { name, child, port, logFile, exited, peakRssKb: 0, cpuSeconds: 0 };
}

function logTail(stage: StageProcess): string {
  return readFileSync(stage.logFile, "utf8").split("\n").slice(-15).join("\n");
}

/** Resolves once the process logged "simak running"; throws with its log when it exits first. */
async function running(stage: StageProcess): Promise<void> {
  let exited = false;
  void stage.exited.then(() => {
    exited = true;
  });
  const deadline = Date.now() + 120_000;
  while (!readFileSync(stage.logFile, "utf8").includes('"msg":"simak running"')) {
    if (exited || Date.now() > deadline)
      throw new Error(`${stage.name} did not start (${exited ? "exited" : "timed out"}):\n${logTail(stage)}`);
    await sleep(200);
  }
}

/** Samples every live process's peak RSS (VmHWM) and CPU time until stopped. */
function trackPeakRss(stages: StageProcess[]): { stop: () => void; sample: () => void } {
  const sample = () => {
    for (const stage of stages) {
      try {
        const status = readFileSync(`/proc/${stage.child.pid}/status`, "utf8");
        const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
        stage.peakRssKb = Math.max(stage.peakRssKb, kb);
        // /proc/<pid>/stat after the command's closing parenthesis: utime and stime are fields 14, 15.
        const fields = readFileSync(`/proc/${stage.child.pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
        stage.cpuSeconds = (Number(fields[11]) + Number(fields[12])) / 100;
      } catch {
        // exited
      }
    }
  };
  const timer = setInterval(sample, 200);
  return {
    sample,
    stop: () => {
      sample();
      clearInterval(timer);
    },
  };
}

/** The consumer groups of the pipeline and the topics each reads. */
function consumerGroups(prefix: string, storeStages: readonly string[]): { groupId: string; topics: string[] }[] {
  const topic = (id: TopicId) => `${prefix}${TOPICS[id].name}`;
  const added = ADDED_STAGES.filter((stage) => storeStages.includes(stage)).map((stage) => ({
    groupId: `${prefix}simak-${stage}`,
    topics: [topic("mentionsTagged")],
  }));
  return [
    ...added,
    { groupId: `${prefix}simak-process`, topics: [topic("mentionsRaw")] },
    { groupId: `${prefix}simak-enrich-router`, topics: [topic("mentionsTagged"), topic("engagementRaw")] },
    { groupId: `${prefix}simak-aggregate`, topics: [topic("mentionsTagged")] },
    { groupId: `${prefix}simak-responsiveness`, topics: [topic("mentionsTagged")] },
    {
      groupId: `${prefix}simak-sink`,
      topics: [topic("mentionsTagged"), topic("engagementRaw"), topic("virality"), topic("alerts")],
    },
  ];
}

/** Every record of `topic` from the beginning, read by a group of its own. */
async function readTopic(
  topic: string,
  onRecord: (partition: number, offset: number, key: string, timestamp: number) => void,
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const total = (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `${topic}.bench-reader.${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  await new Promise<void>((resolve) => {
    if (total === 0) resolve();
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          onRecord(batch.partition, Number(m.offset), m.key?.toString() ?? "", Number(m.timestamp));
          seen++;
        }
        if (seen >= total) resolve();
      },
    });
  });
  await consumer.disconnect();
  return total;
}

async function sql<T>(port: number, query: string): Promise<T[]> {
  const response = await fetch(`http://127.0.0.1:${port}/api/sql?format=JSONEachRow`, {
    method: "POST",
    headers: { "content-type": "application/sql" },
    body: query,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`sql ${response.status}: ${text}`);
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);
}

/**
 * Produce-to-counted latency of every mention: its raw record's timestamp, and the first insert of
 * window deltas whose offset range in the tagged topic reaches its tagged record.
 */
async function countedLatencies(
  prefix: string,
  storePort: number,
): Promise<{ latencies: number[]; toTagged: number[]; taggedToCounted: number[]; first: number }> {
  const produced = new Map<string, number>();
  await readTopic(`${prefix}${TOPICS.mentionsRaw.name}`, (_p, _o, key, timestamp) => {
    if (!produced.has(key)) produced.set(key, timestamp);
  });
  const tagged: { partition: number; offset: number; key: string; timestamp: number }[] = [];
  await readTopic(`${prefix}${TOPICS.mentionsTagged.name}`, (partition, offset, key, timestamp) => {
    tagged.push({ partition, offset, key, timestamp });
  });
  const deltas = await sql<{ p: number; o: string; t: string }>(
    storePort,
    `SELECT source_partition AS p, last_offset AS o, toUnixTimestamp64Milli(min(inserted_at)) AS t
     FROM simak.mention_window_deltas GROUP BY p, o ORDER BY p, o`,
  );
  // Per partition: offsets ascending, and the earliest insert reaching each (a suffix minimum).
  const byPartition = new Map<number, { offsets: number[]; at: number[] }>();
  for (const row of deltas) {
    const entry = byPartition.get(row.p) ?? { offsets: [], at: [] };
    entry.offsets.push(Number(row.o));
    entry.at.push(Number(row.t));
    byPartition.set(row.p, entry);
  }
  for (const entry of byPartition.values())
    for (let i = entry.at.length - 2; i >= 0; i--)
      entry.at[i] = Math.min(entry.at[i] as number, entry.at[i + 1] as number);
  const latencies: number[] = [];
  // The two halves of each latency: the process stage (raw produce to tagged produce), then the
  // aggregate stage (tagged produce to counted), so a tail can be placed.
  const toTagged: number[] = [];
  const taggedToCounted: number[] = [];
  for (const { partition, offset, key, timestamp } of tagged) {
    const entry = byPartition.get(partition);
    const sent = produced.get(key);
    if (!entry || sent === undefined) continue;
    let lo = 0;
    let hi = entry.offsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((entry.offsets[mid] as number) < offset) lo = mid + 1;
      else hi = mid;
    }
    if (lo >= entry.offsets.length) continue;
    latencies.push((entry.at[lo] as number) - sent);
    toTagged.push(timestamp - sent);
    taggedToCounted.push((entry.at[lo] as number) - timestamp);
  }
  return { latencies, toTagged, taggedToCounted, first: Math.min(...produced.values()) };
}

interface RunResult {
  mentions: number;
  snapshots: number;
  seconds: number;
  mentionsPerSecond: number;
  counted: number;
  p50Ms: number;
  p99Ms: number;
  /** p50 / p99 of each half: raw produce to tagged produce, tagged produce to counted. */
  halves: string;
  rssMb: Record<string, number>;
  cpuSeconds: Record<string, number>;
  overview?: { during: number[]; ages: number[]; idle: number[]; slowOverlappingStall: number; slow: number };
  /** Seconds in which the store's event loop stalled over 200 ms, and the longest stall. */
  storeStalls: { seconds: number; maxMs: number };
  /** The consumer group that caught up last, and when. */
  lastToDrain: string;
  /** The machine's CPU from the ingest's start to the drain: busy share, and what was not the stages'. */
  machine: { busyShare: number; othersCpuSeconds: number; busySeconds: number };
  /** Kafka records the run wrote, each topic once, and read, once per consumer group reading it. */
  traffic: { written: number; read: number; tagged: number; virality: number };
}

interface RunOptions {
  label: string;
  mentions: number;
  /** Simulator speed: 0 as fast as it goes. */
  speed: number;
  start: number;
  queriesFile: string;
  profile: boolean;
  /** Request the dashboard's overview while the run goes. */
  overview: boolean;
  /** The stages of the store process. */
  storeStages: readonly string[];
}

async function runPipeline(options: RunOptions): Promise<RunResult> {
  const prefix = `bench.full.${Date.now().toString(36)}.${options.label}.`;
  const dir = mkdtempSync(join(tmpdir(), "simak-bench-full-"));
  const env = {
    KAFKA_BROKERS: BROKERS.join(","),
    SCHEMA_REGISTRY_URL: REGISTRY,
    REDIS_URL: REDIS,
    SIMAK_TOPIC_PREFIX: prefix,
    SIMAK_QUERIES_FILE: options.queriesFile,
    SIMAK_LOG_FORMAT: "json",
    SIMAK_LOG_LEVEL: "info",
    // The periodic PageRank job reads every stored mention: not part of the per-mention cost.
    SIMAK_PAGERANK_INTERVAL_MS: "0",
    KAFKAJS_NO_PARTITIONER_WARNING: "1",
  };
  const simak = (stage: string) => ["bin/simak.js", "run", stage];
  const stages: StageProcess[] = [];
  const usage = trackPeakRss(stages);
  try {
    // The store first: it declares the topics before the others race to.
    const store = await startProcess(
      "store",
      ["--import", "tsx", "bench/support/stages.ts", ...options.storeStages],
      { ...env, SIMAK_DATA_DIR: join(dir, "chdb") },
      dir,
      options.profile,
    );
    stages.push(store);
    await running(store);
    const others: StageProcess[] = [await startProcess("enrich", simak("enrich"), env, dir, options.profile)];
    for (let i = 0; i < PROCESS_INSTANCES; i++)
      others.push(await startProcess(`process-${i + 1}`, simak("process"), env, dir, options.profile));
    for (let i = 1; i < SINK_INSTANCES; i++)
      others.push(
        await startProcess(
          `sink-${i + 1}`,
          simak("sink"),
          { ...env, SIMAK_DATA_DIR: join(dir, `chdb-sink-${i + 1}`) },
          dir,
          options.profile,
        ),
      );
    stages.push(...others);
    await Promise.all(others.map(running));
    const groups = consumerGroups(prefix, options.storeStages);
    await groupsJoined(
      kafka,
      groups.map((g) => g.groupId),
    );
    // CPU spent starting (compiling the TypeScript, loading chdb, joining) is not the mentions'.
    usage.sample();
    const startupCpu = new Map(stages.map((s) => [s.name, s.cpuSeconds]));
    const machineStart = machineCpu();

    const ingest = await startProcess(
      "ingest",
      simak("ingest"),
      {
        ...env,
        SIMAK_SIM_SEED: String(SEED),
        SIMAK_SIM_RATE: String(MENTIONS_PER_MINUTE),
        SIMAK_SIM_MAX_MENTIONS: String(options.mentions),
        SIMAK_SIM_START: new Date(options.start).toISOString(),
        SIMAK_SIM_SPEED: String(options.speed),
      },
      dir,
      options.profile,
    );
    stages.push(ingest);
    const overviewUrl = `http://127.0.0.1:${store.port}/api/dashboard/overview?range=24h`;
    const during: number[] = [];
    /** How old each answer was when it arrived (browsers share one for SIMAK_DASHBOARD_OVERVIEW_MAX_AGE_MS). */
    const ages: number[] = [];
    const requestSpans: [number, number][] = [];
    let ingesting = true;
    const requests = (async () => {
      if (!options.overview) return;
      while (ingesting) {
        const began = performance.now();
        const response = await fetch(overviewUrl, { signal: AbortSignal.timeout(30_000) });
        const body = Buffer.from(await response.arrayBuffer()).toString("utf8");
        if (!response.ok) throw new Error(`overview ${response.status}`);
        during.push(performance.now() - began);
        ages.push(Date.now() - (JSON.parse(body) as { asOf: number }).asOf);
        requestSpans.push([Date.now() - (performance.now() - began), Date.now()]);
        await sleep(250);
      }
    })();
    const code = await ingest.exited;
    ingesting = false;
    await requests;
    if (code !== 0) throw new Error(`ingest exited with ${code}:\n${logTail(ingest)}`);
    const ingestEnd = Date.now();
    let lastBehind = "";
    const end = await caughtUp(kafka, groups, {
      pollMs: 200,
      timeoutMs: DRAIN_TIMEOUT_MS,
      onBehind: (groupId) => {
        lastBehind = groupId.slice(prefix.length);
      },
    });
    usage.stop();
    const machineEnd = machineCpu();

    const idle: number[] = [];
    if (options.overview) {
      for (let i = 0; i < 23; i++) {
        const began = performance.now();
        await (await fetch(overviewUrl)).arrayBuffer();
        if (i >= 3) idle.push(performance.now() - began);
      }
    }
    const { latencies, toTagged, taggedToCounted, first } = await countedLatencies(prefix, store.port);
    // The store's stalls: a second whose longest wait ended at `time` (the log record's).
    const stalls = readFileSync(store.logFile, "utf8")
      .split("\n")
      .filter((line) => line.includes('"msg":"event loop stalled"'))
      .map((line) => JSON.parse(line) as { time: number; maxMs: number });
    const slowSpans = requestSpans.slice(3).filter(([from, to]) => to - from > 1000);
    const slowOverlappingStall = slowSpans.filter(([from, to]) =>
      stalls.some((stall) => stall.time - 1000 - stall.maxMs <= to && stall.time >= from),
    ).length;
    latencies.sort((a, b) => a - b);
    const admin = kafka.admin();
    await admin.connect();
    const records = new Map<string, number>();
    for (const topic of (await admin.listTopics()).filter((name) => name.startsWith(prefix)))
      records.set(
        topic,
        (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0),
      );
    await admin.disconnect();
    const recordsOf = (id: TopicId) => records.get(`${prefix}${TOPICS[id].name}`) ?? 0;
    const snapshots = recordsOf("engagementRaw");
    const seconds = (end - first) / 1000;
    return {
      mentions: options.mentions,
      snapshots,
      seconds: Number(seconds.toFixed(2)),
      mentionsPerSecond: Math.round(options.mentions / seconds),
      counted: latencies.length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      halves: [toTagged, taggedToCounted]
        .map((half) => half.sort((a, b) => a - b))
        .map((half) => `${percentile(half, 50)} / ${percentile(half, 99)}`)
        .join(", "),
      rssMb: Object.fromEntries(stages.map((s) => [s.name, Math.round(s.peakRssKb / 1024)])),
      cpuSeconds: Object.fromEntries(
        stages.map((s) => [s.name, Number((s.cpuSeconds - (startupCpu.get(s.name) ?? 0)).toFixed(2))]),
      ),
      storeStalls: { seconds: stalls.length, maxMs: Math.max(0, ...stalls.map((stall) => stall.maxMs)) },
      machine: {
        busySeconds: machineEnd.busy - machineStart.busy,
        busyShare: (machineEnd.busy - machineStart.busy) / (machineEnd.total - machineStart.total),
        othersCpuSeconds:
          machineEnd.busy -
          machineStart.busy -
          stages.reduce((sum, s) => sum + s.cpuSeconds - (startupCpu.get(s.name) ?? 0), 0),
      },
      traffic: {
        written: [...records.values()].reduce((sum, n) => sum + n, 0),
        read: groups.reduce((sum, g) => sum + g.topics.reduce((n, topic) => n + (records.get(topic) ?? 0), 0), 0),
        tagged: recordsOf("mentionsTagged"),
        virality: recordsOf("virality"),
      },
      lastToDrain: lastBehind ? `${lastBehind} (${((end - ingestEnd) / 1000).toFixed(1)} s after ingest)` : "-",
      ...(options.overview && {
        overview: { during: during.slice(3), ages: ages.slice(3), idle, slow: slowSpans.length, slowOverlappingStall },
      }),
    };
  } finally {
    usage.stop();
    for (const stage of stages) if (stage.child.exitCode === null) stage.child.kill("SIGTERM");
    await Promise.all(stages.map((s) => Promise.race([s.exited, sleep(30_000)])));
    for (const stage of stages) if (stage.child.exitCode === null) stage.child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    await deleteTopicsWithPrefix(prefix);
  }
}

/**
 * The pipeline's Kafka traffic without its work (bench/support/bare-topology.ts), in the layout of
 * `consumerGroups` and the processes of `runPipeline`: the process stage's group copies every raw
 * mention to the tagged topic, the enrich stage's copies to the virality topic the share of what it
 * read that became virality updates in `sustained`, and the store's groups only read.
 */
async function bareRun(
  runId: string,
  codec: AvroCodec,
  events: SourceEvent[],
  sustained: RunResult,
): Promise<BareResult> {
  const prefix = `${runId}bare.`;
  const topic = (id: TopicId) => `${prefix}${TOPICS[id].name}`;
  const viralityShare = sustained.traffic.virality / (sustained.traffic.tagged + sustained.snapshots);
  const flowOf = (stage: string, group: GroupTopics): BareFlow => {
    if (stage === "process") return { ...group, copyTo: topic("mentionsTagged") };
    if (stage === "enrich-router") return { ...group, copyTo: topic("virality"), copyShare: viralityShare };
    // As pipeline/stages/aggregate.ts: its batches wait for its inserts, not at the broker.
    if (stage === "aggregate") return { ...group, fetchMinBytes: 1 };
    return group;
  };
  const processOf = (stage: string) =>
    stage === "process" ? "process" : stage === "enrich-router" ? "enrich" : "store";
  const stages = consumerGroups(prefix, STORE_STAGES).map((group) => ({
    stage: group.groupId.slice(`${prefix}simak-`.length),
    group,
  }));
  const processes: BareProcess[] = ["process", "enrich", "store"].map((name) => ({
    name,
    flows: stages.filter(({ stage }) => processOf(stage) === name).map(({ stage, group }) => flowOf(stage, group)),
  }));
  const [mentionId, engagementId] = await Promise.all([
    codec.register(topic("mentionsRaw"), contracts.Mention),
    codec.register(topic("engagementRaw"), contracts.EngagementEvent),
  ]);
  try {
    return await bareTopologyBaseline({
      processes,
      rawTopic: topic("mentionsRaw"),
      engagementTopic: topic("engagementRaw"),
      events,
      encode: (event) => {
        if (event.type === "mention")
          return {
            key: postKey(event.mention.platform, event.mention.id),
            value: codec.encode(mentionId, contracts.Mention, { ...event.mention, ingestTime: Date.now() }),
          };
        if (event.type === "engagement")
          return {
            key: postKey(event.engagement.platform, event.engagement.postId),
            value: codec.encode(engagementId, contracts.EngagementEvent, event.engagement),
          };
        return undefined;
      },
    });
  } finally {
    await deleteTopicsWithPrefix(prefix);
  }
}

/** Busy share of every core, and the CPU seconds of the rest (the broker, Redis, the registry, other work). */
const machineFigure = ({ machine }: RunResult) =>
  `${Math.round(100 * machine.busyShare)} (${machine.othersCpuSeconds.toFixed(1)})`;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

async function mentionsOf(count: number, start: number): Promise<Mention[]> {
  const events = await simulatedEvents({ seed: SEED, maxMentions: count, startTime: start });
  return events.flatMap((event) => (event.type === "mention" ? [event.mention] : []));
}

async function main(): Promise<void> {
  const start = simulatedStart(Math.max(MENTIONS, 200_000));
  // The stream the ingest stage's simulator produces in the sustained runs (the same seed and start).
  const events = await simulatedEvents({ seed: SEED, maxMentions: MENTIONS, startTime: start });
  const mentions = events.flatMap((event) => (event.type === "mention" ? [event.mention] : []));
  const normalised = mentions.flatMap((mention) => {
    const result = normaliseMention(mention);
    return result.ok ? [result.mention] : [];
  });
  const queriesFile = join(mkdtempSync(join(tmpdir(), "simak-bench-queries-")), "queries.yaml");
  writeFileSync(queriesFile, queryFileText(buildQueries(normalised, QUERIES)));
  const codec = new AvroCodec(createRegistryClient(loadConfig({ SCHEMA_REGISTRY_URL: REGISTRY })));

  const rows: Record<string, string | number>[] = [];
  const ratios: number[] = [];
  const bareRatios: number[] = [];
  const addedRatios: number[] = [];
  const pacedP99: number[] = [];
  const overviewP95: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const runId = `bench.full.${Date.now().toString(36)}.`;
    const id = await codec.register(`${runId}passthrough.in`, contracts.Mention);
    const base = await passthroughBaseline(runId, mentions, (m) => codec.encode(id, contracts.Mention, m));
    const sustainedRun = (storeStages: readonly string[], label: string) =>
      runPipeline({
        label,
        mentions: MENTIONS,
        speed: 0,
        start,
        queriesFile,
        profile: true,
        overview: false,
        storeStages,
      });
    const withoutAdded = STORE_STAGES.filter((stage) => !ADDED_STAGES.includes(stage));
    // Alternating which goes first, so that a drift of the machine does not favour one side.
    let sustained: RunResult;
    let without: RunResult | undefined;
    if (COMPARE_ADDED && run % 2 === 0) {
      without = await sustainedRun(withoutAdded, `r${run}without`);
      sustained = await sustainedRun(STORE_STAGES, `r${run}sustained`);
    } else {
      sustained = await sustainedRun(STORE_STAGES, `r${run}sustained`);
      if (COMPARE_ADDED) without = await sustainedRun(withoutAdded, `r${run}without`);
    }
    const bare = await bareRun(runId, codec, events, sustained);
    const ratio = sustained.mentionsPerSecond / base.mentionsPerSecond;
    ratios.push(ratio);
    bareRatios.push(bare.mentionsPerSecond / base.mentionsPerSecond);
    const sustainedCpu = (1000 * sustained.machine.busySeconds) / MENTIONS;
    rows.push({ run, figure: "passthrough mentions/s", value: base.mentionsPerSecond });
    rows.push({ run, figure: "passthrough p50 / p99 ms", value: `${base.p50Ms} / ${base.p99Ms}` });
    rows.push({ run, figure: "passthrough peak RSS MB", value: base.peakRssMb });
    rows.push({ run, figure: "sustained mentions (+ snapshots)", value: `${MENTIONS} (+${sustained.snapshots})` });
    rows.push({ run, figure: "sustained mentions/s", value: sustained.mentionsPerSecond });
    rows.push({ run, figure: "sustained seconds", value: sustained.seconds });
    rows.push({ run, figure: "sustained counted in windows", value: sustained.counted });
    rows.push({ run, figure: "sustained p50 / p99 ms to window", value: `${sustained.p50Ms} / ${sustained.p99Ms}` });
    for (const [name, mb] of Object.entries(sustained.rssMb))
      rows.push({ run, figure: `sustained peak RSS MB ${name}`, value: mb });
    // From the ingest's start (the ingest process's own start-up included) to the drain.
    for (const [name, seconds] of Object.entries(sustained.cpuSeconds))
      rows.push({
        run,
        figure: `sustained CPU s (ms/mention) ${name}`,
        value: `${seconds.toFixed(1)} (${((1000 * seconds) / MENTIONS).toFixed(2)})`,
      });
    rows.push({
      run,
      figure: "sustained store event-loop stalls > 200 ms: seconds, longest ms",
      value: `${sustained.storeStalls.seconds}, ${sustained.storeStalls.maxMs}`,
    });
    rows.push({ run, figure: "sustained last group to drain", value: sustained.lastToDrain });
    rows.push({ run, figure: "sustained machine CPU busy % (others' CPU s)", value: machineFigure(sustained) });
    rows.push({
      run,
      figure: "Kafka records per mention: written, read (passthrough: 2, 2)",
      value: `${(sustained.traffic.written / MENTIONS).toFixed(2)}, ${(sustained.traffic.read / MENTIONS).toFixed(2)}`,
    });
    rows.push({
      run,
      figure: "bare topology mentions/s (over passthrough)",
      value: `${bare.mentionsPerSecond} (${(bare.mentionsPerSecond / base.mentionsPerSecond).toFixed(3)})`,
    });
    // Every core's busy time (the broker's too) per mention.
    rows.push({
      run,
      figure: "machine CPU ms/mention: passthrough, bare topology, sustained",
      value: [base.machineCpuMsPerMention, bare.machineCpuMsPerMention, sustainedCpu]
        .map((ms) => ms.toFixed(3))
        .join(", "),
    });
    // Every core for half the passthrough's rate: the most CPU a mention can take at ratio 0.5.
    const budget = (1000 * availableParallelism()) / (0.5 * base.mentionsPerSecond);
    rows.push({
      run,
      figure: "machine CPU ms/mention at ratio 0.5: budget, left for stage work",
      value: `${budget.toFixed(3)}, ${(budget - bare.machineCpuMsPerMention).toFixed(3)}`,
    });
    rows.push({ run, figure: "ratio (sustained / passthrough)", value: ratio.toFixed(3) });
    if (without) {
      const added = sustained.mentionsPerSecond / without.mentionsPerSecond;
      addedRatios.push(added);
      const cpu = (result: RunResult) => Object.values(result.cpuSeconds).reduce((sum, s) => sum + s, 0);
      rows.push({
        run,
        figure: `sustained without ${ADDED_STAGES.join(" + ")} mentions/s (last to drain)`,
        value: `${without.mentionsPerSecond} (${without.lastToDrain})`,
      });
      rows.push({
        run,
        figure: `without ${ADDED_STAGES.join(" + ")}: CPU ms/mention all, store`,
        value: `${((1000 * cpu(without)) / MENTIONS).toFixed(2)}, ${((1000 * (without.cpuSeconds.store ?? 0)) / MENTIONS).toFixed(2)}`,
      });
      rows.push({
        run,
        figure: `with ${ADDED_STAGES.join(" + ")}: CPU ms/mention all, store`,
        value: `${((1000 * cpu(sustained)) / MENTIONS).toFixed(2)}, ${((1000 * (sustained.cpuSeconds.store ?? 0)) / MENTIONS).toFixed(2)}`,
      });
      rows.push({ run, figure: "added stages ratio (with / without)", value: added.toFixed(3) });
    }

    if (PACED_SECONDS > 0) {
      // Half the sustained rate: the same stream from the same start, paced by the simulator's clock.
      const target = sustained.mentionsPerSecond / 2;
      const count = Math.round(target * PACED_SECONDS);
      const paced = await mentionsOf(count, start);
      const simulatedSeconds = ((paced.at(-1)?.eventTime ?? start) - start) / 1000;
      const speed = (target * simulatedSeconds) / count;
      const result = await runPipeline({
        label: `r${run}paced`,
        mentions: count,
        speed,
        start,
        queriesFile,
        profile: process.env.BENCH_PROFILE_PACED === "1",
        overview: true,
        storeStages: STORE_STAGES,
      });
      const during = [...(result.overview?.during ?? [])].sort((a, b) => a - b);
      const idle = [...(result.overview?.idle ?? [])].sort((a, b) => a - b);
      pacedP99.push(result.p99Ms);
      overviewP95.push(percentile(during, 95));
      rows.push({
        run,
        figure: "paced target mentions/s (speed)",
        value: `${Math.round(target)} (${speed.toFixed(1)}x)`,
      });
      rows.push({ run, figure: "paced mentions (+ snapshots)", value: `${count} (+${result.snapshots})` });
      rows.push({ run, figure: "paced achieved mentions/s", value: result.mentionsPerSecond });
      rows.push({ run, figure: "paced counted in windows", value: result.counted });
      rows.push({ run, figure: "paced p50 / p99 ms to window", value: `${result.p50Ms} / ${result.p99Ms}` });
      rows.push({ run, figure: "paced p50 / p99 ms: to tagged, tagged to window", value: result.halves });
      for (const [name, mb] of Object.entries(result.rssMb))
        rows.push({ run, figure: `paced peak RSS MB ${name}`, value: mb });
      // At half the rate the machine has room; what each process takes of it decides the tail.
      for (const [name, seconds] of Object.entries(result.cpuSeconds))
        rows.push({
          run,
          figure: `paced CPU s (ms/mention) ${name}`,
          value: `${seconds.toFixed(1)} (${((1000 * seconds) / count).toFixed(2)})`,
        });
      rows.push({ run, figure: "paced machine CPU busy % (others' CPU s)", value: machineFigure(result) });
      rows.push({
        run,
        figure: "overview during paced p50 / p95 ms (n)",
        value: `${Math.round(percentile(during, 50))} / ${Math.round(percentile(during, 95))} (${during.length})`,
      });
      const ages = [...(result.overview?.ages ?? [])].sort((a, b) => a - b);
      rows.push({
        run,
        figure: "overview answer age during paced p50 / p95 ms",
        value: `${Math.round(percentile(ages, 50))} / ${Math.round(percentile(ages, 95))}`,
      });
      rows.push({
        run,
        figure: "overview > 1 s during paced (of them during a store stall)",
        value: `${result.overview?.slow} (${result.overview?.slowOverlappingStall})`,
      });
      rows.push({
        run,
        figure: "paced store event-loop stalls > 200 ms: seconds, longest ms",
        value: `${result.storeStalls.seconds}, ${result.storeStalls.maxMs}`,
      });
      rows.push({
        run,
        figure: "overview idle p50 / p95 ms (n)",
        value: `${Math.round(percentile(idle, 50))} / ${Math.round(percentile(idle, 95))} (${idle.length})`,
      });
    }
  }
  rmSync(queriesFile, { force: true });
  if (RUNS > 1) {
    rows.push({ run: "median", figure: "bare topology over passthrough", value: median(bareRatios).toFixed(3) });
    rows.push({ run: "median", figure: "ratio (sustained / passthrough)", value: median(ratios).toFixed(3) });
    if (addedRatios.length)
      rows.push({
        run: "median",
        figure: "added stages ratio (with / without)",
        value: median(addedRatios).toFixed(3),
      });
    if (pacedP99.length) {
      rows.push({ run: "median", figure: "paced p99 ms to window", value: median(pacedP99) });
      rows.push({ run: "median", figure: "overview during paced p95 ms", value: Math.round(median(overviewP95)) });
    }
  }
  console.table(rows);
  console.log(
    `processes: store = ${STORE_STAGES.join(" + ")} (one process: embedded chdb opens in one process only); ` +
      `process x${PROCESS_INSTANCES}, sink x${SINK_INSTANCES}; ${QUERIES} monitoring queries`,
  );
  if (addedRatios.length)
    console.log(
      `added stages (${ADDED_STAGES.join(", ")}) ratio ${median(addedRatios).toFixed(2)}: within 20% when >= 0.80`,
    );
  console.log(`full-pipeline ratio ${median(ratios).toFixed(2)}`);
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
