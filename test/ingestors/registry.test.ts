import { describe, expect, it } from "vitest";
import { INGESTOR_NAMES } from "../../ingestors/names.js";
import { createIngestor } from "../../ingestors/registry.js";
import { loadConfig } from "../../runtime/config.js";

async function scenarioCounts(scenarios: string): Promise<Record<string, number>> {
  const config = loadConfig({
    SIMAK_SIM_SCENARIOS: scenarios,
    SIMAK_SIM_SPEED: "0",
    SIMAK_SIM_MAX_MENTIONS: "100000",
    SIMAK_SIM_START: "2026-11-26T01:00:00Z",
  });
  const counts: Record<string, number> = {};
  for await (const event of createIngestor("synthetic", config, {}).events(new AbortController().signal)) {
    if (event.type === "mention" && event.truth?.scenario) {
      counts[event.truth.scenario] = (counts[event.truth.scenario] ?? 0) + 1;
    }
  }
  return counts;
}

describe("ingestor registry", () => {
  it("names every ingestor and refuses an unknown one", () => {
    expect(INGESTOR_NAMES).toEqual(["synthetic", "replay"]);
    expect(() => createIngestor("twitter", loadConfig({}), {})).toThrow(
      'unknown source "twitter"; expected one of synthetic, replay',
    );
    expect(() => createIngestor("replay", loadConfig({}), {})).toThrow("the replay source needs --file <path>");
  });

  it("runs the simulator's demo scenarios only when configured", async () => {
    expect(await scenarioCounts("none")).toEqual({});
    const demo = await scenarioCounts("demo");
    expect(Object.keys(demo).sort()).toEqual([
      "negative-spike:bpjs-kesehatan",
      "viral-post:polri",
      "volume-surge:bmkg",
    ]);
    for (const count of Object.values(demo)) expect(count).toBeGreaterThan(50);
  });
});
