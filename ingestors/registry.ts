/**
 * Ingestors registered by name, each built from the shared configuration plus command-line
 * options. Adding a platform ingestor means adding its folder and one entry here.
 */
import type { SimakConfig } from "../runtime/config.js";
import type { Ingestor } from "../runtime/ingestor.js";
import { createReplayIngestor } from "./replay/index.js";
import { createSyntheticIngestor, DEMO_SCENARIOS } from "./synthetic/index.js";

export interface IngestorOptions {
  file?: string;
  speed?: number;
}

const FACTORIES = {
  synthetic: (config: SimakConfig, options: IngestorOptions): Ingestor =>
    createSyntheticIngestor({
      name: "synthetic",
      seed: config.simulator.seed,
      startTime: config.simulator.startTime ? Date.parse(config.simulator.startTime) : Date.now(),
      mentionsPerMinute: config.simulator.mentionsPerMinute,
      maxMentions: config.simulator.maxMentions,
      authors: config.simulator.authors,
      speed: options.speed ?? config.simulator.speed,
      scenarios: config.simulator.scenarios === "demo" ? DEMO_SCENARIOS : [],
    }),
  replay: (_config: SimakConfig, options: IngestorOptions): Ingestor => {
    if (!options.file) throw new Error("the replay source needs --file <path>");
    return createReplayIngestor({ name: "replay", path: options.file, speed: options.speed ?? 0 });
  },
} as const;

export type IngestorName = keyof typeof FACTORIES;
export const INGESTOR_NAMES = Object.keys(FACTORIES) as IngestorName[];

export function createIngestor(name: string, config: SimakConfig, options: IngestorOptions): Ingestor {
  const factory = FACTORIES[name as IngestorName];
  if (!factory) throw new Error(`unknown source "${name}"; expected one of ${INGESTOR_NAMES.join(", ")}`);
  return factory(config, options);
}
