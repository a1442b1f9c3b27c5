import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { beforeAll, describe, expect, it } from "vitest";
import { createStorage } from "../../../runtime/storage/clickhouse.js";
import { MIGRATIONS, migrate } from "../../../runtime/storage/migrations.js";
import { engagementRow, type Row } from "../../../sinks/clickhouse/rows.js";
import { MAX_DAYS_PER_INSERT, TableWriter, type TableWriterOptions } from "../../../sinks/clickhouse/table-writer.js";
import { useMigratedStorage } from "../../support/storage.js";

// Migrated by the test, which checks what migrate applies the first time and the second.
const storage = useMigratedStorage({ database: "simak_writer_test", migrations: [] });

beforeAll(async () => {
  expect(await migrate(storage, pino({ level: "silent" }))).toEqual(MIGRATIONS.map((m) => m.version));
  expect(await migrate(storage, pino({ level: "silent" }))).toEqual([]);
});

function snapshot(postId: string, minute: number, likes: number, offset: number, day = 0) {
  return engagementRow(
    {
      platform: "x",
      postId,
      eventTime: Date.UTC(2026, 10, 27 + day, 3, minute),
      likes,
      shares: 0,
      replies: 0,
      views: 10 * likes,
      clicks: 0,
      source: "test",
    },
    { topic: "simak.engagement.raw", partition: 0, offset: String(offset) },
  );
}

async function count(prefix = ""): Promise<number> {
  const result = await storage.client.query({
    query: `SELECT count() AS n FROM ${storage.table("engagement_events")} WHERE startsWith(post_id, {prefix:String})`,
    query_params: { prefix },
    format: "JSONEachRow",
  });
  return Number((await result.json<{ n: string }>())[0]?.n);
}

function engagementWriter(options: Partial<TableWriterOptions> = {}): TableWriter {
  return new TableWriter({
    storage,
    table: "engagement_events",
    keyColumns: ["platform", "post_id", "event_time"],
    lookupColumn: "post_id",
    timeColumn: "event_time",
    batchRows: 100_000,
    flushMs: 10,
    minFlushIntervalMs: 0,
    ...options,
  });
}

describe("TableWriter", () => {
  it("flushes at batchRows, waits for flushMs otherwise, and never writes a key twice", async () => {
    const flushes: [number, number][] = [];
    const writer = new TableWriter({
      storage,
      table: "engagement_events",
      keyColumns: ["platform", "post_id", "event_time"],
      lookupColumn: "post_id",
      timeColumn: "event_time",
      batchRows: 3,
      flushMs: 50,
      minFlushIntervalMs: 0,
      onFlush: (written, skipped) => flushes.push([written, skipped]),
    });
    await writer.write([snapshot("p1", 0, 1, 0), snapshot("p1", 1, 5, 1), snapshot("p2", 0, 2, 2)]);
    expect(await count()).toBe(3);
    // A redelivered batch (same rows, same keys) and a repeated key inside one batch.
    await writer.write([snapshot("p1", 1, 5, 1), snapshot("p3", 0, 1, 3), snapshot("p3", 0, 1, 3)]);
    expect(await count()).toBe(4);
    // Below batchRows: written by the timer.
    await writer.write([snapshot("p4", 0, 1, 4)]);
    expect(await count()).toBe(5);
    expect(flushes).toEqual([
      [3, 0],
      [1, 2],
      [1, 0],
    ]);
  });

  it("reports a failed insert (counted as a ClickHouse insert error) and rejects the write", async () => {
    let failures = 0;
    const writer = new TableWriter({
      storage,
      table: "no_such_table",
      keyColumns: ["platform", "post_id", "event_time"],
      lookupColumn: "post_id",
      timeColumn: "event_time",
      batchRows: 1,
      flushMs: 50,
      minFlushIntervalMs: 0,
      onInsertError: () => failures++,
    });
    await expect(writer.write([snapshot("p9", 0, 1, 9)])).rejects.toThrow(/no_such_table/);
    expect(failures).toBe(1);
  });

  it("bisects an insert refused for its data: the rows at fault are rejected, the rest stored", async () => {
    const rejected: [unknown, string][] = [];
    const flushes: [number, number][] = [];
    const writer = engagementWriter({
      onRejected: async (row, reason) => void rejected.push([row.post_id, reason]),
      onFlush: (written, skipped) => flushes.push([written, skipped]),
    });
    const rows = Array.from({ length: 9 }, (_, i) => snapshot(`bisect-${i}`, i, i === 2 || i === 7 ? -1 : i, i));
    await writer.write(rows);
    expect(await count("bisect-")).toBe(7);
    expect(rejected.map(([id]) => id)).toEqual(["bisect-2", "bisect-7"]);
    expect(rejected[0]?.[1]).toMatch(/Unsigned type must not contain '-'/);
    expect(flushes).toEqual([[7, 0]]);
  });

  it("fails the flush on an error that is not about the data, so the batch is redelivered", async () => {
    const rejected: Row[] = [];
    const writer = engagementWriter({
      table: "no_such_table",
      onRejected: async (row) => void rejected.push(row),
    });
    await expect(writer.write([snapshot("missing-table", 0, 1, 0)])).rejects.toMatchObject({ type: "UNKNOWN_TABLE" });
    expect(rejected).toEqual([]);
  });

  it("stores a 150-day backfill in inserts spanning at most 90 days", async () => {
    expect(MAX_DAYS_PER_INSERT).toBeLessThanOrEqual(100);
    const flushes: number[] = [];
    const writer = engagementWriter({ onFlush: (written) => flushes.push(written) });
    await writer.write(Array.from({ length: 150 }, (_, day) => snapshot(`backfill-${day}`, 0, 1, day, day)));
    expect(await count("backfill-")).toBe(150);
    expect(flushes).toEqual([150]);
  });

  it("looks up long keys in several queries and still never writes a key twice", async () => {
    const flushes: [number, number][] = [];
    const writer = engagementWriter({ onFlush: (written, skipped) => flushes.push([written, skipped]) });
    // 300 ids of 500 bytes: about 450 KB of escaped keys, several lookups.
    const rows = () => Array.from({ length: 300 }, (_, i) => snapshot(`long-${String(i).padStart(495, "0")}`, 0, 1, i));
    await writer.write(rows());
    await writer.write(rows());
    expect(await count("long-")).toBe(300);
    expect(flushes).toEqual([
      [300, 0],
      [0, 300],
    ]);
  });

  it("sends the lookup keys to a ClickHouse server in the request body, never in the URL", async () => {
    const requests: { url: string; body: string }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        requests.push({ url: req.url ?? "", body: Buffer.concat(chunks).toString() });
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const remote = createStorage({
      url: `http://127.0.0.1:${port}`,
      username: "default",
      password: "",
      database: "simak",
      dataDir: "",
    });
    try {
      const longId = `remote-${"x".repeat(500)}`;
      await engagementWriter({ storage: remote, table: "engagement_events" }).write([snapshot(longId, 0, 1, 0)]);
      const [lookup, insert] = requests;
      expect(lookup?.url).not.toContain("param_keys");
      expect(lookup?.url).not.toContain(longId);
      expect(lookup?.body).toContain('name="param_keys"');
      expect(lookup?.body).toContain(longId);
      expect(insert?.url).toContain("INSERT");
    } finally {
      await remote.close();
      server.close();
    }
  });
});
