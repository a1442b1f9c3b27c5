/**
 * Enrichment throughput on the real broker and Redis, in mentions/s, against the same run with
 * enrichment switched off (the process stage validating, deduplicating and re-producing, no
 * taggers, no enrich stage) as the baseline:
 *   - taggers: the process stage with every tagger on (sentiment, 1 000 monitoring queries,
 *     official accounts, and the virality and authors taggers reading Redis);
 *   - full: and the enrich stage, as its own process as when scaled out (post virality, author
 *     influence and behaviour state in Redis).
 * Same mentions and engagement snapshots; a run ends when every consumer group involved has
 * committed the end of every topic it reads. `enrichOverTaggers` is full over taggers (issue 16's
 * target: 0.5); `enrichCpuMsPer1k` the enrich process's CPU time per 1 000 mentions, start-up
 * included, which depends less than the wall clock on what else the machine runs.
 *
 *   bash deploy/local/services.sh up && npx tsx bench/enrichment.bench.ts   (BENCH_MENTIONS=20000, BENCH_ROUNDS=2)
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import kafkajs from "kafkajs";
import pino from "pino";
import { startPipeline } from "../pipeline/app.js";
import { startProcessStage } from "../pipeline/stages/process.js";
import { normaliseMention } from "../processors/normalise/index.js";
import { loadConfig } from "../runtime/config.js";
import { encodeFor, type StageHandle, topicName } from "../runtime/context.js";
import { postKey, type TopicId } from "../schemas/topics.js";
import type { EngagementEvent, Mention } from "../schemas/types.generated.js";
import { caughtUp } from "./support/caught-up.js";
import { deleteTopicsWithPrefix } from "./support/passthrough.js";
import { buildQueries, queryFileText } from "./support/queries.js";
import { simulatedEvents } from "./support/simulated.js";

const MENTIONS = Number(process.env.BENCH_MENTIONS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const QUERIES = 1000;
const CHUNK = 500;
const BROKERS = `127.0.0.1:${process.env.LOCAL_KAFKA_PORT ?? "9092"}`;
const REGISTRY = `http://127.0.0.1:${process.env.LOCAL_REGISTRY_PORT ?? "8081"}/apis/ccompat/v7`;
const REDIS = `redis://127.0.0.1:${process.env.LOCAL_REDIS_PORT ?? "6379"}`;
const kafka = new kafkajs.Kafka({ brokers: [BROKERS], clientId: "bench", logLevel: kafkajs.logLevel.NOTHING });

type Event = { mention: Mention } | { snapshot: EngagementEvent };

async function generateEvents(): Promise<Event[]> {
  const events: Event[] = [];
  for (const event of await simulatedEvents({
    seed: 5,
    maxMentions: MENTIONS,
    startTime: Date.now() - 6 * 3_600_000,
  })) {
    if (event.type === "mention") events.push({ mention: event.mention });
    if (event.type === "engagement") events.push({ snapshot: event.engagement });
  }
  return events;
}

interface Result {
  name: string;
  mentionsPerSecond: number;
  seconds: number;
  peakRssMb: number;
  /** CPU time (user + system) of the enrich stage's process per 1 000 mentions, start-up included. */
  enrichCpuMsPer1k: number | null;
}

/**
 * CPU time a process has used so far, ms (Linux /proc; null elsewhere). Less sensitive than the
 * wall clock to what else the machine runs, which makes it the steadier of the two figures.
 */
function cpuMs(pid: number | undefined): number | null {
  const file = `/proc/${pid}/stat`;
  if (pid === undefined || !existsSync(file)) return null;
  // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
  const fields = readFileSync(file, "utf8")
    .slice(readFileSync(file, "utf8").lastIndexOf(")") + 2)
    .split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** off: no taggers, no enrich stage; taggers: the process stage's taggers only; full: and the enrich stage. */
type Mode = "off" | "taggers" | "full";
const MODE_NAMES: Record<Mode, string> = {
  off: "enrichment off (baseline)",
  taggers: "taggers (1000 queries, Redis reads)",
  full: "taggers + enrich stage (Redis state)",
};

async function run(events: Event[], mode: Mode, queriesFile: string, round: number): Promise<Result> {
  const enriched = mode !== "off";
  const prefix = `bench.enrich.${Date.now().toString(36)}.${round}${mode}.`;
  const config = loadConfig({
    KAFKA_BROKERS: BROKERS,
    SCHEMA_REGISTRY_URL: REGISTRY,
    REDIS_URL: REDIS,
    SIMAK_TOPIC_PREFIX: prefix,
    SIMAK_QUERIES_FILE: queriesFile,
    SIMAK_DATA_DIR: mkdtempSync(join(tmpdir(), "simak-bench-")),
  });
  const logger = pino({ level: "warn" });
  const pipeline = await startPipeline({ config, stages: enriched ? ["process"] : [], http: false, logger });
  // The enrich stage as its own process, as it runs when scaled out.
  const enrich =
    mode === "full"
      ? spawn(
          process.execPath,
          [
            ...(process.env.BENCH_PROFILE ? ["--cpu-prof", "--cpu-prof-dir=/tmp/cpuprof2"] : []),
            "bin/simak.js",
            "run",
            "enrich",
          ],
          {
            env: {
              ...process.env,
              KAFKA_BROKERS: BROKERS,
              SCHEMA_REGISTRY_URL: REGISTRY,
              REDIS_URL: REDIS,
              SIMAK_TOPIC_PREFIX: prefix,
              SIMAK_HTTP_PORT: "0",
              SIMAK_LOG_LEVEL: "warn",
            },
            stdio: ["ignore", "inherit", "inherit"],
          },
        )
      : undefined;
  const extra: StageHandle[] = enriched ? [] : [await startProcessStage(pipeline.context, { taggers: [] })];
  const { context } = pipeline;
  const topic = (id: TopicId) => topicName(config, id);
  const groups = [{ groupId: `${prefix}simak-process`, topics: [topic("mentionsRaw")] }];
  if (mode === "full") {
    groups.push({ groupId: `${prefix}simak-enrich-router`, topics: [topic("mentionsTagged"), topic("engagementRaw")] });
  }
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const producer = await context.bus.producer();
  const start = Date.now();
  for (let i = 0; i < events.length; i += CHUNK) {
    const chunk = events.slice(i, i + CHUNK);
    await producer.sendMany([
      {
        topic: topic("mentionsRaw"),
        records: chunk.flatMap((e) =>
          "mention" in e
            ? [encodeFor(context, "mentionsRaw", postKey(e.mention.platform, e.mention.id), e.mention)]
            : [],
        ),
      },
      {
        topic: topic("engagementRaw"),
        records: chunk.flatMap((e) =>
          "snapshot" in e
            ? [encodeFor(context, "engagementRaw", postKey(e.snapshot.platform, e.snapshot.postId), e.snapshot)]
            : [],
        ),
      },
    ]);
  }
  const end = await caughtUp(kafka, groups, { pollMs: 100 });
  const enrichCpu = cpuMs(enrich?.pid);
  clearInterval(sampler);
  await producer.close();
  for (const stage of extra) await stage.stop();
  enrich?.kill("SIGTERM");
  await pipeline.stop();
  await deleteTopicsWithPrefix(prefix);
  const seconds = (end - start) / 1000;
  return {
    name: MODE_NAMES[mode],
    mentionsPerSecond: Math.round(MENTIONS / seconds),
    seconds: Number(seconds.toFixed(2)),
    peakRssMb: Math.round(peak / 2 ** 20),
    enrichCpuMsPer1k: enrichCpu === null ? null : Math.round((enrichCpu * 1000) / MENTIONS),
  };
}

async function main(): Promise<void> {
  const events = await generateEvents();
  const normalised = events.flatMap((e) => {
    if (!("mention" in e)) return [];
    const result = normaliseMention(e.mention);
    return result.ok ? [result.mention] : [];
  });
  const queriesFile = join(mkdtempSync(join(tmpdir(), "simak-bench-queries-")), "queries.yaml");
  writeFileSync(queriesFile, queryFileText(buildQueries(normalised, QUERIES)));
  // Alternating rounds, so load changes on the machine hit all modes alike.
  const modes: Mode[] = ["off", "taggers", "full"];
  const results: Result[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of modes) results.push(await run(events, mode, queriesFile, round));
  }
  console.table(results);
  const rate = (mode: Mode) =>
    Math.round(
      (ROUNDS * MENTIONS) / results.filter((r) => r.name === MODE_NAMES[mode]).reduce((sum, r) => sum + r.seconds, 0),
    );
  const baseline = rate("off");
  console.log(
    JSON.stringify({
      mentions: MENTIONS,
      snapshots: events.length - normalised.length,
      queries: QUERIES,
      baselineMentionsPerSecond: baseline,
      taggersMentionsPerSecond: rate("taggers"),
      fullMentionsPerSecond: rate("full"),
      taggersRatio: Number((rate("taggers") / baseline).toFixed(3)),
      fullRatio: Number((rate("full") / baseline).toFixed(3)),
      enrichOverTaggers: Number((rate("full") / rate("taggers")).toFixed(3)),
      enrichCpuMsPer1k: Math.round(
        results.reduce((sum, r) => sum + (r.enrichCpuMsPer1k ?? 0), 0) /
          results.filter((r) => r.enrichCpuMsPer1k).length,
      ),
    }),
  );
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
