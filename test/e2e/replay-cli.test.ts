/**
 * `simak replay <file>` embedded: every stage in one process until the file is stored, then exit;
 * bad lines go to the dead-letter topic; `simak sql` then opens the data folder directly.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeReplayFile } from "../../ingestors/replay/index.js";
import { createSyntheticIngestor } from "../../ingestors/synthetic/index.js";
import { tempDir } from "../support/services.js";

function simak(args: string[], dataDir: string): string {
  return execFileSync(process.execPath, ["bin/simak.js", ...args], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, SIMAK_DATA_DIR: dataDir, SIMAK_LOG_LEVEL: "warn", SIMAK_HTTP_PORT: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe("simak replay (embedded)", () => {
  it("stores every valid line once, dead-letters the bad ones, and is idempotent when replayed again", async () => {
    const dir = tempDir("replay-cli");
    const file = join(dir, "mentions.jsonl");
    const counts = await writeReplayFile(
      file,
      // Recent times: raw mentions older than the table's 90-day TTL would be dropped on insert.
      createSyntheticIngestor({ seed: 5, speed: 0, maxMentions: 3000, startTime: Date.now() - 3_600_000 }).events(
        new AbortController().signal,
      ),
    );
    expect(counts.mentions).toBe(3000);
    appendFileSync(
      file,
      '{"platform": "x", "id": \n{"platform":"x","id":"no-author","kind":"post","text":"hi","eventTime":1}\n',
    );
    const dataDir = join(dir, "chdb");

    const printed = JSON.parse(simak(["replay", file], dataDir).trim());
    expect(printed).toEqual({ mentions: 3000, engagement: counts.engagement, web: 0, invalid: 2 });
    const stored = () =>
      simak(
        ["sql", "SELECT count(), uniqExact(platform, id) FROM simak.tagged_mentions", "--format", "TabSeparated"],
        dataDir,
      ).trim();
    expect(stored()).toBe("3000\t3000");
    expect(
      simak(["sql", "SELECT count() FROM simak.engagement_events", "--format", "TabSeparated"], dataDir).trim(),
    ).toBe(String(counts.engagement));

    // A second replay of the same file adds nothing: the sink recognises every row it holds.
    simak(["replay", file], dataDir);
    expect(stored()).toBe("3000\t3000");
  }, 120_000);
});
