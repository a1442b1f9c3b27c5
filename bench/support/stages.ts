/**
 * Several stages in one process, configured from the environment as `simak run <stage>` is: the
 * full-pipeline benchmark runs the stages that write the embedded ClickHouse here, because chdb's
 * data folder can be opened by one process only (a ClickHouse server lifts that: CLICKHOUSE_URL).
 * Logs "simak running" once every stage has started, and "event loop stalled" for each second in
 * which a callback waited more than 200 ms to run; SIGTERM stops them and exits.
 *
 *   node --import tsx bench/support/stages.ts sink aggregate responsiveness alert dashboard
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { STAGE_NAMES, type StageName, startPipeline } from "../../pipeline/app.js";
import { loadConfig } from "../../runtime/config.js";
import { createLogger } from "../../runtime/logger.js";

const stages = process.argv.slice(2);
for (const stage of stages)
  if (!(STAGE_NAMES as readonly string[]).includes(stage)) throw new Error(`unknown stage "${stage}"`);
const config = loadConfig();
const logger = createLogger(config.log.level);
const pipeline = await startPipeline({ config, stages: stages as StageName[], logger });
logger.info({ stages, httpPort: pipeline.httpPort }, "simak running");
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
setInterval(() => {
  const maxMs = delay.max / 1e6;
  if (maxMs > 200) logger.warn({ maxMs: Math.round(maxMs) }, "event loop stalled");
  delay.reset();
}, 1000).unref();
const stop = () => {
  pipeline.stop().then(
    () => process.exit(0),
    (error: Error) => {
      logger.error({ err: error }, "shutdown failed");
      process.exit(1);
    },
  );
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
