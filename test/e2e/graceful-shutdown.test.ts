/**
 * SIGTERM on a running sink: it stops consuming, flushes what it buffered, commits, and exits 0.
 * A successor then finds nothing to redeliver: it skips no duplicate and the table ends exact.
 */
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import {
  freePort,
  metric,
  type SimakProcess,
  serviceEnv,
  spawnSimak,
  sqlOverHttp,
  tempDir,
  uniquePrefix,
  waitFor,
} from "../support/services.js";

const N = 6000;

async function sinkCounts(port: number): Promise<{ received: number; written: number; skipped: number }> {
  return {
    received: await metric(port, "simak_events_in_total", 'simak.mentions.tagged"'),
    written: await metric(port, "simak_events_out_total", 'target="tagged_mentions"'),
    skipped: await metric(port, "simak_duplicates_dropped_total", 'stage="sink"'),
  };
}

/** Counts rows by opening the data folder directly (no process holds it). */
function storedRows(dataDir: string): number {
  const output = execFileSync(
    process.execPath,
    ["bin/simak.js", "sql", "SELECT count() FROM simak.tagged_mentions", "--format", "TabSeparated"],
    { encoding: "utf8", env: { PATH: process.env.PATH, SIMAK_DATA_DIR: dataDir, SIMAK_HTTP_PORT: "1" } },
  );
  return Number(output.trim());
}

describe("graceful shutdown", () => {
  const running: SimakProcess[] = [];
  afterAll(() => {
    for (const stage of running) stage.child.kill("SIGKILL");
  });

  it("a SIGTERMed sink flushes and commits, so its successor redelivers nothing", async () => {
    const prefix = uniquePrefix("shutdown");
    const [sinkPort, sinkPort2, processPort, ingestPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    // A long flush interval: at SIGTERM the sink surely holds buffered rows it must flush.
    const dataDir = tempDir("shutdown-chdb");
    const env = serviceEnv(prefix, { SIMAK_DATA_DIR: dataDir, SIMAK_SINK_FLUSH_MS: "3000" });
    const start = (label: string, args: string[], port: number, extra: Record<string, string> = {}) => {
      const stage = spawnSimak(label, args, { ...env, SIMAK_HTTP_PORT: String(port), ...extra });
      running.push(stage);
      return stage;
    };
    const sink = start("shutdown-sink-1", ["run", "sink"], sinkPort);
    start("shutdown-process", ["run", "process"], processPort);
    start("shutdown-ingest", ["run", "ingest"], ingestPort, {
      SIMAK_SIM_MAX_MENTIONS: String(N),
      SIMAK_SIM_RATE: "60000",
      SIMAK_SIM_SPEED: "1",
      SIMAK_SIM_START: new Date(Date.now() - 3_600_000).toISOString(),
    });
    await waitFor(
      "the sink's first rows",
      async () => ((await sinkCounts(sinkPort)).written > 0 ? true : undefined),
      120_000,
      50,
    );
    sink.child.kill("SIGTERM");
    expect(await sink.exited).toEqual({ code: 0, signal: null });
    // Everything it received was flushed and committed before it exited.
    const storedAtStop = storedRows(dataDir);
    expect(storedAtStop).toBeGreaterThan(0);
    expect(storedAtStop).toBeLessThan(N);

    start("shutdown-sink-2", ["run", "sink"], sinkPort2);
    const total = await waitFor(
      `${N} rows`,
      async () => {
        const count = Number(await sqlOverHttp(sinkPort2, "SELECT count() FROM simak.tagged_mentions"));
        return count === N ? count : undefined;
      },
      180_000,
      500,
    );
    expect(total).toBe(N);
    // The successor received exactly what the first had not committed: nothing redelivered.
    expect(await sinkCounts(sinkPort2)).toEqual({ received: N - storedAtStop, written: N - storedAtStop, skipped: 0 });
    expect(await sqlOverHttp(sinkPort2, "SELECT uniqExact(platform, id) FROM simak.tagged_mentions")).toBe(String(N));
  }, 300_000);
});
