/**
 * Acceptance: `simak start` with nothing configured runs every stage in one process (in-process
 * bus and state, embedded ClickHouse, the simulator): within 15 s /metrics shows events flowing and
 * `simak sql` returns a growing count; SIGTERM shuts it down cleanly.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { freePort, spawnSimak, tempDir, waitFor } from "../support/services.js";

function sql(port: number, query: string): string {
  return execFileSync(process.execPath, ["bin/simak.js", "sql", query, "--format", "TabSeparated"], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, SIMAK_HTTP_PORT: String(port) },
  }).trim();
}

describe("simak start (embedded default)", () => {
  it("flows events within 15 s, answers simak sql with a growing count, and stops on SIGTERM", async () => {
    const port = await freePort();
    const dataDir = tempDir("start");
    const started = Date.now();
    const simak = spawnSimak("embedded-start", ["start"], { SIMAK_HTTP_PORT: String(port), SIMAK_DATA_DIR: dataDir });
    try {
      const flowing = await waitFor(
        "mentions in ClickHouse",
        async () => {
          const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
          const written = metrics.match(/^simak_events_out_total\{stage="sink",target="tagged_mentions"\} (\d+)/m);
          return written && Number(written[1]) > 0 ? metrics : undefined;
        },
        15_000,
      );
      expect(Date.now() - started).toBeLessThan(15_000);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({
        status: "ok",
        checks: [
          ["dashboard", true],
          ["sink", true],
          ["alert", true],
          ["aggregate", true],
          ["responsiveness", true],
          ["issues", true],
          ["coordination", true],
          ["enrich", true],
          ["process", true],
          ["ingest", true],
          ["state", true],
        ],
      });
      for (const stage of ["ingest", "process", "enrich", "sink"]) {
        expect(flowing).toMatch(new RegExp(`^simak_events_in_total\\{stage="${stage}",[^}]*\\} [1-9]`, "m"));
      }
      const first = Number(sql(port, "SELECT count() FROM simak.tagged_mentions"));
      expect(first).toBeGreaterThan(0);
      const later = await waitFor(
        "a larger count",
        async () => {
          const count = Number(sql(port, "SELECT count() FROM simak.tagged_mentions"));
          return count > first ? count : undefined;
        },
        10_000,
      );
      expect(later).toBeGreaterThan(first);
      expect(sql(port, "SELECT countIf(id = '' OR author_handle = '' OR source = '') FROM simak.tagged_mentions")).toBe(
        "0",
      );
      // Every mention carries its sentiment and account role; the example queries match some.
      expect(
        sql(port, "SELECT countIf(sentiment_label IS NULL OR account_role IS NULL) FROM simak.tagged_mentions"),
      ).toBe("0");
      expect(Number(sql(port, "SELECT countIf(notEmpty(topic_query_ids)) FROM simak.tagged_mentions"))).toBeGreaterThan(
        0,
      );
    } finally {
      simak.child.kill("SIGTERM");
    }
    expect(await simak.exited).toEqual({ code: 0, signal: null });
  }, 120_000);
});
