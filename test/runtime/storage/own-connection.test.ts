/**
 * Storage.ownConnection(): the dashboard reads the same embedded ClickHouse on a connection of its
 * own, so its reads do not queue behind the stages' statements on theirs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createStorage } from "../../../runtime/storage/clickhouse.js";

const dataDir = mkdtempSync(join(tmpdir(), "simak-own-connection-"));
const storage = createStorage({ username: "default", password: "", database: "simak_own", dataDir });

afterAll(async () => {
  await storage.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const count = async (client: typeof storage.client) =>
  (
    await (
      await client.query({ query: `SELECT count() AS n FROM ${storage.table("t")}`, format: "JSONEachRow" })
    ).json<{ n: number }>()
  )[0]?.n;

describe("Storage.ownConnection", () => {
  it("reads and writes the same tables on another connection, and closing it leaves the first open", async () => {
    await storage.client.command({ query: "CREATE DATABASE IF NOT EXISTS simak_own" });
    await storage.client.command({
      query: `CREATE TABLE ${storage.table("t")} (n UInt32) ENGINE = MergeTree ORDER BY n`,
    });
    await storage.client.insert({ table: storage.table("t"), values: [{ n: 1 }, { n: 2 }], format: "JSONEachRow" });
    const own = storage.ownConnection();
    expect(own.client).not.toBe(storage.client);
    expect([own.kind, own.database, own.table("t")]).toEqual(["chdb", "simak_own", "`simak_own`.`t`"]);
    expect(await count(own.client)).toBe(2);
    await own.client.insert({ table: own.table("t"), values: [{ n: 3 }], format: "JSONEachRow" });
    expect(await own.queryText(`SELECT sum(n) FROM ${own.table("t")}`, "TabSeparated")).toBe("6\n");
    await own.close();
    expect(await count(storage.client)).toBe(3);
  });
});
