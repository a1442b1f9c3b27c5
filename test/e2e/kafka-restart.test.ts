/**
 * Acceptance: on real Kafka, schema registry and Redis (ClickHouse embedded in the sink process),
 * the simulator produces exactly N mentions; the process stage is SIGKILLed mid-stream and
 * restarted, and so is the sink; the table ends with exactly N distinct mentions and no duplicate
 * rows.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  ARTIFACTS_DIR,
  KILLED_MEMBER_ENV,
  killWhenReached,
  metric,
  serviceEnv,
  sqlOverHttp,
  tempDir,
  uniquePrefix,
  waitFor,
  yesterdayAtTenWib,
} from "../support/services.js";
import { RestartHarness } from "../support/stages.js";

const N = 20_000;

describe("end to end on Kafka + registry + Redis + ClickHouse", () => {
  const stages = new RestartHarness();
  afterAll(() => stages.stop());

  it(`keeps exactly ${N} distinct mentions through SIGKILL and restart of the process and sink stages`, async () => {
    const prefix = uniquePrefix("restart");
    const env = serviceEnv(prefix, { SIMAK_DATA_DIR: tempDir("restart-chdb") });
    const firstSink = await stages.start("restart-sink-1", ["run", "sink"], { ...env, ...KILLED_MEMBER_ENV });
    const firstProcess = await stages.start("restart-process-1", ["run", "process"], { ...env, ...KILLED_MEMBER_ENV });
    await stages.healthy(firstSink, firstProcess);

    // A fixed daytime start and a paced simulator: ~1000 mentions/s, so the kill lands mid-stream.
    const ingest = await stages.start("restart-ingest", ["run", "ingest", "--source", "synthetic"], {
      ...env,
      SIMAK_SIM_MAX_MENTIONS: String(N),
      SIMAK_SIM_RATE: "60000",
      SIMAK_SIM_SPEED: "1",
      SIMAK_SIM_START: yesterdayAtTenWib(),
      SIMAK_SIM_SEED: "20261127",
      SIMAK_LOG_LEVEL: "info",
    });

    const processedAtKill = await killWhenReached(firstProcess, firstProcess.port, 'stage="process"', 4000);
    expect(processedAtKill).toBeLessThan(N);

    // Two instances take over: the group splits the partitions between them.
    const takers = await Promise.all(
      ["restart-process-2", "restart-process-3"].map((label) => stages.start(label, ["run", "process"], env)),
    );

    // Then the sink, once it has stored a few thousand rows; the new one opens the same data folder.
    const storedAtKill = await killWhenReached(firstSink, firstSink.port, 'target="tagged_mentions"', 8000);
    expect(storedAtKill).toBeLessThan(N);
    const { port: sinkPort2 } = await stages.start("restart-sink-2", ["run", "sink"], env);
    const ingestExit = await ingest.exited;
    expect(ingestExit.code, `ingest log: ${ingest.logFile}`).toBe(0);
    const finished = readFileSync(ingest.logFile, "utf8")
      .split("\n")
      .filter((line) => line.includes('"msg":"ingestor finished"'))
      .map((line) => JSON.parse(line));
    expect(finished).toHaveLength(1);
    expect(finished[0].mentions).toBe(N);
    expect(finished[0].invalid).toBe(0);

    const counted = await waitFor(
      `${N} mentions in ClickHouse`,
      async () => {
        const [total, distinct] = (
          await sqlOverHttp(sinkPort2, "SELECT count(), uniqExact(platform, id) FROM simak.tagged_mentions")
        )
          .split("\t")
          .map(Number);
        return total === N ? { total, distinct } : undefined;
      },
      180_000,
      500,
    );
    expect(counted).toEqual({ total: N, distinct: N });
    // Settle: nothing more arrives after the last redelivery.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await sqlOverHttp(sinkPort2, "SELECT count(), uniqExact(platform, id) FROM simak.tagged_mentions")).toBe(
      `${N}\t${N}`,
    );
    const takenOver = await Promise.all(
      takers.map(({ port }) => metric(port, "simak_events_out_total", 'stage="process"')),
    );
    for (const emitted of takenOver) expect(emitted).toBeGreaterThan(0);
    // For the record: how many redelivered or re-produced rows the sink recognised and skipped.
    const skipped = await metric(sinkPort2, "simak_duplicates_dropped_total", 'stage="sink"');
    writeFileSync(
      join(ARTIFACTS_DIR, "restart-summary.json"),
      JSON.stringify(
        { mentions: N, processedAtKill, storedAtKill, takenOver, sinkSkippedDuplicates: skipped },
        null,
        2,
      ),
    );
  }, 400_000);
});
