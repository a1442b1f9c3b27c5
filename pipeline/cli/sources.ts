/**
 * The sources file at the command line: which ingestors `simak start` and `simak run ingest` run
 * (and their reload when the file changes), and `simak sources list | check | test`.
 */
import { access } from "node:fs/promises";
import { Command, InvalidArgumentError } from "commander";
import { checkMeta } from "../../ingestors/meta/index.js";
import { createIngestor, createSourceIngestor, type SourceServices, xOptions } from "../../ingestors/registry.js";
import { toReplayLine } from "../../ingestors/replay/index.js";
import { parseFeed } from "../../ingestors/rss/feed.js";
import {
  loadSourcesFile,
  openSourcesFile,
  type SourceEntry,
  type SourcesConfig,
  unchangedSources,
} from "../../ingestors/sources.js";
import { checkTiktok } from "../../ingestors/tiktok/index.js";
import { checkX } from "../../ingestors/x/index.js";
import { checkYoutube } from "../../ingestors/youtube/index.js";
import type { SimakConfig } from "../../runtime/config.js";
import { HttpClient, redactUrl } from "../../runtime/http-client.js";
import type { Ingestor } from "../../runtime/ingestor.js";
import { MemoryStateStore } from "../../runtime/state/memory-state.js";
import { RedisStateStore } from "../../runtime/state/redis-state.js";
import type { StateStore } from "../../runtime/state/state.js";
import type { WatchOptions } from "../../runtime/watched-file.js";
import type { Pipeline } from "../app.js";
import { describeCheckpoints, readCheckpoints, readStatus } from "../stages/source-state.js";

export interface SourceSelection {
  name: string;
  file?: string;
  speed?: number;
}

/** What the ingest stage runs: the sources file's sources when it is set, else `--source`. */
export interface IngestSources {
  ingestors: Ingestor[];
  /** Reloads the sources into the running pipeline when the file changes. */
  watch(pipeline: Pipeline): void;
  close(): void;
}

export async function ingestSources(config: SimakConfig, selection: SourceSelection): Promise<IngestSources> {
  const file = config.ingest.sourcesFile;
  if (!file)
    return {
      ingestors: [createIngestor(selection.name, config, selection)],
      watch: () => undefined,
      close: () => undefined,
    };
  const services: SourceServices = {};
  const build = (sources: SourcesConfig) =>
    sources.sources.map((entry) => createSourceIngestor(entry, config, services));
  // The pipeline that reloads exists only once the ingestors are built: the listeners find it here.
  let onReload: WatchOptions<SourcesConfig>["onReload"];
  let onError: WatchOptions<SourcesConfig>["onError"];
  const watched = await openSourcesFile(file, {
    onReload: (event) => onReload?.(event),
    onError: (error) => onError?.(error),
  });
  const ingestors = build(watched.current());
  return {
    ingestors,
    watch: (pipeline) => {
      const { logger } = pipeline.context;
      const ingest = pipeline.ingest;
      if (!ingest) return;
      onReload = ({ value, previous }) => {
        const unchanged = unchangedSources(previous, value);
        let next: Ingestor[];
        try {
          next = build(value);
        } catch (error) {
          logger.error(
            { err: error, file },
            "sources file reloaded, but a source cannot be built; keeping the sources in force",
          );
          return;
        }
        ingest.replaceSources(next, unchanged).then(
          () => logger.info({ file, sources: value.sources.map((entry) => entry.id) }, "sources reloaded"),
          (error: Error) => logger.error({ err: error }, "reloading sources failed"),
        );
      };
      onError = (error) => logger.error({ file, problems: error.message }, "sources file not reloaded");
      watched.watch();
    },
    close: () => watched.close(),
  };
}

async function openState(config: SimakConfig): Promise<StateStore> {
  if (!config.redis) return new MemoryStateStore();
  const store = new RedisStateStore(config.redis.url);
  await store.connect();
  return store;
}

function requireSourcesFile(config: SimakConfig): string {
  if (!config.ingest.sourcesFile) throw new InvalidArgumentError("set SIMAK_SOURCES_FILE to the sources file");
  return config.ingest.sourcesFile;
}

const iso = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z") : "-");

async function listSources(config: SimakConfig, now = Date.now()): Promise<string> {
  const sources = await loadSourcesFile(requireSourcesFile(config));
  const state = await openState(config);
  try {
    const rows = [
      ["id", "type", "last success", "checkpoint", "items 1h", "dead letters 1h", "lag", "rate-limited until"],
    ];
    for (const entry of sources.sources) {
      const status = await readStatus(state, config.topicPrefix, entry.id);
      const checkpoints = describeCheckpoints(await readCheckpoints(state, config.topicPrefix, entry.id));
      const lastSuccess = checkpoints.lastSuccess ?? status?.lastItemAt ?? null;
      const lag = status?.newestEventTime ? `${Math.round((now - status.newestEventTime) / 1000)}s` : "-";
      const limited = status?.rateLimitedUntil && status.rateLimitedUntil > now ? iso(status.rateLimitedUntil) : "-";
      rows.push([
        entry.id,
        entry.type,
        iso(lastSuccess),
        checkpoints.summary,
        String(status?.itemsLastHour ?? 0),
        String(status?.invalidLastHour ?? 0),
        lag,
        limited,
        checkpoints.lastError ? `${iso(checkpoints.lastError.at)} ${checkpoints.lastError.text}` : "-",
      ]);
    }
    const note =
      state.kind === "memory" ? "(no REDIS_URL: an embedded pipeline keeps its state in its own process)\n" : "";
    return `${note}${table(rows)}`;
  } finally {
    await state.close();
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return `${rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n")}\n`;
}

/** One request (or check) for a source: null when it works, else the platform's error. */
async function checkSource(entry: SourceEntry, config: SimakConfig, http: HttpClient): Promise<string | null> {
  switch (entry.type) {
    case "rss": {
      const ingestor = createSourceIngestor(entry, config, {});
      const url = ingestor.streams?.[0];
      if (!url) return "no feeds";
      const response = await http.request({ url, source: entry.id, timeoutMs: entry.timeoutSeconds * 1000 });
      if (response.status === 304) return null;
      if (response.status >= 400)
        return `${redactUrl(url)}: HTTP ${response.status}: ${response.body.split("\n")[0]?.slice(0, 200)}`;
      try {
        parseFeed(response.body);
        return null;
      } catch (error) {
        return `${redactUrl(url)}: ${(error as Error).message}`;
      }
    }
    case "meta":
      if (entry.webhook && !config.ingest.webhookListen) return "set SIMAK_WEBHOOK_LISTEN to host:port (webhook)";
      return checkMeta({ ...entry, name: entry.id, timeoutMs: entry.timeoutSeconds * 1000 }, http);
    case "tiktok":
      return checkTiktok({ ...entry, name: entry.id, timeoutMs: entry.timeoutSeconds * 1000 }, http);
    case "youtube":
      return checkYoutube({ ...entry, name: entry.id, timeoutMs: entry.timeoutSeconds * 1000 }, http);
    case "x":
      return checkX(xOptions(entry, config), http);
    case "webhook":
      // A push source makes no request: it needs its listener and its secrets, both checked here.
      return config.ingest.webhookListen ? null : "set SIMAK_WEBHOOK_LISTEN to host:port";
    case "replay":
      return access(entry.file).then(
        () => null,
        (error: Error) => error.message,
      );
    case "synthetic":
      return null;
  }
}

async function checkSources(config: SimakConfig, id: string | undefined): Promise<{ output: string; failed: boolean }> {
  const sources = await loadSourcesFile(requireSourcesFile(config));
  const chosen = id ? sources.sources.filter((entry) => entry.id === id) : sources.sources;
  if (id && chosen.length === 0) throw new InvalidArgumentError(`no source '${id}' in ${sources.file}`);
  const http = new HttpClient({ maxAttempts: 1 });
  const lines: string[] = [];
  let failed = false;
  for (const entry of chosen) {
    const problem = await checkSource(entry, config, http).catch((error: Error) => error.message);
    failed ||= problem !== null;
    lines.push(`${entry.id} (${entry.type}): ${problem === null ? "ok" : `FAILED: ${problem}`}`);
  }
  return { output: `${lines.join("\n")}\n`, failed };
}

/** One fetch round of a source, printed as replay lines; nothing published, no checkpoint stored. */
async function testSource(
  config: SimakConfig,
  id: string,
  limit: number,
  write: (line: string) => void,
): Promise<void> {
  const sources = await loadSourcesFile(requireSourcesFile(config));
  const entry = sources.sources.find((candidate) => candidate.id === id);
  if (!entry) throw new InvalidArgumentError(`no source '${id}' in ${sources.file}`);
  if (entry.type === "webhook") throw new InvalidArgumentError(`'${id}' is a webhook: it receives, it does not fetch`);
  const ingestor = createSourceIngestor(entry, config, { pollOnly: true });
  const abort = new AbortController();
  const context = {
    checkpoints: new Map<string, string>(),
    http: new HttpClient(),
    store: { get: async () => null, set: async () => undefined },
  };
  const pendingStreams = new Set(ingestor.streams ?? []);
  let printed = 0;
  for await (const event of ingestor.events(abort.signal, context)) {
    if (event.type === "checkpoint") pendingStreams.delete(event.stream);
    else if (event.type === "invalid") process.stderr.write(`dead letter ${event.errorCode}: ${event.reason}\n`);
    else if (event.type === "change") {
      write(JSON.stringify({ type: "change", ...event.change }));
      printed++;
    } else {
      const line = toReplayLine(event);
      if (line !== undefined) {
        write(line);
        printed++;
      }
    }
    if (printed >= limit || (ingestor.streams && pendingStreams.size === 0)) break;
  }
  abort.abort();
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

export function sourcesCommand(loadConfig: () => SimakConfig): Command {
  const command = new Command("sources").description("the sources of SIMAK_SOURCES_FILE: state, checks, a trial fetch");
  command
    .command("list")
    .description("each source's state: last success, checkpoint, items in the last hour, lag, rate-limit wait")
    .action(async () => {
      process.stdout.write(await listSources(loadConfig()));
    });
  command
    .command("check")
    .description("validate the file and make one request per source; non-zero exit when any fails")
    .argument("[id]", "only this source")
    .action(async (id: string | undefined) => {
      const { output, failed } = await checkSources(loadConfig(), id);
      process.stdout.write(output);
      if (failed) throw new Error("a source failed its check (above)");
    });
  command
    .command("test")
    .description(
      "one fetch round: print the Mentions and EngagementEvents it would publish (JSON lines); publishes nothing",
    )
    .argument("<id>", "the source")
    .option("--limit <n>", "stop after n events", positiveInt, 100)
    .action(async (id: string, options: { limit: number }) => {
      await testSource(loadConfig(), id, options.limit, (line) => process.stdout.write(`${line}\n`));
    });
  return command;
}
