/**
 * Soak: the embedded start (every stage in one process, in-process bus and state, embedded
 * ClickHouse) fed by the simulator at the default rate (10 mentions/s of event time) as fast as it
 * goes, with the V8 heap, the RSS, the state store's keys per namespace and the bus's retained
 * records sampled as it runs. The state store's clock is the simulation's (the latest event time
 * ingested), so its TTLs expire as they would over the simulated days, not the minutes the run
 * takes. It must level off: heap under 1 GB at the end and not still rising.
 *
 *   npm run bench:soak -- [--mentions 6048000 (a week)] [--samples 20] [--stages ingest,process,enrich]
 *
 * The dashboard stage (HTTP only) is left out; `--stages` picks fewer, e.g. only the stages that
 * keep state, to reach more simulated days in a short run.
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pino from "pino";
import { createIngestor } from "../ingestors/registry.js";
import { STAGE_NAMES, type StageName, startPipeline } from "../runtime/app.js";
import type { MemoryBus } from "../runtime/bus/memory-bus.js";
import { loadConfig } from "../runtime/config.js";
import type { Ingestor } from "../runtime/ingestor.js";
import { MemoryStateStore } from "../runtime/state/memory-state.js";

const { values: flags } = parseArgs({
  options: {
    mentions: { type: "string", default: String(7 * 86_400 * 10) },
    samples: { type: "string", default: "20" },
    stages: { type: "string", default: STAGE_NAMES.filter((stage) => stage !== "dashboard").join(",") },
  },
});
const MENTIONS = Number(flags.mentions);
const SAMPLES = Number(flags.samples);
const HEAP_LIMIT = 1024 ** 3;
const START = Date.UTC(2026, 0, 5);

const dataDir = join(tmpdir(), `simak-soak-${process.pid}`);
const config = loadConfig({
  SIMAK_LOG_LEVEL: "warn",
  SIMAK_DATA_DIR: dataDir,
  SIMAK_SIM_MAX_MENTIONS: String(MENTIONS),
  SIMAK_SIM_START: new Date(START).toISOString(),
  SIMAK_PAGERANK_INTERVAL_MS: "0",
});
let simulatedNow = START;
let ingested = 0;
const simulator = createIngestor("synthetic", config, { speed: 0 });
const ingestor: Ingestor = {
  name: simulator.name,
  async *events(signal) {
    for await (const event of simulator.events(signal)) {
      if (event.type === "mention") {
        simulatedNow = Math.max(simulatedNow, event.mention.eventTime);
        ingested++;
      }
      yield event;
    }
  },
};
const state = new MemoryStateStore(() => simulatedNow);
const stages = flags.stages.split(",") as StageName[];
const pipeline = await startPipeline({ config, stages, ingestor, state, http: false, logger: pino({ level: "warn" }) });
const bus = pipeline.context.bus as MemoryBus;

const namespaceOf = (key: string) => /simak:([a-z-]+(?::[a-z-]+)?)/.exec(key)?.[1] ?? "other";
interface Sample {
  mentions: number;
  simulatedHours: number;
  heapMb: number;
  rssMb: number;
  stateKeys: number;
  setMembers: number;
  busRecords: number;
}
const samples: Sample[] = [];
const mb = (bytes: number) => Math.round(bytes / 1024 ** 2);
function sample(): Sample {
  const memory = process.memoryUsage();
  const inventory = state.inventory(namespaceOf);
  const row: Sample = {
    mentions: ingested,
    simulatedHours: Math.round((simulatedNow - START) / 3_600_000),
    heapMb: mb(memory.heapUsed),
    rssMb: mb(memory.rss),
    stateKeys: [...inventory.values()].reduce((sum, r) => sum + r.keys, 0),
    setMembers: [...inventory.values()].reduce((sum, r) => sum + r.members, 0),
    busRecords: [...bus.retained().values()].reduce((sum, n) => sum + n, 0),
  };
  samples.push(row);
  console.log(
    Object.values(row)
      .map((v) => String(v).padStart(10))
      .join(" "),
  );
  return row;
}

console.log(`soak: ${MENTIONS} mentions at 10/s of event time (${(MENTIONS / 864_000).toFixed(1)} simulated days)`);
console.log(
  Object.keys(sample())
    .map((k) => k.padStart(10))
    .join(" "),
);
let nextSample = MENTIONS / SAMPLES;
const timer = setInterval(() => {
  if (ingested < nextSample) return;
  nextSample += MENTIONS / SAMPLES;
  global.gc?.();
  sample();
}, 200);
await pipeline.ingestFinished;
await pipeline.drained();
clearInterval(timer);
global.gc?.();
const last = sample();
console.log("state by namespace at the end (keys, set members):");
for (const [namespace, row] of [...state.inventory(namespaceOf)].sort()) {
  console.log(`  ${namespace.padEnd(24)} ${String(row.keys).padStart(9)} ${String(row.members).padStart(9)}`);
}
console.log("bus records retained at the end:");
for (const [topic, n] of bus.retained()) if (n > 0) console.log(`  ${topic.padEnd(24)} ${String(n).padStart(9)}`);
const half = samples[Math.floor(samples.length / 2)] as Sample;
const perMentionLate = (last.heapMb - half.heapMb) / Math.max(1, last.mentions - half.mentions);
console.log(
  `heap growth over the second half: ${(perMentionLate * 1024 * 1024).toFixed(0)} B per mention; ` +
    `verdict: ${last.heapMb * 1024 ** 2 < HEAP_LIMIT ? "heap under 1 GB" : "HEAP OVER 1 GB"}`,
);
await pipeline.stop();
rmSync(dataDir, { recursive: true, force: true });
