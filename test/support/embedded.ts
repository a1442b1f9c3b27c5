/** A pipeline on the in-process bus and state, silent and without HTTP, kept in `started` to be stopped. */
import pino from "pino";
import { type Pipeline, type StageName, startPipeline } from "../../runtime/app.js";
import { loadConfig } from "../../runtime/config.js";

export async function embeddedPipeline(stages: StageName[], started: Pipeline[]): Promise<Pipeline> {
  const config = loadConfig({ SIMAK_LOG_LEVEL: "silent" });
  const pipeline = await startPipeline({ config, stages, http: false, logger: pino({ level: "silent" }) });
  started.push(pipeline);
  return pipeline;
}
