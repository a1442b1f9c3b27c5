/**
 * `simak`: start the whole pipeline, run one stage, replay a file, or query ClickHouse.
 * Configuration comes from the environment and SIMAK_CONFIG (see runtime/config.ts); a bad key
 * stops the command before anything starts.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { INGESTOR_NAMES } from "../../ingestors/names.js";
import { ConfigError, loadConfig, redactConfig, type SimakConfig } from "../../runtime/config.js";
import { createConsoleLogger, createLogger, logsArePretty } from "../../runtime/logger.js";
import { terminalColors } from "../../runtime/pretty-log.js";
import { type Pipeline, STAGE_NAMES, type StageName, startPipeline } from "../app.js";
import { startConsole, totalsBy } from "./console.js";
import { startProgress } from "./progress.js";
import { queryRunningProcess } from "./sql-endpoint.js";

function speedOption(value: string): number {
  const speed = Number(value);
  if (!Number.isFinite(speed) || speed < 0) throw new InvalidArgumentError("expected a number >= 0");
  return speed;
}

/** Runs until SIGTERM/SIGINT, then shuts the pipeline down gracefully; a second signal forces exit. */
function stopOnSignals(pipeline: Pipeline): Promise<void> {
  return new Promise((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) process.exit(1);
      signalled = true;
      pipeline.context.logger.info({ signal }, "shutting down");
      pipeline.stop().then(resolve, (error: Error) => {
        pipeline.context.logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      });
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
}

/** How often a terminal shows the one-line status of a running pipeline. */
const STATUS_INTERVAL_MS = 10_000;

async function runPipeline(
  config: SimakConfig,
  stages: StageName[],
  source: { name: string; file?: string; speed?: number },
): Promise<void> {
  const sources = stages.includes("ingest")
    ? await (await import("./sources.js")).ingestSources(config, source)
    : undefined;
  const pipeline = await startPipeline({
    config,
    stages,
    ingestor: sources?.ingestors,
    logger: createConsoleLogger(config.log),
  });
  sources?.watch(pipeline);
  pipeline.context.logger.info(
    { stages, bus: pipeline.context.bus.kind, state: pipeline.context.state.kind, config: redactConfig(config) },
    "simak running",
  );
  const stopConsole = logsArePretty(config.log.format)
    ? startConsole(pipeline, {
        out: process.stderr,
        intervalMs: STATUS_INTERVAL_MS,
        colors: terminalColors(process.stderr),
      })
    : undefined;
  const stopped = stopOnSignals(pipeline).finally(stopConsole);
  if (!pipeline.ingestFinished) return stopped;
  // An ingest-only process with a bounded source is done when its source is; an ingest stage that
  // gave up fails the process, whatever else runs in it, so a supervisor sees it and restarts it.
  const ingested = pipeline.ingestFinished.then(
    () => (stages.length === 1 ? pipeline.stop() : stopped),
    async (error: Error) => {
      await pipeline.stop();
      stopConsole?.();
      throw error;
    },
  );
  await Promise.race([ingested, stopped]);
}

const program = new Command()
  .name("simak")
  .description("Real-time social listening for Indonesian government public-relations units")
  .showHelpAfterError();

const sourceOption = new Option("--source <name>", "ingestor feeding the ingest stage")
  .choices(INGESTOR_NAMES)
  .default("synthetic");

program
  .command("start")
  .description("run every stage in this process (embedded by default, or against the configured services)")
  .addOption(sourceOption)
  .option("--file <path>", "input file for the replay source")
  .option("--speed <n>", "pace relative to event time (1 = real time, 0 = as fast as possible)", speedOption)
  .action(async (options: { source: string; file?: string; speed?: number }) => {
    await runPipeline(loadConfig(), [...STAGE_NAMES], { name: options.source, ...options });
  });

program
  .command("run")
  .description("run one stage as its own process")
  .argument("<stage>", `one of ${STAGE_NAMES.join(", ")}`)
  .addOption(sourceOption)
  .option("--file <path>", "input file for the replay source")
  .option("--speed <n>", "pace relative to event time", speedOption)
  .action(async (stage: string, options: { source: string; file?: string; speed?: number }) => {
    if (!(STAGE_NAMES as readonly string[]).includes(stage)) {
      throw new InvalidArgumentError(`unknown stage "${stage}"; expected one of ${STAGE_NAMES.join(", ")}`);
    }
    await runPipeline(loadConfig(), [stage as StageName], { name: options.source, ...options });
  });

program
  .command("replay")
  .description("replay mentions from a JSONL file; embedded: through every stage until stored, then exit")
  .argument("<file>", "JSONL file of Mention (and EngagementEvent) objects")
  .option("--speed <n>", "1 = original pace, 0 = as fast as possible", speedOption, 0)
  .action(async (file: string, options: { speed: number }) => {
    const config = loadConfig();
    const embedded = !config.kafka;
    const stages: StageName[] = embedded ? [...STAGE_NAMES] : ["ingest"];
    const { createIngestor } = await import("../../ingestors/registry.js");
    const ingestor = createIngestor("replay", config, { file, speed: options.speed });
    const logger = createConsoleLogger(config.log);
    const pipeline = await startPipeline({ config, stages, ingestor, http: false, logger });
    const { eventsOut } = pipeline.context.metrics;
    const progress = startProgress(async () => {
      const out = await totalsBy(eventsOut, "stage");
      return `replay: ${out.get("ingest") ?? 0} events read${embedded ? `, ${out.get("sink") ?? 0} rows stored` : ""}`;
    });
    const counts = await pipeline.ingestFinished;
    if (embedded) await pipeline.drained();
    progress.stop();
    await pipeline.stop();
    process.stdout.write(`${JSON.stringify(counts)}\n`);
  });

program
  .command("sql")
  .description("run a read-only query against ClickHouse and print the result as a table")
  .argument("<query>", 'SQL, e.g. "SELECT count() FROM simak.tagged_mentions"')
  .option("--format <format>", "any ClickHouse output format", "PrettyCompactMonoBlock")
  .action(async (query: string, options: { format: string }) => {
    const config = loadConfig();
    process.stdout.write(await runSql(config, query, options.format));
  });

program
  .command("migrate")
  .description("create or migrate the ClickHouse tables, then exit")
  .action(async () => {
    const config = loadConfig();
    const [{ createStorage }, { migrate }] = await Promise.all([
      import("../../runtime/storage/clickhouse.js"),
      import("../../runtime/storage/migrations.js"),
    ]);
    const storage = createStorage(config.clickhouse);
    const applied = await migrate(storage, createLogger(config.log.level), config.retention);
    await storage.close();
    process.stdout.write(`applied migrations: ${applied.length ? applied.join(", ") : "none (up to date)"}\n`);
  });

/**
 * The commands besides the pipeline's, each with its own libraries (ClickHouse, reports, models,
 * every ingestor): loaded only when the command line is not one of the pipeline's commands (it
 * names one of these, asks for help, or is wrong), so that a stage's process (`simak run enrich`)
 * starts without them: about 250 ms of CPU less per process (bench:enrichment).
 */
const MORE_COMMANDS: (() => Promise<Command>)[] = [
  async () => (await import("./sentiment.js")).sentimentCommand(),
  async () => (await import("./places.js")).placesCommand(),
  async () => (await import("./alerts.js")).alertsCommand(),
  async () => (await import("./responsiveness.js")).responsivenessCommand(),
  async () => (await import("./report.js")).reportCommand(),
  async () => (await import("./sources.js")).sourcesCommand(() => loadConfig()),
];
const PIPELINE_COMMANDS = new Set(["start", "run", "replay", "sql", "migrate", "config"]);
if (!PIPELINE_COMMANDS.has(process.argv[2] ?? "")) {
  for (const command of await Promise.all(MORE_COMMANDS.map((load) => load()))) program.addCommand(command);
}

program
  .command("config")
  .description("print the effective configuration (secrets masked)")
  .action(() => {
    process.stdout.write(`${JSON.stringify(redactConfig(loadConfig()), null, 2)}\n`);
  });

/**
 * A query goes to the running process's HTTP endpoint when one runs embedded ClickHouse
 * (sql-endpoint.ts); otherwise the data folder (or the configured server) is opened directly.
 * Either way Storage.queryText's guard and limits apply.
 */
async function runSql(config: SimakConfig, query: string, format: string): Promise<string> {
  if (!config.clickhouse.url) {
    const answer = await queryRunningProcess(config, query, format);
    if (answer !== undefined) return answer;
  }
  const { createStorage } = await import("../../runtime/storage/clickhouse.js");
  const storage = createStorage(config.clickhouse, config.sql);
  try {
    return await storage.queryText(query, format);
  } finally {
    await storage.close();
  }
}

program
  .parseAsync(process.argv)
  // Everything is stopped and flushed by now; exit once stdout is written out, even if a client
  // library left a timer behind.
  .then(() => process.stdout.write("", () => process.exit(0)))
  .catch((error: Error) => {
    process.stderr.write(`simak: ${error.message}\n`);
    // A command may name its own status (simak report: 64 bad input, 65 no data).
    const own = (error as { exitCode?: unknown }).exitCode;
    process.exit(error instanceof ConfigError ? 78 : typeof own === "number" && own > 1 ? own : 1);
  });
