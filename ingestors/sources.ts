/**
 * The sources file (SIMAK_SOURCES_FILE): the sources the ingest stage listens to.
 *
 *   sources:
 *     - id: berita-nasional
 *       type: rss
 *       feeds: [https://www.antaranews.com/rss/terkini.xml]
 *     - id: vendor-tiktok
 *       type: webhook
 *       secrets: ["${WEBHOOK_VENDOR_SECRET}"]
 *
 * Every entry has an `id` (lower-case letters, digits and dashes: it names the source in metrics,
 * checkpoints and `simak sources`), a `type` with its own keys, and may set `silenceMinutes` (the
 * dashboard warns after that long without an item; by default three poll intervals). Secrets are `${ENV}`
 * references. Every problem is reported together as `file:line:column: source 'id': key: reason`;
 * the file is reloadable (`openSourcesFile`): a bad edit keeps the sources in force.
 */
import { readFile } from "node:fs/promises";
import { isScalar, parse } from "yaml";
import { z } from "zod";
import {
  formatSourceIssue,
  keyNodeAt,
  type SourceIssue,
  YamlReporter,
  YamlSource,
} from "../processors/topics/yaml-source.js";
import { type Env, substituteEnv } from "../runtime/env-reference.js";
import { WatchedFile, type WatchOptions } from "../runtime/watched-file.js";
import { metaSourceSchema } from "./meta/config.js";
import { rssSourceSchema } from "./rss/config.js";
import { tiktokSourceSchema } from "./tiktok/config.js";
import { webhookSourceSchema } from "./webhook/config.js";
import { xSourceSchema } from "./x/config.js";
import { youtubeSourceSchema } from "./youtube/config.js";

const SOURCE_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const syntheticSourceSchema = z
  .object({
    type: z.literal("synthetic"),
    /** Overrides of the simulator's configuration (SIMAK_SIM_*). */
    speed: z.number().min(0).optional(),
    mentionsPerMinute: z.number().int().positive().optional(),
    maxMentions: z.number().int().positive().optional(),
    seed: z.number().int().optional(),
  })
  .strict();

const replaySourceSchema = z
  .object({
    type: z.literal("replay"),
    file: z.string().min(1),
    /** 1 = original pace, 0 = as fast as possible. */
    speed: z.number().min(0).default(0),
  })
  .strict();

const SCHEMAS = {
  rss: rssSourceSchema,
  meta: metaSourceSchema,
  youtube: youtubeSourceSchema,
  tiktok: tiktokSourceSchema,
  webhook: webhookSourceSchema,
  x: xSourceSchema,
  synthetic: syntheticSourceSchema,
  replay: replaySourceSchema,
} as const;
/** Keys that hold a credential: only a `${ENV}` reference is accepted, so the secret is never in the file. */
const SECRET_KEYS: Partial<Record<SourceType, Readonly<Record<string, string>>>> = {
  // key -> the variable the example file uses, named in the message
  x: { bearerToken: "X_BEARER_TOKEN" },
  meta: { accessToken: "META_PAGE_TOKEN" },
  youtube: { apiKey: "YOUTUBE_API_KEY" },
  tiktok: { accessToken: "TIKTOK_ACCESS_TOKEN" },
};
const ONLY_ENV_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

export type SourceType = keyof typeof SCHEMAS;
export const SOURCE_TYPES = Object.keys(SCHEMAS) as SourceType[];

export type SourceEntry = {
  [T in SourceType]: z.infer<(typeof SCHEMAS)[T]> & {
    id: string;
    /** Minutes without an item after which the dashboard warns (`silenceMinutes`, any type). */
    silenceMinutes?: number;
  };
}[SourceType];

/**
 * How long the source may stay silent before the dashboard warns: its `silenceMinutes`, else three
 * of its poll intervals; null (never) for a source that only receives or reads a file.
 */
export function expectedSilenceMs(entry: SourceEntry): number | null {
  if (entry.silenceMinutes !== undefined) return entry.silenceMinutes * 60_000;
  if ("pollSeconds" in entry && typeof entry.pollSeconds === "number") return 3 * entry.pollSeconds * 1000;
  if ("pollMinutes" in entry && typeof entry.pollMinutes === "number") return 3 * entry.pollMinutes * 60_000;
  return null;
}

export interface SourcesConfig {
  file: string;
  /** In file order. */
  sources: readonly SourceEntry[];
}

/** A sources file that cannot be loaded: every problem, one `file:line:column: reason` per line. */
export class SourcesFileError extends Error {
  readonly code = "SIMAK_SOURCES_INVALID";
  constructor(readonly issues: readonly SourceIssue[]) {
    super(issues.map(formatSourceIssue).join("\n"));
    this.name = "SourcesFileError";
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Parses and validates a sources file's text; throws SourcesFileError with every problem, in file order. */
export function compileSourcesFile(text: string, file: string, env: Env = process.env): SourcesConfig {
  const source = new YamlSource(file, text);
  if (source.issues.length > 0) throw new SourcesFileError(source.issues);
  const root = source.root;
  if (root === null || (isScalar(root) && root.value === null))
    throw new SourcesFileError([source.issueAtOffset(0, "the file defines no sources (expected 'sources:')")]);
  const report = new YamlReporter(source, root);
  const value: unknown = parse(text);
  if (!isRecord(value) || !Array.isArray(value.sources)) {
    report.at(isRecord(value) && "sources" in value ? ["sources"] : [], "expected 'sources:' with a list of sources");
    throw new SourcesFileError(source.issues);
  }
  for (const key of Object.keys(value))
    if (key !== "sources") source.report(keyNodeAt(root, [], key), `unknown key '${key}'; expected 'sources'`);

  const entries: SourceEntry[] = [];
  const seen = new Set<string>();
  const compileEntry = (raw: unknown, index: number): void => {
    const path = ["sources", index];
    if (!isRecord(raw)) {
      report.at(path, `source ${index + 1}: expected a mapping with 'id' and 'type'`);
      return;
    }
    const { id, silenceMinutes, ...rest } = raw;
    const what = typeof id === "string" ? `source '${id}'` : `source ${index + 1}`;
    if (typeof id !== "string" || !SOURCE_ID.test(id)) {
      report.at([...path, "id"], `${what}: id: expected lower-case letters, digits and dashes`);
      return;
    }
    if (seen.has(id)) {
      report.at([...path, "id"], `${what}: id: used by an earlier source`);
      return;
    }
    seen.add(id);
    const type = rest.type;
    if (typeof type !== "string" || !(type in SCHEMAS)) {
      report.at([...path, "type"], `${what}: type: expected one of ${SOURCE_TYPES.join(", ")}`);
      return;
    }
    for (const [key, example] of Object.entries(SECRET_KEYS[type as SourceType] ?? {}))
      if (key in rest && !(typeof rest[key] === "string" && ONLY_ENV_REFERENCE.test(rest[key]))) {
        report.at(
          [...path, key],
          `${what}: ${key}: write it as a \${ENV} reference (e.g. "\${${example}}"), never the secret itself`,
        );
        return;
      }
    const resolved = substituteEnv(rest, path, env, "SOURCE_", (at, reason) =>
      report.at(at, `${what}: ${at.slice(2).join(".")}: ${reason}`),
    );
    const parsed = SCHEMAS[type as SourceType].safeParse(resolved);
    if (!parsed.success) {
      report.zod(path, what, parsed.error);
      return;
    }
    if (silenceMinutes !== undefined && !(typeof silenceMinutes === "number" && silenceMinutes > 0)) {
      report.at([...path, "silenceMinutes"], `${what}: silenceMinutes: expected a number of minutes above 0`);
      return;
    }
    const entry = { ...parsed.data, id, ...(silenceMinutes === undefined ? {} : { silenceMinutes }) } as SourceEntry;
    // Webhooks share one listener: each needs its own path.
    const route = webhookRoute(entry);
    if (route) {
      const owner = entries.find((other) => webhookRoute(other) === route);
      if (owner) {
        const explicit =
          entry.type === "webhook" ? entry.path : entry.type === "meta" ? entry.webhook?.path : undefined;
        const at =
          entry.type === "meta" ? [...path, "webhook", explicit ? "path" : ""] : [...path, explicit ? "path" : "id"];
        report.at(
          at.filter((key) => key !== ""),
          `${what}: path: ${route} is already served by source '${owner.id}'`,
        );
        return;
      }
    }
    entries.push(entry);
  };
  value.sources.forEach(compileEntry);
  if (source.issues.length > 0)
    throw new SourcesFileError([...source.issues].sort((a, b) => a.line - b.line || a.column - b.column));
  return { file, sources: entries };
}

/** The path a source serves on the webhook listener, if it serves one. */
export function webhookRoute(entry: SourceEntry): string | undefined {
  if (entry.type === "webhook") return entry.path ?? `/hooks/${entry.id}`;
  if (entry.type === "meta" && entry.webhook) return entry.webhook.path ?? `/hooks/${entry.id}`;
  return undefined;
}

export async function loadSourcesFile(path: string, env: Env = process.env): Promise<SourcesConfig> {
  return compileSourcesFile(await readFile(path, "utf8"), path, env);
}

/**
 * The sources file, reloadable: `current()` is the set in force; `.watch()` reloads on change, and
 * a bad edit keeps the previous set and calls `onError` (see runtime/watched-file.ts).
 */
export function openSourcesFile(
  path: string,
  options: WatchOptions<SourcesConfig> & { env?: Env } = {},
): Promise<WatchedFile<SourcesConfig>> {
  const env = options.env ?? process.env;
  return WatchedFile.open(path, (text, file) => compileSourcesFile(text, file, env), options);
}

/** Entries whose configuration differs between two loads of the file, by id (added ones included). */
export function unchangedSources(previous: SourcesConfig, next: SourcesConfig): Set<string> {
  const before = new Map(previous.sources.map((entry) => [entry.id, JSON.stringify(entry)]));
  return new Set(next.sources.filter((entry) => before.get(entry.id) === JSON.stringify(entry)).map((e) => e.id));
}
