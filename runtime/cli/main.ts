/**
 * `simak`: start the whole pipeline, run one stage, replay a file, or query ClickHouse.
 * Configuration comes from the environment and SIMAK_CONFIG (see runtime/config.ts); a bad key
 * stops the command before anything starts.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { createIngestor, INGESTOR_NAMES } from "../../ingestors/registry.js";
import { type Pipeline, STAGE_NAMES, type StageName, startPipeline } from "../app.js";
import { ConfigError, loadConfig, redactConfig, type SimakConfig } from "../config.js";
import { createLogger } from "../logger.js";
import { createStorage } from "../storage/clickhouse.js";
import { migrate } from "../storage/migrations.js";
import { alertsCommand } from "./alerts.js";
import { sentimentCommand } from "./sentiment.js";
import { ingestSources, sourcesCommand } from "./sources.js";

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

async function runPipeline(
  config: SimakConfig,
  stages: StageName[],
  source: { name: string; file?: string; speed?: number },
): Promise<void> {
  const sources = stages.includes("ingest") ? await ingestSources(config, source) : undefined;
  const pipeline = await startPipeline({ config, stages, ingestor: sources?.ingestors });
  sources?.watch(pipeline);
  pipeline.context.logger.info(
    { stages, bus: pipeline.context.bus.kind, state: pipeline.context.state.kind, config: redactConfig(config) },
    "simak running",
  );
  const stopped = stopOnSignals(pipeline);
  if (stages.length === 1 && pipeline.ingestFinished) {
    // An ingest-only process with a bounded source is done when its source is.
    await Promise.race([pipeline.ingestFinished.then(() => pipeline.stop()), stopped]);
    return;
  }
  await stopped;
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
    const ingestor = createIngestor("replay", config, { file, speed: options.speed });
    const pipeline = await startPipeline({ config, stages, ingestor, http: false });
    const counts = await pipeline.ingestFinished;
    if (embedded) await pipeline.drained();
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
    const storage = createStorage(config.clickhouse);
    const applied = await migrate(storage, createLogger(config.log.level), config.retention);
    await storage.close();
    process.stdout.write(`applied migrations: ${applied.length ? applied.join(", ") : "none (up to date)"}\n`);
  });

program.addCommand(sentimentCommand());
program.addCommand(alertsCommand());
program.addCommand(sourcesCommand(() => loadConfig()));

program
  .command("config")
  .description("print the effective configuration (secrets masked)")
  .action(() => {
    process.stdout.write(`${JSON.stringify(redactConfig(loadConfig()), null, 2)}\n`);
  });

/**
 * Embedded ClickHouse lives inside the process that runs the pipeline and holds its data folder,
 * so a query goes to that process's HTTP endpoint when one is running; otherwise the data folder
 * (or the configured server) is opened directly.
 */
async function runSql(config: SimakConfig, query: string, format: string): Promise<string> {
  if (!config.clickhouse.url) {
    const endpoint = `http://${config.http.host}:${config.http.port}/api/sql?format=${encodeURIComponent(format)}`;
    const response = await fetch(endpoint, { method: "POST", body: query }).catch(() => undefined);
    if (response) {
      const text = await response.text();
      if (!response.ok) throw new Error(text.trim());
      return text;
    }
  }
  const storage = createStorage(config.clickhouse);
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
    process.exit(error instanceof ConfigError ? 78 : 1);
  });
