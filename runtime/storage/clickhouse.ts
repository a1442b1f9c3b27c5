/**
 * ClickHouse through @clickhouse/client: over HTTP when clickhouse.url is set, otherwise the engine
 * embedded in-process by chdb, handed to the same client as its connection. Same SQL, same code.
 * chdb ignores the client's `database` option, so every statement names its tables fully.
 */
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { type ClickHouseClient, ClickHouseLogLevel, type ClickHouseSettings, createClient } from "@clickhouse/client";
import { type SimakConfig, SQL_LIMIT_DEFAULTS } from "../config.js";
import { checkFormat, guardAnalystQuery } from "./sql-guard.js";

/**
 * chdb (the 500 MB engine library) is loaded only by a process that embeds ClickHouse, when it
 * opens storage: a stage talking to a ClickHouse server never maps it. It is CommonJS, so a
 * synchronous require keeps createStorage synchronous for its callers.
 */
function loadChdbConnection(): typeof import("chdb/connection") {
  return createRequire(import.meta.url)("chdb/connection");
}

type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>["connection"]>;

export interface Storage {
  readonly kind: "clickhouse-server" | "chdb";
  readonly client: ClickHouseClient;
  readonly database: string;
  /** `database.table`, quoted for SQL. */
  table(name: string): string;
  /**
   * Runs an analyst's query, if sql-guard.ts allows it, read-only and within the limits, and returns
   * the text ClickHouse rendered in `format` (e.g. PrettyCompact). Throws RefusedQuery when refused.
   */
  queryText(query: string, format: string): Promise<string>;
  /**
   * The same storage on a connection of its own, closed by its own close(): for a reader that must
   * not wait behind the stages' inserts (a chdb connection runs one statement at a time, so the
   * dashboard's requests queued behind every insert of the sink and aggregate stages; bench:full).
   */
  ownConnection(): Storage;
  close(): Promise<void>;
}

/**
 * The rows of `query` with `{name:Type}` parameters, 64-bit integers as numbers. With
 * `inDatabase`, the documented analysts' SQL (written against `simak.`) runs on `storage`'s own
 * database.
 */
export async function queryRows<T = Record<string, unknown>>(
  storage: Storage,
  query: string,
  params: Record<string, unknown> = {},
  options: { inDatabase?: boolean } = {},
): Promise<T[]> {
  const result = await storage.client.query({
    query: options.inDatabase ? query.replaceAll("simak.", `\`${storage.database}\`.`) : query,
    query_params: params,
    format: "JSONEachRow",
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  return result.json<T>();
}

/**
 * The reader's settings, in this order: chdb issues them as consecutive SETs and readonly=1
 * refuses every SET after it, so the limits come first (over HTTP they travel together).
 */
function readerSettings(limits: SimakConfig["sql"]): ClickHouseSettings {
  return {
    max_execution_time: limits.maxExecutionSeconds,
    max_result_bytes: String(limits.maxResultBytes),
    max_memory_usage: String(limits.maxMemoryBytes),
    result_overflow_mode: "throw",
    readonly: "1",
  };
}

async function readText(reader: ClickHouseClient, statement: string, settings: ClickHouseSettings) {
  const result = await reader.exec({ query: statement, clickhouse_settings: settings });
  const chunks: Buffer[] = [];
  for await (const chunk of result.stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString("utf8");
}

export function createStorage(
  config: SimakConfig["clickhouse"],
  limits: SimakConfig["sql"] = SQL_LIMIT_DEFAULTS,
): Storage {
  const { url, username, password, database } = config;
  let connect: () => ClickHouseClient;
  let kind: Storage["kind"];
  let openReader: () => ClickHouseClient;
  if (url) {
    connect = () => createClient({ url, username, password, clickhouse_settings: { async_insert: 0 } });
    kind = "clickhouse-server";
    // Analysts get connections of their own, so their queries never hold the stages' sockets; a
    // refused or failed query goes back to the analyst, not to the client library's console log.
    openReader = () => createClient({ url, username, password, log: { level: ClickHouseLogLevel.OFF } });
  } else {
    const path = resolve(config.dataDir);
    mkdirSync(path, { recursive: true });
    // chdb types its connection against its own copy of @clickhouse/client-common; same shape.
    const { createChdbConnection } = loadChdbConnection();
    connect = () => createClient({ connection: createChdbConnection({ path }) as unknown as ClientConnection });
    kind = "chdb";
    // In chdb a query's settings stay on its connection: `readonly` gets a connection of its own.
    openReader = connect;
  }
  return storageOn(connect(), { kind, database, limits, connect, openReader });
}

function storageOn(
  client: ClickHouseClient,
  options: {
    kind: Storage["kind"];
    database: string;
    limits: SimakConfig["sql"];
    connect: () => ClickHouseClient;
    openReader: () => ClickHouseClient;
  },
): Storage {
  const { kind, database, limits, openReader } = options;
  let reader: ClickHouseClient | undefined;
  return {
    kind,
    client,
    database,
    table: (name) => `\`${database}\`.\`${name}\``,
    queryText: async (query, format) => {
      checkFormat(format);
      reader ??= openReader();
      const opened = reader;
      const settings = readerSettings(limits);
      const canonical = await guardAnalystQuery(
        (statement) => readText(opened, statement, { ...settings, default_format: "TabSeparatedRaw" }),
        query,
      );
      return readText(opened, `${canonical}\nFORMAT ${format}`, settings);
    },
    ownConnection: () => storageOn(options.connect(), options),
    close: async () => {
      if (reader && reader !== client) await reader.close();
      await client.close();
    },
  };
}
