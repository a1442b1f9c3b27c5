/**
 * Acceptance test 1 of the security review (docs/security.md): the SQL endpoint of an embedded
 * pipeline (in-process bus, chdb, a token configured) refuses everything but one read-only analyst
 * statement, through the real HTTP endpoint, while the sink goes on writing. The same refusals
 * hold on the server code path (CLICKHOUSE_URL: settings as URL parameters over HTTP), here against
 * a small bridge that runs what a ClickHouse server would receive on chdb, since no server of a
 * recent version is installed here. The guard's tree walk is also checked on its own.
 */
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { type ClickHouseClient, type ClickHouseError, createClient } from "@clickhouse/client";
import { createChdbConnection } from "chdb/connection";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSyntheticIngestor } from "../../ingestors/synthetic/index.js";
import { type Pipeline, startPipeline } from "../../runtime/app.js";
import { loadConfig } from "../../runtime/config.js";
import { createStorage, type Storage } from "../../runtime/storage/clickhouse.js";
import { checkFormat, refusalOf, sqlString } from "../../runtime/storage/sql-guard.js";
import { freePort, type HttpAnswer, httpCall, tempDir, waitFor } from "../support/services.js";

const TOKEN = "lockdown-token-0123456789";
const MAX_EXECUTION_SECONDS = 2;

let simak: Pipeline;
let port: number;

const outfile = join(tempDir("outfile"), "x");
/** Statements an analyst may not run, and why (the message). */
const REFUSED: [string, RegExp][] = [
  ["INSERT INTO simak.web_events (id) VALUES ('x')", /only SELECT.*not InsertQuery/],
  ["DROP TABLE simak.tagged_mentions", /only SELECT.*not DropQuery/],
  ["SYSTEM FLUSH LOGS", /only SELECT.*not SYSTEM query/],
  // readonly=1 refuses a change before the tree walk sees it; a "change" to the same value is no change to it.
  ["SELECT 1 SETTINGS readonly=0", /Cannot modify 'readonly' setting in readonly mode/],
  [`SELECT 1 SETTINGS max_execution_time = ${MAX_EXECUTION_SECONDS}`, /SETTINGS are not allowed/],
  ["SELECT file('/etc/hostname')", /function file is not allowed/],
  ["SELECT arrayMap(x -> FILE(x), ['/etc/hostname'])", /function FILE is not allowed/],
  [`SELECT 1 INTO OUTFILE ${sqlString(outfile)} TRUNCATE`, /INTO OUTFILE is not allowed/],
  ["SELECT * FROM url('http://127.0.0.1:9/', CSV, 'a String')", /function url is not allowed/],
  ["SELECT * FROM s3('http://127.0.0.1:9/x.csv')", /function s3 is not allowed/],
  ["DESCRIBE TABLE file('/etc/hostname')", /function file is not allowed/],
  ["SELECT 1; SELECT 2", /not one valid statement.*Multi-statements/],
  ["SELECT 1 FORMAT TSV", /FORMAT in the query is not allowed/],
  ["SET readonly = 0", /only SELECT/],
  ["EXPLAIN AST INSERT INTO simak.web_events (id) VALUES ('x')", /only SELECT/],
];

const call = (path: string, options?: Parameters<typeof httpCall>[2]) => httpCall(port, path, options);

function sql(query: string, format = "TabSeparated", headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return call(`/api/sql?format=${encodeURIComponent(format)}`, {
    method: "POST",
    body: query,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/sql", ...headers },
  });
}

beforeAll(async () => {
  port = await freePort();
  const config = loadConfig({
    SIMAK_DATA_DIR: tempDir("sql-lockdown"),
    SIMAK_HTTP_PORT: String(port),
    SIMAK_LOG_LEVEL: "warn",
    SIMAK_DASHBOARD_TOKEN: TOKEN,
    SIMAK_SQL_MAX_EXECUTION_SECONDS: String(MAX_EXECUTION_SECONDS),
    SIMAK_PAGERANK_INTERVAL_MS: "0",
  });
  // A steady trickle of mentions, so the sink is writing while analysts query.
  const ingestor = createSyntheticIngestor({ seed: 5, speed: 20, startTime: Date.now() - 3_600_000 });
  simak = await startPipeline({ config, stages: ["ingest", "process", "sink"], ingestor });
}, 60_000);

afterAll(async () => {
  await simak?.stop();
});

describe("POST /api/sql on the embedded engine", () => {
  it("needs the token, and only the token (not in the address)", async () => {
    const anonymous = await call("/api/sql", {
      method: "POST",
      body: "SELECT 1",
      headers: { "content-type": "application/sql" },
    });
    expect(anonymous.status).toBe(401);
    const inAddress = await call(`/api/sql?token=${TOKEN}`, {
      method: "POST",
      body: "SELECT 1",
      headers: { "content-type": "application/sql" },
    });
    expect(inAddress.status).toBe(401);
    expect((await call("/api/persepsi?agency=polri")).status).toBe(401);
    expect((await sql("SELECT 1")).body).toBe("1\n");
  });

  it("refuses a body a web page could send without a preflight", async () => {
    const answer = await sql("SELECT 1", "TabSeparated", { "content-type": "text/plain" });
    expect(answer.status).toBe(415);
    expect(answer.body).toMatch(/application\/sql/);
  });

  it("refuses another site's Origin and a foreign Host name, even with the token", async () => {
    const evil = await sql("SELECT 1", "TabSeparated", { origin: "http://evil" });
    expect(evil.status).toBe(403);
    expect(evil.body).toMatch(/cross-site/);
    const crossSite = await sql("SELECT 1", "TabSeparated", { "sec-fetch-site": "cross-site" });
    expect(crossSite.status).toBe(403);
    const rebound = await sql("SELECT 1", "TabSeparated", { host: `evil.test:${port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.body).toMatch(/evil\.test/);
    // The same origin passes.
    expect((await sql("SELECT 1", "TabSeparated", { origin: `http://127.0.0.1:${port}` })).status).toBe(200);
  });

  it("refuses every statement that is not one read-only analyst query, saying why", async () => {
    for (const [query, reason] of REFUSED) {
      const answer = await sql(query);
      expect({ query, status: answer.status }).toEqual({ query, status: 400 });
      expect(answer.body).toMatch(reason);
    }
    expect(existsSync(outfile)).toBe(false);
    const badFormat = await sql("SELECT 1", "TSV; SELECT 1");
    expect(badFormat.status).toBe(400);
    expect(badFormat.body).toMatch(/unknown output format/);
  });

  it("answers analysts' queries: SELECT, WITH, subqueries, SHOW, DESCRIBE, EXPLAIN", async () => {
    const ok = async (query: string, format = "TabSeparated") => {
      const answer = await sql(query, format);
      expect({ query, status: answer.status, body: answer.status === 200 ? "" : answer.body }).toEqual({
        query,
        status: 200,
        body: "",
      });
      return answer.body;
    };
    expect(await ok("SELECT sum(number) FROM numbers(10)")).toBe("45\n");
    expect(
      await ok("WITH t AS (SELECT number AS n FROM numbers(10)) SELECT count() FROM t WHERE n IN (SELECT 3)"),
    ).toBe("1\n");
    expect(await ok("SELECT 'it''s', 'a\\\\b'", "TSVRaw")).toBe("it's\ta\\b\n");
    expect((await ok("SHOW TABLES FROM simak")).split("\n")).toContain("tagged_mentions");
    expect(await ok("DESCRIBE TABLE simak.tagged_mentions")).toMatch(/^id\tString/m);
    expect(await ok("EXPLAIN SELECT count() FROM simak.tagged_mentions")).toMatch(/Aggregat/);
    expect(await ok("EXISTS TABLE simak.tagged_mentions")).toBe("1\n");
    expect(await ok("SELECT platform, count() FROM simak.tagged_mentions GROUP BY platform", "JSONEachRow")).toMatch(
      /^(\{"platform":"\w+","count\(\)":"?\d+"?\}\n)*$/,
    );
  });

  it("stops a runaway query at max_execution_time while the sink goes on writing", async () => {
    const count = async () => Number((await sql("SELECT count() FROM simak.tagged_mentions")).body);
    const before = await waitFor("stored mentions", async () => ((await count()) > 0 ? count() : undefined), 45_000);
    const started = Date.now();
    const runaway = await sql("SELECT count() FROM numbers(1e13)");
    const tookMs = Date.now() - started;
    expect(runaway.status).toBe(400);
    expect(runaway.body).toMatch(/Timeout exceeded/);
    expect(tookMs).toBeLessThan(MAX_EXECUTION_SECONDS * 1000 * 5);
    await waitFor("the sink to store more", async () => ((await count()) > before ? true : undefined), 30_000);
  }, 60_000);
});

describe("Storage.queryText over CLICKHOUSE_URL (the server code path)", () => {
  /** Settings names, in order, of each request the bridge received. */
  const received: string[][] = [];
  let bridge: Server;
  let engine: ClickHouseClient;
  let storage: Storage;

  beforeAll(async () => {
    // chdb opens one data folder per process: the pipeline's, already open above.
    const path = resolve(simak.context.config.clickhouse.dataDir);
    engine = createClient({ connection: createChdbConnection({ path }) as never });
    // What a ClickHouse server gets over HTTP (query in the body, settings in the address), run on chdb.
    bridge = createServer(async (req, res) => {
      const url = new URL(req.url ?? "/", "http://bridge");
      const settings: Record<string, string> = {};
      for (const [name, value] of url.searchParams)
        if (name !== "query_id" && name !== "database") settings[name] = value;
      received.push(Object.keys(settings));
      let query = "";
      for await (const chunk of req) query += String(chunk);
      try {
        const result = await engine.exec({ query, clickhouse_settings: settings });
        res.writeHead(200);
        await pipeline(result.stream, res);
      } catch (error) {
        const { code, type, message } = error as ClickHouseError;
        res.writeHead(500).end(`Code: ${code ?? 0}. DB::Exception: ${message} (${type ?? "UNKNOWN_EXCEPTION"})`);
      }
    });
    await new Promise<void>((resolve) => bridge.listen(0, "127.0.0.1", resolve));
    const { port: bridgePort } = bridge.address() as AddressInfo;
    const config = loadConfig({
      CLICKHOUSE_URL: `http://127.0.0.1:${bridgePort}`,
      SIMAK_SQL_MAX_EXECUTION_SECONDS: String(MAX_EXECUTION_SECONDS),
    });
    storage = createStorage(config.clickhouse, config.sql);
  });

  afterAll(async () => {
    await storage?.close();
    await new Promise((resolve) => bridge?.close(resolve));
    await engine?.close();
  });

  it("sends the limits before readonly, and refuses and answers as the embedded engine does", async () => {
    expect(storage.kind).toBe("clickhouse-server");
    expect(await storage.queryText("SELECT sum(number) FROM numbers(10)", "TabSeparated")).toBe("45\n");
    const sent = received.at(-1) ?? [];
    expect(sent.indexOf("readonly")).toBeGreaterThan(sent.indexOf("max_execution_time"));
    expect(sent.indexOf("readonly")).toBeGreaterThan(sent.indexOf("max_result_bytes"));
    expect(sent.indexOf("readonly")).toBeGreaterThan(sent.indexOf("max_memory_usage"));
    expect(sent.indexOf("max_execution_time")).toBeGreaterThanOrEqual(0);
    for (const [query, reason] of REFUSED) {
      await expect(storage.queryText(query, "TabSeparated"), query).rejects.toThrow(reason);
    }
    expect(existsSync(outfile)).toBe(false);
    await expect(storage.queryText("SELECT count() FROM numbers(1e13)", "TabSeparated")).rejects.toThrow(
      /Timeout exceeded/,
    );
  }, 30_000);
});

describe("the guard's tree walk (chdb and server print the same EXPLAIN AST)", () => {
  const select = (...extra: string[]) =>
    [
      "SelectWithUnionQuery (children 1)",
      " ExpressionList (children 1)",
      "  SelectQuery (children 1)",
      "   ExpressionList (children 1)",
      "    Literal UInt64_1",
      ...extra,
    ].join("\n");

  it("lets a plain SELECT through and names what it refuses", () => {
    expect(refusalOf(select())).toBeUndefined();
    expect(refusalOf(select(" Literal '/tmp/x'"))).toBe("INTO OUTFILE is not allowed");
    expect(refusalOf(select("   Set"))).toMatch(/SETTINGS/);
    expect(refusalOf(select("    Function remoteSecure (children 1)"))).toMatch(/remoteSecure/);
    expect(refusalOf(select("    Function icebergS3 (children 1)"))).toMatch(/icebergS3/);
    expect(refusalOf("InsertQuery   (children 1)\n Identifier t")).toMatch(/not InsertQuery/);
    expect(refusalOf("SYSTEM query")).toMatch(/not SYSTEM query/);
    expect(refusalOf(`${select()}\n${select()}`)).toMatch(/one statement/);
  });

  it("takes EXPLAIN's own options but not settings of the explained query", () => {
    const explain = (inner: string, options = false) =>
      [
        "Explain EXPLAIN (children 2)",
        ...(options ? [" Set"] : []),
        ...inner.split("\n").map((line) => ` ${line}`),
      ].join("\n");
    expect(refusalOf(explain(select(), true))).toBeUndefined();
    expect(refusalOf(explain(select("   Set")))).toMatch(/SETTINGS/);
    expect(refusalOf(explain("InsertQuery   (children 1)\n Identifier t"))).toMatch(/not InsertQuery/);
  });

  it("checks the format name against the allow-list", () => {
    expect(checkFormat("PrettyCompact")).toBe("PrettyCompact");
    expect(() => checkFormat("TSV; SELECT 1")).toThrow(/unknown output format/);
    expect(() => checkFormat("Template")).toThrow(/unknown output format/);
  });
});
