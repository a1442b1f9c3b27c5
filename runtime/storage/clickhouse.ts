/**
 * ClickHouse through @clickhouse/client: over HTTP when clickhouse.url is set, otherwise the engine
 * embedded in-process by chdb, handed to the same client as its connection. Same SQL, same code.
 * chdb ignores the client's `database` option, so every statement names its tables fully.
 */
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { type ClickHouseClient, createClient } from "@clickhouse/client";
import type { SimakConfig } from "../config.js";

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
  /** Runs a query and returns the text ClickHouse rendered in `format` (e.g. PrettyCompact). */
  queryText(query: string, format: string, readonly?: boolean): Promise<string>;
  close(): Promise<void>;
}

export function createStorage(config: SimakConfig["clickhouse"]): Storage {
  const { url, username, password, database } = config;
  let client: ClickHouseClient;
  let kind: Storage["kind"];
  let openReader: () => ClickHouseClient;
  if (url) {
    client = createClient({ url, username, password, clickhouse_settings: { async_insert: 0 } });
    kind = "clickhouse-server";
    openReader = () => client;
  } else {
    const path = resolve(config.dataDir);
    mkdirSync(path, { recursive: true });
    // chdb types its connection against its own copy of @clickhouse/client-common; same shape.
    const { createChdbConnection } = loadChdbConnection();
    const connect = () => createClient({ connection: createChdbConnection({ path }) as unknown as ClientConnection });
    client = connect();
    kind = "chdb";
    // In chdb a query's settings stay on its connection: `readonly` gets a connection of its own.
    openReader = connect;
  }
  let reader: ClickHouseClient | undefined;
  return {
    kind,
    client,
    database,
    table: (name) => `\`${database}\`.\`${name}\``,
    queryText: async (query, format, readonly = true) => {
      const trimmed = query.trim().replace(/;+\s*$/, "");
      if (readonly) reader ??= openReader();
      const target = readonly && reader ? reader : client;
      const result = await target.exec({
        query: `${trimmed}\nFORMAT ${format}`,
        clickhouse_settings: readonly ? { readonly: "1" } : {},
      });
      const chunks: Buffer[] = [];
      for await (const chunk of result.stream) chunks.push(Buffer.from(chunk as Uint8Array));
      return Buffer.concat(chunks).toString("utf8");
    },
    close: async () => {
      if (reader && reader !== client) await reader.close();
      await client.close();
    },
  };
}
