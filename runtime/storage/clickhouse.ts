/**
 * ClickHouse through @clickhouse/client: over HTTP when clickhouse.url is set, otherwise the engine
 * embedded in-process by chdb, handed to the same client as its connection. Same SQL, same code.
 * chdb ignores the client's `database` option, so every statement names its tables fully.
 */
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import {
  type ClickHouseClient,
  ClickHouseLogLevel,
  type ClickHouseSettings,
  createClient,
  parseError,
  TupleParam,
} from "@clickhouse/client";
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
   * Inserts `rows` (objects keyed by column) into `table` (a table of this database, by its bare
   * name) as JSONEachRow, with `settings` for this insert only. Errors are ClickHouse's (`type`
   * names the error, as the client's are).
   */
  insertRows(table: string, rows: readonly Record<string, unknown>[], settings?: InsertSettings): Promise<void>;
  /**
   * The same storage on a connection of its own, closed by its own close(): for a reader that must
   * not wait behind the stages' statements. A chdb connection runs one statement at a time, so the
   * dashboard's requests queued behind every insert of the sink and aggregate stages (bench:full);
   * and chdb binds `{name:Type}` parameters process-wide, running every parameterised statement of
   * the process one after another (a libchdb bug otherwise mixes their values up), so this
   * connection binds them in the statement's text as literals instead (sqlLiteral): the overview
   * queued behind every existence lookup of the sink and every poll of the alert stage.
   */
  ownConnection(): Storage;
  close(): Promise<void>;
}

/** Settings of one insert (the deduplication token, the partition limit). */
export type InsertSettings = Record<string, string | number>;

/** Rows serialised between two turns of the event loop. */
const ROWS_PER_TURN = 256;

/**
 * The columns of `rows` when every row has the same keys in the same order and none is undefined
 * (a key left out or undefined takes the column's default in JSONEachRow, which a values-only
 * format cannot say); otherwise undefined.
 */
function uniformColumns(rows: readonly Record<string, unknown>[]): string[] | undefined {
  const [first] = rows;
  if (!first) return undefined;
  const columns = Object.keys(first);
  for (const row of rows) {
    let i = 0;
    for (const key in row) {
      if (key !== columns[i++] || row[key] === undefined) return undefined;
    }
    if (i !== columns.length) return undefined;
  }
  return columns;
}

/**
 * The rows as line-delimited JSON bytes, letting the event loop turn every ROWS_PER_TURN rows: a
 * flush of thousands of mentions serialised in one call held the store process (sink, aggregate
 * and the dashboard in one event loop) for hundreds of ms (bench:full). With `columns`, each line
 * is the row's values in that order (JSONCompactEachRow): the engine then parses no keys, a sixth
 * less time for a window-delta insert (its rows are a third keys). Each line is written into one
 * growing buffer: lines gathered into one string first cost as much again in flattening that
 * string and copying it out (bench:full's CPU profile).
 */
async function jsonLines(rows: readonly Record<string, unknown>[], columns?: readonly string[]): Promise<Buffer> {
  let bytes = Buffer.allocUnsafe(64 * 1024);
  let used = 0;
  const values: unknown[] = [];
  for (let i = 0; i < rows.length; i++) {
    if (i > 0 && i % ROWS_PER_TURN === 0) await nextTurn();
    const row = rows[i] as Record<string, unknown>;
    let line: string;
    if (columns) {
      for (let c = 0; c < columns.length; c++) values[c] = row[columns[c] as string];
      line = JSON.stringify(values);
    } else line = JSON.stringify(row);
    // A UTF-16 unit takes at most 3 bytes in UTF-8; and the newline.
    const needed = used + 3 * line.length + 1;
    if (needed > bytes.length) {
      // Sized for every row at the rows so far's mean, so it grows once or twice, not a doubling
      // (and a copy) at a time: the copies cost a fifth of the encoding (bench:full's profile).
      const projected = i > 0 ? Math.ceil((used / i) * rows.length * 1.1) : 0;
      const grown = Buffer.allocUnsafe(Math.max(needed, 2 * bytes.length, projected));
      bytes.copy(grown, 0, 0, used);
      bytes = grown;
    }
    used += bytes.write(line, used, "utf8");
    bytes[used++] = 0x0a;
  }
  return bytes.subarray(0, used);
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
  let connect: (literals?: boolean) => Connected;
  let kind: Storage["kind"];
  let openReader: () => ClickHouseClient;
  if (url) {
    connect = () => {
      const client = createClient({ url, username, password, clickhouse_settings: { async_insert: 0 } });
      return {
        client,
        insertRows: async (table, rows, settings) => {
          await client.insert({ table, values: [...rows], format: "JSONEachRow", clickhouse_settings: settings });
        },
      };
    };
    kind = "clickhouse-server";
    // Analysts get connections of their own, so their queries never hold the stages' sockets; a
    // refused or failed query goes back to the analyst, not to the client library's console log.
    openReader = () => createClient({ url, username, password, log: { level: ClickHouseLogLevel.OFF } });
  } else {
    const path = resolve(config.dataDir);
    mkdirSync(path, { recursive: true });
    // chdb types its connection against its own copy of @clickhouse/client-common; same shape.
    const { createChdbConnection } = loadChdbConnection();
    const open = (literals = false) => {
      const connection = createChdbConnection({ path });
      const own = connection as unknown as ClientConnection;
      return { connection, client: createClient({ connection: literals ? bindingLiterals(own) : own }) };
    };
    connect = (literals) => {
      const { connection, client } = open(literals);
      return {
        client,
        // The bytes go to the engine as they are and it parses them on its own thread; through the
        // client, each insert was encoded row by row into a stream, gathered into one string and
        // prefixed with its statement, all on the event loop (bench:full: a third of the store's
        // busy time). Its settings travel in the statement, for this insert only.
        insertRows: async (table, rows, settings) => {
          if (rows.length === 0) return;
          const columns = uniformColumns(rows);
          const values = await jsonLines(rows, columns);
          try {
            await connection.chdb.rawInsert({
              table,
              values,
              ...(columns ? { format: "JSONCompactEachRow", columns } : { format: "JSONEachRow" }),
              settings,
            });
          } catch (error) {
            throw parseError(error as Error);
          }
        },
      };
    };
    kind = "chdb";
    // In chdb a query's settings stay on its connection: `readonly` gets a connection of its own.
    openReader = () => open().client;
  }
  return storageOn(connect(), { kind, database, limits, connect, openReader });
}

/**
 * A parameter's value as a ClickHouse literal: a string quoted, its `\\` and `'` escaped (the
 * two characters a string literal gives a meaning to), a finite number, a boolean, NULL, and arrays
 * and tuples of them. Anything else is refused, never spliced.
 */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "string") return `'${value.replace(/[\\']/g, "\\$&")}'`;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`cannot bind ${value} as a literal`);
    return String(value);
  }
  if (typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) return `[${value.map(sqlLiteral).join(", ")}]`;
  if (value instanceof TupleParam) return `(${value.values.map(sqlLiteral).join(", ")})`;
  throw new Error(`cannot bind a ${typeof value} as a literal`);
}

/** `query` with each `{name:Type}` of `params` replaced by its value as a literal of that type. */
export function withLiterals(query: string, params: Record<string, unknown>): string {
  return query.replace(/\{([A-Za-z_][A-Za-z0-9_]*):([^{}]+)\}/g, (placeholder, name: string, type: string) =>
    Object.hasOwn(params, name) ? `CAST(${sqlLiteral(params[name])} AS ${type})` : placeholder,
  );
}

/** A chdb connection whose statements carry their parameters as literals (Storage.ownConnection). */
function bindingLiterals(connection: ClientConnection): ClientConnection {
  const bind = <P extends { query: string; query_params?: Record<string, unknown> }>(params: P): P =>
    params.query_params && Object.keys(params.query_params).length > 0
      ? { ...params, query: withLiterals(params.query, params.query_params), query_params: undefined }
      : params;
  return {
    ...connection,
    query: (params) => connection.query(bind(params)),
    exec: (params) => connection.exec(bind(params)),
    command: (params) => connection.command(bind(params)),
    insert: (params) => connection.insert(params),
    ping: (params) => connection.ping(params),
    close: () => connection.close(),
  };
}

/** A connection: the client, and the insert of rows that suits it. */
interface Connected {
  client: ClickHouseClient;
  insertRows: (table: string, rows: readonly Record<string, unknown>[], settings?: InsertSettings) => Promise<void>;
}

function storageOn(
  { client, insertRows }: Connected,
  options: {
    kind: Storage["kind"];
    database: string;
    limits: SimakConfig["sql"];
    connect: (literals?: boolean) => Connected;
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
    insertRows: (table, rows, settings) => insertRows(`${database}.${table}`, rows, settings),
    ownConnection: () => storageOn(options.connect(true), options),
    close: async () => {
      if (reader && reader !== client) await reader.close();
      await client.close();
    },
  };
}
