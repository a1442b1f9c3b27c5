/**
 * One validated configuration for every stage: defaults, then an optional YAML/JSON file
 * (SIMAK_CONFIG), then environment variables. An unknown or invalid key fails at start with an
 * error naming it, so a typo never silently falls back to a default.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { isLoopback } from "./http-access.js";
import { installPath } from "./install.js";
import { isTimeZone, parseDailyHours } from "./local-time.js";

/** The example configs that ship with Simak: found in its installation from whatever folder it runs in. */
const EXAMPLE_QUERIES = installPath("config/examples/queries.yaml");
const EXAMPLE_ACCOUNTS = installPath("config/examples/accounts.yaml");
const EXAMPLE_ALERT_RULES = installPath("config/examples/alerts-demo.yaml");

const positiveInt = z.coerce.number().int().positive();
const timeZone = z.string().refine(isTimeZone, "expected an IANA time zone, e.g. Asia/Jakarta");

/** Limits of an analyst's query (`simak sql`, /api/sql); runtime/storage/clickhouse.ts sets them before readonly. */
export const SQL_LIMIT_DEFAULTS = {
  maxExecutionSeconds: 30,
  maxResultBytes: 64 * 1024 * 1024,
  maxMemoryBytes: 4 * 1024 * 1024 * 1024,
};

const ConfigSchema = z
  .object({
    kafka: z
      .object({
        brokers: z.array(z.string().regex(/^[^\s:]+:\d+$/, "expected host:port")).min(1),
        clientId: z.string().min(1).default("simak"),
      })
      .strict()
      .optional(),
    registry: z
      .object({
        url: z.url(),
        username: z.string().optional(),
        password: z.string().optional(),
      })
      .strict()
      .optional(),
    redis: z
      .object({ url: z.string().regex(/^rediss?:\/\//, "expected redis:// or rediss:// URL") })
      .strict()
      .optional(),
    clickhouse: z
      .object({
        url: z.url().optional(),
        username: z.string().default("default"),
        password: z.string().default(""),
        database: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected an identifier")
          .default("simak"),
        dataDir: z.string().min(1).default(".simak/chdb"),
      })
      .strict()
      .default({ username: "default", password: "", database: "simak", dataDir: ".simak/chdb" }),
    topicPrefix: z
      .string()
      .regex(/^[A-Za-z0-9._-]*$/, "letters, digits, '.', '_' and '-' only")
      .default(""),
    http: z
      .object({
        host: z.string().min(1).default("127.0.0.1"),
        port: z.coerce.number().int().min(0).max(65535).default(9464),
        /** Host names browsers and clients use to reach the endpoint, besides loopback and `host`. */
        allowedHosts: z.array(z.string().regex(/^[A-Za-z0-9.:-]+$/, "expected host names")).default([]),
      })
      .strict()
      .default({ host: "127.0.0.1", port: 9464, allowedHosts: [] }),
    sql: z
      .object({
        maxExecutionSeconds: positiveInt.default(SQL_LIMIT_DEFAULTS.maxExecutionSeconds),
        maxResultBytes: positiveInt.default(SQL_LIMIT_DEFAULTS.maxResultBytes),
        maxMemoryBytes: positiveInt.default(SQL_LIMIT_DEFAULTS.maxMemoryBytes),
      })
      .strict()
      .default(SQL_LIMIT_DEFAULTS),
    log: z
      .object({
        level: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
        /** auto: human-readable lines on a terminal, JSON lines otherwise (runtime/pretty-log.ts). */
        format: z.enum(["json", "pretty", "auto"]).default("auto"),
      })
      .strict()
      .default({ level: "info", format: "auto" }),
    ingest: z
      .object({
        /** Failed produces of one batch in a row (each retried after a backoff) before the ingest stage gives up. */
        maxProduceFailures: positiveInt.default(10),
        /**
         * How long a polling source's lease outlives a holder that died (extended every third of
         * it): after a crash, another instance (or the restarted one) takes the source over then.
         */
        sourceLeaseSeconds: positiveInt.default(30),
        /** The sources to listen to (ingestors/README.md); unset: the --source option. Reloaded on change. */
        sourcesFile: z.string().min(1).optional(),
        /** host:port of the listener serving webhook sources; never the dashboard's port. */
        webhookListen: z
          .string()
          .regex(/^[^\s:]+:\d+$/, "expected host:port")
          .optional(),
      })
      .strict()
      .default({ maxProduceFailures: 10, sourceLeaseSeconds: 30 }),
    consumer: z
      .object({
        /** Failures in a row of a batch at the same offset after which a consumer reports unhealthy. */
        unhealthyAfterFailures: positiveInt.default(5),
        /**
         * How long the Kafka group waits for a silent member (a crashed process) before handing its
         * partitions to the others; within the broker's group.min/max.session.timeout.ms (6 s to
         * 30 min by default). Heartbeats go every tenth of it.
         */
        sessionTimeoutMs: z.coerce.number().int().min(6000).max(1_800_000).default(30_000),
        /**
         * A Kafka fetch waits at the broker until this much data is there or fetchMaxWaitMs has
         * passed: below full load, fewer and larger batches (each costs a fetch, a produce and a
         * commit whatever its size). 1 answers as soon as anything is there.
         */
        fetchMinBytes: z.coerce.number().int().min(1).max(16_777_216).default(32_768),
        fetchMaxWaitMs: z.coerce.number().int().min(10).max(1000).default(50),
      })
      .strict()
      .default({ unhealthyAfterFailures: 5, sessionTimeoutMs: 30_000, fetchMinBytes: 32_768, fetchMaxWaitMs: 50 }),
    process: z
      .object({
        dedupTtlSeconds: positiveInt.default(3 * 24 * 3600),
        /** Monitoring queries per agency (processors/topics); reloaded when the file changes. */
        queriesFile: z.string().min(1).default(EXAMPLE_QUERIES),
        /** Official accounts per agency (processors/accounts); reloaded when the file changes. */
        accountsFile: z.string().min(1).default(EXAMPLE_ACCOUNTS),
      })
      .strict()
      .default({
        dedupTtlSeconds: 3 * 24 * 3600,
        queriesFile: EXAMPLE_QUERIES,
        accountsFile: EXAMPLE_ACCOUNTS,
      }),
    sink: z
      .object({
        batchRows: positiveInt.default(5000),
        flushMs: positiveInt.default(1000),
        minFlushIntervalMs: z.coerce.number().int().min(0).default(200),
        /** How often the sink recomputes author PageRank over the stored mentions; 0: never. */
        pagerankIntervalMs: z.coerce.number().int().min(0).default(300_000),
      })
      .strict()
      .default({ batchRows: 5000, flushMs: 1000, minFlushIntervalMs: 200, pagerankIntervalMs: 300_000 }),
    aggregate: z
      .object({
        /** How far behind the largest event time of a partition an event may arrive and still count. */
        latenessMs: z.coerce.number().int().min(0).default(600_000),
        /** Shortest time between two inserts of window deltas: batches arriving meanwhile share one. */
        minInsertIntervalMs: z.coerce.number().int().min(0).default(500),
      })
      .strict()
      .default({ latenessMs: 600_000, minInsertIntervalMs: 500 }),
    alert: z
      .object({
        /** The alert rules and channels (processors/alerts/README.md). */
        rulesFile: z.string().min(1).default(EXAMPLE_ALERT_RULES),
        /** How often the alert stage looks for newly completed minutes. */
        pollMs: positiveInt.default(1000),
        /** A partition of the tagged topic without new window deltas this long no longer holds the rules back. */
        idlePartitionMs: positiveInt.default(120_000),
      })
      .strict()
      .default({ rulesFile: EXAMPLE_ALERT_RULES, pollMs: 1000, idlePartitionMs: 120_000 }),
    issues: z
      .object({
        /** Minutes of the window whose terms are compared with the baseline. */
        windowMinutes: z.coerce.number().int().min(1).max(180).default(15),
        /** Complete hours before the window that make the baseline. */
        baselineHours: z.coerce
          .number()
          .int()
          .min(1)
          .max(24 * 28)
          .default(24),
        /** A minute is evaluated once every partition's stored posts are this far past its end. */
        latenessMs: z.coerce.number().int().min(0).default(60_000),
        /** How often the stage looks for minutes to evaluate. */
        evaluateIntervalMs: positiveInt.default(1000),
      })
      .strict()
      .default({ windowMinutes: 15, baselineHours: 24, latenessMs: 60_000, evaluateIntervalMs: 1000 }),
    coordination: z
      .object({
        /** How often the coordination stage stores its campaigns and its detector's snapshot. */
        snapshotIntervalMs: positiveInt.min(100).default(120_000),
        /** How long a dead instance keeps the lead before a standby restores the snapshot and goes on. */
        leaseMs: positiveInt.min(300).default(30_000),
        /** The merge of partitions waits this long for a partition with nothing queued before going on without it. */
        idlePartitionMs: positiveInt.default(5_000),
      })
      .strict()
      .default({ snapshotIntervalMs: 120_000, leaseMs: 30_000, idlePartitionMs: 5_000 }),
    responsiveness: z
      .object({
        /** Working hours an agency has to answer before an item is overdue. */
        answerWithinHours: z.coerce.number().positive().default(4),
        /** Local working hours of every working day, HH:MM-HH:MM. */
        workingHours: z
          .string()
          .refine((spec) => {
            try {
              return Boolean(parseDailyHours(spec));
            } catch {
              return false;
            }
          }, "expected HH:MM-HH:MM with the start before the end, e.g. 08:00-16:00")
          .default("08:00-16:00"),
        /** ISO weekdays worked: 1 Monday ... 7 Sunday. */
        workingDays: z.array(z.coerce.number().int().min(1).max(7)).min(1).default([1, 2, 3, 4, 5]),
        /** The agencies' zone unless agencyTimezones names another. */
        timezone: timeZone.default("Asia/Jakarta"),
        /** Agency id -> its zone (config file only), e.g. { pemprov-papua: Asia/Jayapura }. */
        agencyTimezones: z.record(z.string(), timeZone).default({}),
      })
      .strict()
      .default({
        answerWithinHours: 4,
        workingHours: "08:00-16:00",
        workingDays: [1, 2, 3, 4, 5],
        timezone: "Asia/Jakarta",
        agencyTimezones: {},
      }),
    report: z
      .object({
        /** The Chromium that prints reports to PDF (playwright-core drives it; it downloads none). */
        chromiumPath: z.string().min(1).default("/usr/bin/chromium"),
      })
      .strict()
      .default({ chromiumPath: "/usr/bin/chromium" }),
    retention: z
      .object({
        /** Days raw rows (mentions, engagement snapshots, window deltas) are kept. */
        rawDays: positiveInt.default(90),
        /** Days the 1-minute, 1-hour and 1-day aggregates are kept. */
        aggregateDays: positiveInt.default(730),
      })
      .strict()
      .default({ rawDays: 90, aggregateDays: 730 }),
    dashboard: z
      .object({
        /** Required as a bearer token by everything under /api/ when set (as ?token= on the event stream only). */
        token: z.string().min(16, "at least 16 characters").optional(),
        /** Basic auth for the dashboard's data API; both or neither. No attempt limit: hence the length. */
        username: z.string().min(1).optional(),
        password: z.string().min(12, "at least 12 characters").optional(),
        /** Times are shown in WIB, WITA or WIT. */
        timezone: z.enum(["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]).default("Asia/Jakarta"),
        language: z.enum(["id", "en"]).default("id"),
        /** Wall mode: seconds each agency stays on screen. */
        rotateSeconds: positiveInt.default(20),
        /** How often the server looks for newly landed aggregates and alerts while a browser listens. */
        pollMs: positiveInt.default(1000),
        /** An overview this recent is served to every browser asking (dashboard/server/answer-cache.ts); 0: none is shared. */
        overviewMaxAgeMs: z.coerce.number().int().min(0).max(60_000).default(5000),
      })
      .strict()
      .default({ timezone: "Asia/Jakarta", language: "id", rotateSeconds: 20, pollMs: 1000, overviewMaxAgeMs: 5000 }),
    simulator: z
      .object({
        seed: z.coerce.number().int().default(42),
        mentionsPerMinute: positiveInt.default(600),
        maxMentions: positiveInt.optional(),
        speed: z.coerce.number().min(0).default(1),
        authors: positiveInt.default(5000),
        /** Simulated clock's start (ISO 8601); unset: the moment the ingest stage starts. */
        startTime: z.iso.datetime({ offset: true }).optional(),
        /** "demo": a negative spike, a viral post and a volume surge in the first two hours. */
        scenarios: z.enum(["none", "demo"]).default("none"),
      })
      .strict()
      .default({ seed: 42, mentionsPerMinute: 600, speed: 1, authors: 5000, scenarios: "none" }),
  })
  .strict();

export type SimakConfig = z.infer<typeof ConfigSchema>;

/** Environment variable -> config path. Any other SIMAK_* variable is a typo and fails. */
const ENV_KEYS: Record<string, { path: string[]; list?: boolean }> = {
  KAFKA_BROKERS: { path: ["kafka", "brokers"], list: true },
  KAFKA_CLIENT_ID: { path: ["kafka", "clientId"] },
  SCHEMA_REGISTRY_URL: { path: ["registry", "url"] },
  SCHEMA_REGISTRY_USERNAME: { path: ["registry", "username"] },
  SCHEMA_REGISTRY_PASSWORD: { path: ["registry", "password"] },
  REDIS_URL: { path: ["redis", "url"] },
  CLICKHOUSE_URL: { path: ["clickhouse", "url"] },
  CLICKHOUSE_USER: { path: ["clickhouse", "username"] },
  CLICKHOUSE_PASSWORD: { path: ["clickhouse", "password"] },
  CLICKHOUSE_DATABASE: { path: ["clickhouse", "database"] },
  SIMAK_DATA_DIR: { path: ["clickhouse", "dataDir"] },
  SIMAK_TOPIC_PREFIX: { path: ["topicPrefix"] },
  SIMAK_HTTP_HOST: { path: ["http", "host"] },
  SIMAK_HTTP_PORT: { path: ["http", "port"] },
  SIMAK_HTTP_ALLOWED_HOSTS: { path: ["http", "allowedHosts"], list: true },
  SIMAK_SQL_MAX_EXECUTION_SECONDS: { path: ["sql", "maxExecutionSeconds"] },
  SIMAK_SQL_MAX_RESULT_BYTES: { path: ["sql", "maxResultBytes"] },
  SIMAK_SQL_MAX_MEMORY_BYTES: { path: ["sql", "maxMemoryBytes"] },
  SIMAK_LOG_LEVEL: { path: ["log", "level"] },
  SIMAK_LOG_FORMAT: { path: ["log", "format"] },
  SIMAK_INGEST_MAX_PRODUCE_FAILURES: { path: ["ingest", "maxProduceFailures"] },
  SIMAK_SOURCE_LEASE_SECONDS: { path: ["ingest", "sourceLeaseSeconds"] },
  SIMAK_CONSUMER_UNHEALTHY_AFTER_FAILURES: { path: ["consumer", "unhealthyAfterFailures"] },
  SIMAK_CONSUMER_SESSION_TIMEOUT_MS: { path: ["consumer", "sessionTimeoutMs"] },
  SIMAK_CONSUMER_FETCH_MIN_BYTES: { path: ["consumer", "fetchMinBytes"] },
  SIMAK_CONSUMER_FETCH_MAX_WAIT_MS: { path: ["consumer", "fetchMaxWaitMs"] },
  SIMAK_DEDUP_TTL_SECONDS: { path: ["process", "dedupTtlSeconds"] },
  SIMAK_QUERIES_FILE: { path: ["process", "queriesFile"] },
  SIMAK_ACCOUNTS_FILE: { path: ["process", "accountsFile"] },
  SIMAK_SOURCES_FILE: { path: ["ingest", "sourcesFile"] },
  SIMAK_WEBHOOK_LISTEN: { path: ["ingest", "webhookListen"] },
  SIMAK_SINK_BATCH_ROWS: { path: ["sink", "batchRows"] },
  SIMAK_SINK_FLUSH_MS: { path: ["sink", "flushMs"] },
  SIMAK_SINK_MIN_FLUSH_INTERVAL_MS: { path: ["sink", "minFlushIntervalMs"] },
  SIMAK_PAGERANK_INTERVAL_MS: { path: ["sink", "pagerankIntervalMs"] },
  SIMAK_WINDOW_LATENESS_MS: { path: ["aggregate", "latenessMs"] },
  SIMAK_AGGREGATE_MIN_INSERT_INTERVAL_MS: { path: ["aggregate", "minInsertIntervalMs"] },
  SIMAK_ALERT_RULES_FILE: { path: ["alert", "rulesFile"] },
  SIMAK_ALERT_POLL_MS: { path: ["alert", "pollMs"] },
  SIMAK_ALERT_IDLE_PARTITION_MS: { path: ["alert", "idlePartitionMs"] },
  SIMAK_ISSUES_WINDOW_MINUTES: { path: ["issues", "windowMinutes"] },
  SIMAK_ISSUES_BASELINE_HOURS: { path: ["issues", "baselineHours"] },
  SIMAK_ISSUES_LATENESS_MS: { path: ["issues", "latenessMs"] },
  SIMAK_ISSUES_EVALUATE_INTERVAL_MS: { path: ["issues", "evaluateIntervalMs"] },
  SIMAK_COORDINATION_SNAPSHOT_MS: { path: ["coordination", "snapshotIntervalMs"] },
  SIMAK_COORDINATION_LEASE_MS: { path: ["coordination", "leaseMs"] },
  SIMAK_COORDINATION_IDLE_PARTITION_MS: { path: ["coordination", "idlePartitionMs"] },
  SIMAK_RESPONSIVENESS_ANSWER_HOURS: { path: ["responsiveness", "answerWithinHours"] },
  SIMAK_RESPONSIVENESS_WORKING_HOURS: { path: ["responsiveness", "workingHours"] },
  SIMAK_RESPONSIVENESS_WORKING_DAYS: { path: ["responsiveness", "workingDays"], list: true },
  SIMAK_RESPONSIVENESS_TIMEZONE: { path: ["responsiveness", "timezone"] },
  SIMAK_REPORT_CHROMIUM: { path: ["report", "chromiumPath"] },
  SIMAK_RETENTION_RAW_DAYS: { path: ["retention", "rawDays"] },
  SIMAK_RETENTION_AGGREGATE_DAYS: { path: ["retention", "aggregateDays"] },
  SIMAK_DASHBOARD_TOKEN: { path: ["dashboard", "token"] },
  SIMAK_DASHBOARD_USERNAME: { path: ["dashboard", "username"] },
  SIMAK_DASHBOARD_PASSWORD: { path: ["dashboard", "password"] },
  SIMAK_DASHBOARD_TIMEZONE: { path: ["dashboard", "timezone"] },
  SIMAK_DASHBOARD_LANGUAGE: { path: ["dashboard", "language"] },
  SIMAK_DASHBOARD_ROTATE_SECONDS: { path: ["dashboard", "rotateSeconds"] },
  SIMAK_DASHBOARD_POLL_MS: { path: ["dashboard", "pollMs"] },
  SIMAK_DASHBOARD_OVERVIEW_MAX_AGE_MS: { path: ["dashboard", "overviewMaxAgeMs"] },
  SIMAK_SIM_SEED: { path: ["simulator", "seed"] },
  SIMAK_SIM_RATE: { path: ["simulator", "mentionsPerMinute"] },
  SIMAK_SIM_MAX_MENTIONS: { path: ["simulator", "maxMentions"] },
  SIMAK_SIM_SPEED: { path: ["simulator", "speed"] },
  SIMAK_SIM_AUTHORS: { path: ["simulator", "authors"] },
  SIMAK_SIM_START: { path: ["simulator", "startTime"] },
  SIMAK_SIM_SCENARIOS: { path: ["simulator", "scenarios"] },
};
const CONFIG_FILE_ENV = "SIMAK_CONFIG";

export class ConfigError extends Error {
  readonly code = "SIMAK_CONFIG_INVALID";
  constructor(
    message: string,
    readonly key: string,
  ) {
    super(message);
    this.name = "ConfigError";
  }
}

type Tree = Record<string, unknown>;

function setPath(tree: Tree, path: string[], value: unknown): void {
  let node = tree;
  for (const segment of path.slice(0, -1)) {
    const child = node[segment];
    node[segment] = child && typeof child === "object" ? child : {};
    node = node[segment] as Tree;
  }
  node[path[path.length - 1] as string] = value;
}

function readFile(path: string): Tree {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`${CONFIG_FILE_ENV}: cannot read ${path}: ${(error as Error).message}`, CONFIG_FILE_ENV);
  }
  const parsed: unknown = parseYaml(text);
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ConfigError(`${CONFIG_FILE_ENV}: ${path} must hold a mapping of keys`, CONFIG_FILE_ENV);
  }
  return parsed as Tree;
}

/** Which source a config path came from, so errors name the key the user actually wrote. */
function describeKey(path: PropertyKey[], fromEnv: Map<string, string>): string {
  const dotted = path.map(String).join(".");
  for (const [envName, dottedPath] of fromEnv) {
    if (dotted === dottedPath || dotted.startsWith(`${dottedPath}.`)) return `${envName} (${dotted})`;
  }
  return dotted;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Tree = {}): SimakConfig {
  const tree: Tree = env[CONFIG_FILE_ENV] ? readFile(env[CONFIG_FILE_ENV]) : {};
  const fromEnv = new Map<string, string>();
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined || raw === "" || name === CONFIG_FILE_ENV) continue;
    const mapping = ENV_KEYS[name];
    if (!mapping) {
      if (name.startsWith("SIMAK_")) {
        throw new ConfigError(`unknown configuration variable ${name}; known: ${knownEnvKeys().join(", ")}`, name);
      }
      continue;
    }
    const value = mapping.list ? raw.split(",").map((item) => item.trim()) : raw;
    setPath(tree, mapping.path, value);
    fromEnv.set(name, mapping.path.join("."));
  }
  for (const [key, value] of Object.entries(overrides)) setPath(tree, key.split("."), value);

  const result = ConfigSchema.safeParse(tree);
  if (!result.success) {
    const issue = result.error.issues[0] as z.core.$ZodIssue;
    const path = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0] ?? ""] : issue.path;
    const key = describeKey(path, fromEnv);
    const reason = issue.code === "unrecognized_keys" ? "unknown key" : issue.message;
    throw new ConfigError(`invalid configuration at ${key}: ${reason}`, key);
  }
  const config = result.data;
  if (config.kafka && !config.registry) {
    throw new ConfigError(
      "invalid configuration at SCHEMA_REGISTRY_URL (registry.url): required when KAFKA_BROKERS is set",
      "registry.url",
    );
  }
  const webhookPort = config.ingest.webhookListen?.split(":")[1];
  if (webhookPort && webhookPort !== "0" && webhookPort === String(config.http.port)) {
    throw new ConfigError(
      "invalid configuration at SIMAK_WEBHOOK_LISTEN (ingest.webhookListen): must not be the dashboard's port (SIMAK_HTTP_PORT)",
      "ingest.webhookListen",
    );
  }
  if (!config.dashboard.username !== !config.dashboard.password) {
    throw new ConfigError(
      "invalid configuration at SIMAK_DASHBOARD_USERNAME / SIMAK_DASHBOARD_PASSWORD (dashboard.username / .password): set both or neither",
      "dashboard.username",
    );
  }
  if (!isLoopback(config.http.host) && !config.dashboard.token && !config.dashboard.username) {
    throw new ConfigError(
      `invalid configuration at SIMAK_HTTP_HOST (http.host): ${config.http.host} is reachable from other machines, so the HTTP endpoint needs credentials: set SIMAK_DASHBOARD_TOKEN (or SIMAK_DASHBOARD_USERNAME and SIMAK_DASHBOARD_PASSWORD), or bind 127.0.0.1`,
      "http.host",
    );
  }
  return config;
}

export function knownEnvKeys(): string[] {
  return [CONFIG_FILE_ENV, ...Object.keys(ENV_KEYS)];
}

/** A URL with the password of its user info masked: `redis://:***@redis:6379`, `http://simak:***@ch:8123`. */
export function maskUrlPassword(url: string): string {
  return url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#@:]*):[^/?#]*@/, "$1:***@");
}

/** The configuration with secrets masked, for logs and `simak config`. */
export function redactConfig(config: SimakConfig): SimakConfig {
  const mask = (value: string | undefined) => (value ? "***" : value);
  return {
    ...config,
    registry: config.registry && {
      ...config.registry,
      url: maskUrlPassword(config.registry.url),
      password: mask(config.registry.password),
    },
    redis: config.redis && { url: maskUrlPassword(config.redis.url) },
    clickhouse: {
      ...config.clickhouse,
      url: config.clickhouse.url && maskUrlPassword(config.clickhouse.url),
      password: mask(config.clickhouse.password) as string,
    },
    dashboard: { ...config.dashboard, token: mask(config.dashboard.token), password: mask(config.dashboard.password) },
  };
}
