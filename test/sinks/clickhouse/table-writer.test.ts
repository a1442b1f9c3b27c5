import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStorage, type Storage } from "../../../runtime/storage/clickhouse.js";
import { MIGRATIONS, migrate } from "../../../runtime/storage/migrations.js";
import { engagementRow } from "../../../sinks/clickhouse/rows.js";
import { TableWriter } from "../../../sinks/clickhouse/table-writer.js";

let storage: Storage;

beforeAll(async () => {
  storage = createStorage({
    username: "default",
    password: "",
    database: "simak_writer_test",
    dataDir: mkdtempSync(join(tmpdir(), "simak-chdb-")),
  });
  expect(await migrate(storage, pino({ level: "silent" }))).toEqual(MIGRATIONS.map((m) => m.version));
  expect(await migrate(storage, pino({ level: "silent" }))).toEqual([]);
});

afterAll(async () => {
  await storage?.close();
});

function snapshot(postId: string, minute: number, likes: number, offset: number) {
  return engagementRow(
    {
      platform: "x",
      postId,
      eventTime: Date.UTC(2026, 10, 27, 3, minute),
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

async function count(): Promise<number> {
  const result = await storage.client.query({
    query: `SELECT count() AS n FROM ${storage.table("engagement_events")}`,
    format: "JSONEachRow",
  });
  return Number((await result.json<{ n: string }>())[0]?.n);
}

describe("TableWriter", () => {
  it("flushes at batchRows, waits for flushMs otherwise, and never writes a key twice", async () => {
    const flushes: [number, number][] = [];
    const writer = new TableWriter({
      storage,
      table: storage.table("engagement_events"),
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
      table: storage.table("no_such_table"),
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
});
