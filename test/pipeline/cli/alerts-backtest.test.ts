/**
 * `simak alerts backtest` on seeded history in embedded ClickHouse: two days of BPJS Kesehatan at
 * 2 negative mentions a minute, and the same 4-minute spike (10 a minute from 12:02 UTC) on both
 * days. On day 1 the EWMA baseline still warms up (it needs a day of samples) and no floor is
 * set: nothing fires. On day 2 it fires at 12:04 and resolves once 5 minutes in a row are normal;
 * a --from just before the spike gives the same, because the history before --from warms the
 * baseline.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { MINUTE_MS } from "../../../processors/alerts/index.js";
import { tempDir } from "../../support/services.js";
import { migratedStorage } from "../../support/storage.js";

const DAY_MS = 1440 * MINUTE_MS;
/** Two days ago, 00:00 UTC: recent for the aggregates' retention. */
const DAY1 = Math.floor(Date.now() / DAY_MS) * DAY_MS - 2 * DAY_MS;
const DAY2 = DAY1 + DAY_MS;
const SPIKE = { fromMinute: 12 * 60 + 2, minutes: 4, negativesPerMinute: 10 };

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

describe("simak alerts backtest", () => {
  const dir = tempDir("alerts-backtest");
  const dataDir = join(dir, "chdb");
  const rules = join(dir, "alerts.yaml");

  const simak = (args: string[]) =>
    execFileSync(process.execPath, ["bin/simak.js", "alerts", "backtest", "--rules", rules, ...args], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, SIMAK_DATA_DIR: dataDir, SIMAK_LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });

  beforeAll(async () => {
    writeFileSync(
      rules,
      `rules:
  bpjs-negative-count:
    scope: { agency: bpjs-kesehatan }
    signal: negative-count
    threshold: { z: 3, minVolume: 10 }
`,
    );
    const storage = await migratedStorage({ dataDir });
    const rows = [];
    for (let minute = DAY1; minute < DAY2 + DAY_MS; minute += MINUTE_MS) {
      const ofDay = ((minute - DAY1) % DAY_MS) / MINUTE_MS;
      const spiking = ofDay >= SPIKE.fromMinute && ofDay < SPIKE.fromMinute + SPIKE.minutes;
      const cell = {
        window_start: minute / 1000,
        scope_kind: "agency",
        scope: "bpjs-kesehatan",
        agency: "bpjs-kesehatan",
      };
      rows.push({ ...cell, sentiment: "negative", mentions: spiking ? SPIKE.negativesPerMinute : 2 });
      rows.push({ ...cell, sentiment: "neutral", mentions: 18 });
    }
    // Through the deltas table, as the aggregate stage writes them: the materialized views roll them up.
    await storage.client.insert({
      table: storage.table("mention_window_deltas"),
      values: rows.map((row) => ({ ...row, source_topic: "seed", inserted_at: Date.now(), final: true })),
      format: "JSONEachRow",
    });
    await storage.close();
  }, 60_000);

  it("prints when the rule would have fired and resolved, the history before --from warming the baseline", () => {
    const expected = [
      "window end            rule                 scope               status    observed  baseline   threshold  z     volume",
      `${iso(DAY2 + (SPIKE.fromMinute + 2) * MINUTE_MS)}  bpjs-negative-count  bpjs-kesehatan/*/*  firing    26        10 (ewma)  19.487     5.06  26`,
      `${iso(DAY2 + (SPIKE.fromMinute + 13) * MINUTE_MS)}  bpjs-negative-count  bpjs-kesehatan/*/*  resolved  10        10 (ewma)  19.487     0     10`,
      "",
    ].join("\n");
    expect(simak(["--from", iso(DAY1), "--to", iso(DAY2 + DAY_MS)])).toBe(expected);
    expect(simak(["--from", iso(DAY2 + 12 * 60 * MINUTE_MS), "--to", iso(DAY2 + 13 * 60 * MINUTE_MS)])).toBe(expected);
    // Day 1's spike comes while the baseline warms up.
    expect(simak(["--from", iso(DAY1), "--to", iso(DAY2)])).toBe("no alerts\n");

    const json = JSON.parse(simak(["--from", iso(DAY2), "--to", iso(DAY2 + DAY_MS), "--json"])) as {
      id: string;
      incidentId: string;
    }[];
    expect(json.map((alert) => alert.id)).toEqual([
      `bpjs-negative-count:bpjs-kesehatan/*/*:${new Date(DAY2 + (SPIKE.fromMinute + 2) * MINUTE_MS).toISOString()}:firing`,
      `bpjs-negative-count:bpjs-kesehatan/*/*:${new Date(DAY2 + (SPIKE.fromMinute + 2) * MINUTE_MS).toISOString()}:resolved`,
    ]);
  }, 120_000);
});
