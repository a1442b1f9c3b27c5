/**
 * Storage.insertRows on embedded ClickHouse: rows of one shape go as values only
 * (JSONCompactEachRow), rows that leave a column out or undefined go with their keys (JSONEachRow)
 * and get the column's default; both store the same values.
 */
import { describe, expect, it } from "vitest";
import { useMigratedStorage } from "../../support/storage.js";

const storage = useMigratedStorage({ database: "insert_rows", migrations: [] });

async function stored(table: string) {
  const result = await storage.client.query({
    query: `SELECT id, label, tags, at FROM ${storage.table(table)} ORDER BY id`,
    format: "JSONEachRow",
  });
  return result.json<{ id: number; label: string; tags: string[]; at: string }>();
}

describe("Storage.insertRows", () => {
  it("stores rows of one shape and rows of mixed shapes alike, defaults for what a row leaves out", async () => {
    for (const table of ["uniform", "mixed"])
      await storage.client.command({
        query: `CREATE TABLE ${storage.table(table)} (
                  id UInt32, label String DEFAULT 'none', tags Array(String), at DateTime64(3, 'UTC')
                ) ENGINE = MergeTree ORDER BY id`,
      });
    const at = Date.UTC(2026, 11, 6, 1, 2, 3, 456);
    await storage.insertRows("uniform", [
      { id: 1, label: 'a "quoted"\nline', tags: ["x", "y"], at },
      { id: 2, label: "b", tags: [], at },
    ]);
    await storage.insertRows("mixed", [
      { id: 1, label: 'a "quoted"\nline', tags: ["x", "y"], at },
      { id: 2, tags: [], at },
      { id: 3, label: undefined, tags: ["z"], at },
      { tags: [], id: 4, at, label: "reordered" },
    ]);
    const when = "2026-12-06 01:02:03.456";
    expect(await stored("uniform")).toEqual([
      { id: 1, label: 'a "quoted"\nline', tags: ["x", "y"], at: when },
      { id: 2, label: "b", tags: [], at: when },
    ]);
    expect(await stored("mixed")).toEqual([
      { id: 1, label: 'a "quoted"\nline', tags: ["x", "y"], at: when },
      { id: 2, label: "none", tags: [], at: when },
      { id: 3, label: "none", tags: ["z"], at: when },
      { id: 4, label: "reordered", tags: [], at: when },
    ]);
  });
});
