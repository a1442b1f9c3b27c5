/**
 * Ingestors registered by name, each built from the shared configuration plus command-line
 * options (`--source`), and the sources of a sources file (SIMAK_SOURCES_FILE), each built from
 * its entry. Adding a platform ingestor means adding its folder, its entry schema to sources.ts
 * and one case here.
 */
import { readFileSync } from "node:fs";
import { parseQueryFile } from "../processors/topics/load.js";
import { ConfigError, type SimakConfig } from "../runtime/config.js";
import type { Ingestor } from "../runtime/ingestor.js";
import { createMetaIngestor } from "./meta/index.js";
import { INGESTOR_NAMES, type IngestorName } from "./names.js";
import { createReplayIngestor } from "./replay/index.js";
import { googleNewsFeeds } from "./rss/google-news.js";
import { createRssIngestor, type FeedSpec } from "./rss/index.js";
import type { SourceEntry } from "./sources.js";
import { createSyntheticIngestor, DEMO_SCENARIOS } from "./synthetic/index.js";
import { createTiktokIngestor } from "./tiktok/index.js";
import { createWebhookIngestor, WebhookListener } from "./webhook/index.js";
import { buildRules, createXIngestor, type XOptions } from "./x/index.js";
import { createYoutubeIngestor } from "./youtube/index.js";

export interface IngestorOptions {
  file?: string;
  speed?: number;
}

const FACTORIES = {
  synthetic: (config: SimakConfig, options: IngestorOptions, name = "synthetic"): Ingestor =>
    createSyntheticIngestor({
      name,
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
} satisfies Record<IngestorName, (config: SimakConfig, options: IngestorOptions) => Ingestor>;

export function createIngestor(name: string, config: SimakConfig, options: IngestorOptions): Ingestor {
  const factory = FACTORIES[name as IngestorName];
  if (!factory) throw new Error(`unknown source "${name}"; expected one of ${INGESTOR_NAMES.join(", ")}`);
  return factory(config, options);
}

/** What sources of one process share: the webhook listener, created when a webhook source is built. */
export interface SourceServices {
  webhookListener?: WebhookListener;
  /** Build pollers without their webhooks (`simak sources test`: fetch, never listen). */
  pollOnly?: boolean;
}

function webhookListener(id: string, config: SimakConfig, services: SourceServices): WebhookListener {
  if (!config.ingest.webhookListen)
    throw new ConfigError(
      `source '${id}' serves a webhook: set SIMAK_WEBHOOK_LISTEN (ingest.webhookListen) to host:port`,
      "ingest.webhookListen",
    );
  services.webhookListener ??= WebhookListener.parse(config.ingest.webhookListen);
  return services.webhookListener;
}

/** The monitoring queries a source follows: those named (`key` names them in errors), or all of them. */
function monitoringQueries(config: SimakConfig, id: string, key: string, wanted: readonly string[] | undefined) {
  const file = config.process.queriesFile;
  const queries = parseQueryFile(readFileSync(file, "utf8"), file);
  const unknown = wanted?.filter((queryId) => !queries.some((query) => query.id === queryId)) ?? [];
  if (unknown.length > 0) throw new Error(`source '${id}': ${key}: no query ${unknown.join(", ")} in ${file}`);
  return wanted ? queries.filter((query) => wanted.includes(query.id)) : queries;
}

function rssFeeds(entry: Extract<SourceEntry, { type: "rss" }>, config: SimakConfig): FeedSpec[] {
  const feeds: FeedSpec[] = entry.feeds.map((url) => ({ url }));
  if (!entry.googleNews) return feeds;
  const chosen = monitoringQueries(config, entry.id, "googleNews.queries", entry.googleNews.queries);
  return [...feeds, ...googleNewsFeeds(entry.baseUrl, chosen, entry.googleNews)];
}

/** An x entry's ingestor options: its rules built from the monitoring queries. */
export function xOptions(entry: Extract<SourceEntry, { type: "x" }>, config: SimakConfig): XOptions {
  const queries = monitoringQueries(config, entry.id, "queries", entry.queries);
  const { rules, problems } = buildRules(queries, { maxLength: entry.maxRuleLength, suffix: entry.ruleSuffix });
  return {
    name: entry.id,
    bearerToken: entry.bearerToken,
    credential: entry.credential,
    rules,
    ruleProblems: problems,
    baseUrl: entry.baseUrl,
    dailyPostReads: entry.dailyPostReads,
    maxSearchPages: entry.maxSearchPages,
    lookbackMs: entry.lookbackSeconds * 1000,
    backfillMs: entry.backfillMinutes * 60_000,
    stallMs: entry.stallSeconds * 1000 + 1000,
    timeoutMs: entry.timeoutSeconds * 1000,
  };
}

/** The ingestor of one entry of the sources file. */
export function createSourceIngestor(entry: SourceEntry, config: SimakConfig, services: SourceServices): Ingestor {
  switch (entry.type) {
    case "synthetic": {
      const { speed, mentionsPerMinute, maxMentions, seed } = entry;
      const simulator = {
        ...config.simulator,
        ...(mentionsPerMinute !== undefined && { mentionsPerMinute }),
        ...(maxMentions !== undefined && { maxMentions }),
        ...(seed !== undefined && { seed }),
      };
      return FACTORIES.synthetic({ ...config, simulator }, { speed }, entry.id);
    }
    case "replay":
      return createReplayIngestor({ name: entry.id, path: entry.file, speed: entry.speed });
    case "rss":
      return createRssIngestor({
        name: entry.id,
        feeds: rssFeeds(entry, config),
        pollSeconds: entry.pollSeconds,
        platform: entry.platform,
        timeoutMs: entry.timeoutSeconds * 1000,
      });
    case "x":
      return createXIngestor(xOptions(entry, config));
    case "webhook":
      return createWebhookIngestor({ ...entry, name: entry.id, listener: webhookListener(entry.id, config, services) });
    case "tiktok": {
      const { timeoutSeconds, ...rest } = entry;
      return createTiktokIngestor({ ...rest, name: entry.id, timeoutMs: timeoutSeconds * 1000 });
    }
    case "youtube": {
      const { timeoutSeconds, ...rest } = entry;
      return createYoutubeIngestor({ ...rest, name: entry.id, timeoutMs: timeoutSeconds * 1000 });
    }
    case "meta": {
      const { webhook, timeoutSeconds, ...rest } = entry;
      return createMetaIngestor({
        ...rest,
        name: entry.id,
        timeoutMs: timeoutSeconds * 1000,
        webhook:
          webhook && !services.pollOnly
            ? { ...webhook, listener: webhookListener(entry.id, config, services) }
            : undefined,
      });
    }
  }
}
