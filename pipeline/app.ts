/**
 * Assembles a running Simak process: adapters chosen by the configuration (Kafka or the in-process
 * bus, Redis or in-process state, a ClickHouse server or embedded chdb), topics and schemas
 * declared, the HTTP endpoint, and the requested stages started downstream-first. Shutdown runs
 * upstream-first so every stage drains into a still-running successor.
 */
import type { Server } from "node:http";
import type { DashboardStage } from "../dashboard/server/index.js";
import type { Bus } from "../runtime/bus/bus.js";
import { KafkaBus } from "../runtime/bus/kafka-bus.js";
import { MemoryBus } from "../runtime/bus/memory-bus.js";
import type { SimakConfig } from "../runtime/config.js";
import { type PipelineContext, type StageHandle, topicName } from "../runtime/context.js";
import { startHttpServer } from "../runtime/http.js";
import { httpAccess } from "../runtime/http-access.js";
import type { Ingestor } from "../runtime/ingestor.js";
import { createLogger, type Logger } from "../runtime/logger.js";
import { PipelineMetrics } from "../runtime/metrics.js";
import { AvroCodec, createRegistryClient } from "../runtime/serde.js";
import { MemoryStateStore } from "../runtime/state/memory-state.js";
import { RedisStateStore } from "../runtime/state/redis-state.js";
import type { StateStore } from "../runtime/state/state.js";
import type { Storage } from "../runtime/storage/clickhouse.js";
import { contracts } from "../schemas/contracts.js";
import { TOPICS, type TopicId } from "../schemas/topics.js";
import type { IngestStageHandle } from "./stages/ingest.js";

/** Downstream first: the dashboard reads what the sink, the alert and the aggregate stage write. */
export const STAGE_NAMES = [
  "dashboard",
  "sink",
  "alert",
  "aggregate",
  "responsiveness",
  "issues",
  "coordination",
  "enrich",
  "process",
  "ingest",
] as const;
export type StageName = (typeof STAGE_NAMES)[number];

export interface PipelineOptions {
  config: SimakConfig;
  stages: StageName[];
  /** Required when the ingest stage runs: one source, or several (a sources file). */
  ingestor?: Ingestor | readonly Ingestor[];
  logger?: Logger;
  /** Serve /metrics, /healthz (and the dashboard); tests that run several pipelines in one process turn it off. */
  http?: boolean;
  /** Opens the ClickHouse storage; by default createStorage (tests put a fault-injecting one in between). */
  openStorage?: (config: SimakConfig["clickhouse"], limits: SimakConfig["sql"]) => Storage;
  /** The state store to use instead of the configured one (benchmarks: in-process state on a simulated clock). */
  state?: StateStore;
}

export interface Pipeline {
  readonly context: PipelineContext;
  readonly stages: StageHandle[];
  readonly httpPort: number | undefined;
  /** The ingest stage's completion, when it runs. */
  readonly ingestFinished: Promise<unknown> | undefined;
  /** The ingest stage, when it runs (its sources can be replaced while it runs). */
  readonly ingest: IngestStageHandle | undefined;
  /** Embedded bus only: resolves once every consumer has committed everything produced. */
  drained(): Promise<void>;
  stop(): Promise<void>;
}

async function createState(config: SimakConfig, metrics: PipelineMetrics, logger: Logger): Promise<StateStore> {
  if (!config.redis) return new MemoryStateStore();
  const store = new RedisStateStore(config.redis.url, {
    onError: (error) => {
      metrics.redisErrors.inc();
      logger.warn({ component: "redis", err: error }, "redis error");
    },
  });
  await store.connect();
  return store;
}

function createBus(config: SimakConfig, logger: Logger, metrics: PipelineMetrics): Bus {
  const { unhealthyAfterFailures, sessionTimeoutMs, fetchMinBytes, fetchMaxWaitMs } = config.consumer;
  if (!config.kafka) return new MemoryBus(logger.child({ component: "bus" }), { unhealthyAfterFailures, metrics });
  return new KafkaBus({
    brokers: config.kafka.brokers,
    clientId: config.kafka.clientId,
    logger,
    metrics,
    unhealthyAfterFailures,
    sessionTimeoutMs,
    fetchMinBytes,
    fetchMaxWaitMs,
  });
}

/** Declares every topic in the catalogue and registers each value contract under its subject. */
async function declareContracts(config: SimakConfig, bus: Bus, codec: AvroCodec): Promise<Record<TopicId, number>> {
  const ids = Object.keys(TOPICS) as TopicId[];
  await bus.ensureTopics(
    ids.map((id) => ({
      name: topicName(config, id),
      partitions: TOPICS[id].partitions,
      retentionMs: TOPICS[id].retentionMs,
    })),
  );
  const schemaIds = {} as Record<TopicId, number>;
  for (const id of ids) schemaIds[id] = await codec.register(topicName(config, id), contracts[TOPICS[id].value]);
  return schemaIds;
}

export async function startPipeline(options: PipelineOptions): Promise<Pipeline> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.log.level);
  const metrics = new PipelineMetrics();
  const bus = createBus(config, logger, metrics);
  const state = options.state ?? (await createState(config, metrics, logger));
  const codec = new AvroCodec(createRegistryClient(config));
  const schemaIds = await declareContracts(config, bus, codec);

  let storage: Promise<Storage> | undefined;
  const context: PipelineContext = {
    config,
    logger,
    metrics,
    bus,
    state,
    codec,
    schemaIds,
    storage: () => {
      storage ??= (async () => {
        const [{ createStorage }, { migrate }] = await Promise.all([
          import("../runtime/storage/clickhouse.js"),
          import("../runtime/storage/migrations.js"),
        ]);
        const opened = (options.openStorage ?? createStorage)(config.clickhouse, config.sql);
        await migrate(opened, logger, config.retention);
        return opened;
      })();
      return storage;
    },
  };

  const stages: StageHandle[] = [];
  const closers: (() => void)[] = [];
  let ingest: IngestStageHandle | undefined;
  let dashboard: DashboardStage | undefined;
  /** Paths whose requests may carry the access token in the query (the dashboard's event stream). */
  const queryTokenPaths: string[] = [];
  // Each stage's code is loaded only by a process that runs it: a process of one stage (`simak
  // run enrich`) does not pay the start-up of the others' libraries (dashboard, taggers, ingestors,
  // reports, mail, ClickHouse): a few hundred ms of CPU per process (bench:enrichment).
  for (const name of STAGE_NAMES) {
    if (!options.stages.includes(name)) continue;
    if (name === "dashboard") {
      const [
        { DASHBOARD_EVENTS_PATH, startDashboard },
        { expectedSilenceMs, loadSourcesFile },
        { readSourceReadings },
      ] = await Promise.all([
        import("../dashboard/server/index.js"),
        import("../ingestors/sources.js"),
        import("./stages/source-state.js"),
      ]);
      const file = config.ingest.sourcesFile;
      // The Sumber page reads the file each time, so it follows the file's reloads.
      dashboard = await startDashboard(context, {
        sources: file
          ? async () => {
              const { sources } = await loadSourcesFile(file);
              const entries = sources.map((entry) => ({
                id: entry.id,
                type: entry.type,
                expectedSilenceMs: expectedSilenceMs(entry),
              }));
              return readSourceReadings(state, config.topicPrefix, entries);
            }
          : undefined,
      });
      queryTokenPaths.push(DASHBOARD_EVENTS_PATH);
      stages.push(dashboard);
    }
    if (name === "sink") stages.push(await (await import("../sinks/clickhouse/index.js")).startClickHouseSink(context));
    if (name === "alert") stages.push(await (await import("./stages/alert.js")).startAlertStage(context));
    if (name === "aggregate") stages.push(await (await import("./stages/aggregate.js")).startAggregateStage(context));
    if (name === "responsiveness")
      stages.push(await (await import("./stages/responsiveness.js")).startResponsivenessStage(context));
    if (name === "issues") stages.push(await (await import("./stages/issues.js")).startIssuesStage(context));
    if (name === "coordination")
      stages.push(await (await import("./stages/coordination.js")).startCoordinationStage(context));
    if (name === "enrich") stages.push(await (await import("./stages/enrich.js")).startEnrichStage(context));
    if (name === "process") {
      const [{ openTaggers }, { startProcessStage }] = await Promise.all([
        import("../processors/index.js"),
        import("./stages/process.js"),
      ]);
      const opened = await openTaggers({ ...config.process, state, prefix: config.topicPrefix, logger });
      closers.push(opened.close);
      stages.push(await startProcessStage(context, { taggers: opened.taggers }));
    }
    if (name === "ingest") {
      if (!options.ingestor) throw new Error("the ingest stage needs an ingestor");
      ingest = await (await import("./stages/ingest.js")).startIngestStage(context, options.ingestor);
      stages.push(ingest);
    }
  }

  let server: Server | undefined;
  if (options.http !== false) {
    // Embedded ClickHouse can only be read by the process that opened it.
    const readsStorage = Boolean(storage) || options.stages.includes("sink") || options.stages.includes("aggregate");
    server = await startHttpServer({
      host: config.http.host,
      port: config.http.port,
      access: httpAccess(config),
      queryTokenPaths,
      metrics,
      logger,
      // The state store on its own: a hung Redis fails /healthz in every process that uses it.
      health: () => [
        ...stages.map((stage) => ({ name: stage.name, healthy: () => stage.healthy() })),
        { name: "state", healthy: () => state.healthy() },
      ],
      sql: readsStorage ? async (query, format) => (await context.storage()).queryText(query, format) : undefined,
      handlers: [
        ...(readsStorage ? [(await import("./api/persepsi.js")).persepsiHandler(context.storage)] : []),
        ...(dashboard ? [dashboard.handle] : []),
      ],
    });
  }
  const address = server?.address();

  let stopping: Promise<void> | undefined;
  return {
    context,
    stages,
    httpPort: address && typeof address === "object" ? address.port : undefined,
    ingestFinished: ingest?.finished,
    ingest,
    drained: async () => {
      if (!(bus instanceof MemoryBus)) throw new Error("drained() is only defined for the embedded bus");
      await bus.drained();
    },
    stop: () => {
      stopping ??= (async () => {
        for (const stage of [...stages].reverse()) await stage.stop();
        for (const close of closers) close();
        await bus.close();
        await state.close();
        if (storage) await (await storage).close();
        await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
        logger.info("pipeline stopped");
      })();
      return stopping;
    },
  };
}
