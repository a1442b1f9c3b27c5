/**
 * With SIMAK_SOURCES_FILE, the ingest stage runs the file's sources, and an edit of the file is
 * applied while it runs: an added source starts, an unchanged one goes on (not restarted); a bad
 * edit keeps the sources in force.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline } from "../../../pipeline/app.js";
import { ingestSources } from "../../../pipeline/cli/sources.js";
import { loadConfig } from "../../../runtime/config.js";
import { tempDir, waitFor } from "../../support/services.js";

let pipeline: Pipeline | undefined;
afterEach(async () => {
  await pipeline?.stop();
  pipeline = undefined;
});

async function items(source: string): Promise<number> {
  const { values } = (await pipeline?.context.metrics.ingestItems.get()) ?? { values: [] };
  return values.find((v) => v.labels.source === source && v.labels.kind === "mention")?.value ?? 0;
}

describe("the sources file in a running pipeline", () => {
  it("runs the listed sources and applies edits of the file", async () => {
    const file = join(tempDir("ingest-sources"), "sources.yaml");
    const simulator = (id: string, max: number) =>
      `  - { id: ${id}, type: synthetic, speed: 0, maxMentions: ${max} }\n`;
    writeFileSync(file, `sources:\n${simulator("satu", 5)}`);
    const config = loadConfig({ SIMAK_SOURCES_FILE: file, SIMAK_LOG_LEVEL: "silent" });
    const sources = await ingestSources(config, { name: "synthetic" });
    expect(sources.ingestors.map((ingestor) => ingestor.name)).toEqual(["satu"]);
    pipeline = await startPipeline({ config, stages: ["ingest"], ingestor: sources.ingestors, http: false });
    sources.watch(pipeline);
    await waitFor("satu's mentions", async () => ((await items("satu")) === 5 ? true : undefined), 10_000, 20);

    writeFileSync(file, `sources:\n${simulator("satu", 5)}  - { id: dua, type: nope }\n`);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await items("dua")).toBe(0);

    writeFileSync(file, `sources:\n${simulator("satu", 5)}${simulator("dua", 3)}`);
    await waitFor("dua's mentions", async () => ((await items("dua")) === 3 ? true : undefined), 15_000, 50);
    // satu was unchanged: not restarted, so not produced twice.
    expect(await items("satu")).toBe(5);
    sources.close();
  });
});
