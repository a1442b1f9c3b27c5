/**
 * Storage.ownConnection(): the dashboard reads the same embedded ClickHouse on a connection of its
 * own, so its reads do not queue behind the stages' statements on theirs, with its parameters bound
 * as literals, so they do not queue behind the stages' parameterised statements either (chdb runs
 * those one at a time, process-wide).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TupleParam } from "@clickhouse/client";
import { afterAll, describe, expect, it } from "vitest";
import { createStorage, withLiterals } from "../../../runtime/storage/clickhouse.js";

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

describe("Storage.ownConnection's parameters", () => {
  const hostile = "x' OR 1 = 1 --\\'); DROP TABLE t; \\";

  it("writes each parameter as a literal of its placeholder's type, strings escaped", () => {
    expect(
      withLiterals("SELECT {s:String}, {n:UInt32}, {a:Array(String)}, {k:Array(Tuple(String, String))}, {other:Int8}", {
        s: hostile,
        n: 7,
        a: ["a", "b'c"],
        k: [new TupleParam(["x", "y\\"])],
      }),
    ).toBe(
      "SELECT CAST('x\\' OR 1 = 1 --\\\\\\'); DROP TABLE t; \\\\' AS String), CAST(7 AS UInt32), " +
        "CAST(['a', 'b\\'c'] AS Array(String)), CAST([('x', 'y\\\\')] AS Array(Tuple(String, String))), {other:Int8}",
    );
    expect(() => withLiterals("SELECT {d:Date}", { d: new Date(0) })).toThrow(/cannot bind a object/);
    expect(() => withLiterals("SELECT {n:Float64}", { n: Number.NaN })).toThrow(/cannot bind NaN/);
  });

  it("reads with parameters bound in the statement: the same rows, a hostile string only a value", async () => {
    const reader = storage.ownConnection();
    try {
      const rows = await (
        await reader.client.query({
          query: `SELECT {s:String} AS s, length({s:String}) AS len, n FROM ${storage.table("t")}
                  WHERE n IN {ns:Array(UInt32)} AND (toString(n), 'k') IN {pairs:Array(Tuple(String, String))}
                  ORDER BY n`,
          query_params: { s: hostile, ns: [1, 3, 9], pairs: [new TupleParam(["3", "k"]), new TupleParam(["1", "k"])] },
          format: "JSONEachRow",
        })
      ).json<{ s: string; len: number; n: number }>();
      expect(rows).toEqual([
        { s: hostile, len: hostile.length, n: 1 },
        { s: hostile, len: hostile.length, n: 3 },
      ]);
      expect(await count(storage.client)).toBe(3);
    } finally {
      await reader.close();
    }
  });
});
