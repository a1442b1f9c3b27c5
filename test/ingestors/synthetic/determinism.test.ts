import { describe, expect, it } from "vitest";
import { createSyntheticIngestor, DEMO_SCENARIOS, type SyntheticOptions } from "../../../ingestors/synthetic/index.js";
import { collect, engagements, mentions } from "../events.js";

const FAST = { speed: 0 } satisfies SyntheticOptions;

/** A fingerprint of a long run (FNV-1a over the JSON of every event), so two runs compare cheaply. */
async function fingerprint(options: SyntheticOptions): Promise<{ events: number; hash: number }> {
  let hash = 0x811c9dc5;
  let events = 0;
  for await (const event of createSyntheticIngestor(options).events(new AbortController().signal)) {
    const json = JSON.stringify(event);
    for (let i = 0; i < json.length; i++) hash = Math.imul(hash ^ json.charCodeAt(i), 0x01000193);
    events++;
  }
  return { events, hash: hash >>> 0 };
}

describe("synthetic ingestor determinism", () => {
  it("gives the same events, ground truth included, for the same options", async () => {
    const options = { ...FAST, seed: 7, maxMentions: 2000, scenarios: DEMO_SCENARIOS };
    const first = await collect(createSyntheticIngestor(options));
    const second = await collect(createSyntheticIngestor(options));
    expect(first.length).toBeGreaterThanOrEqual(2000);
    expect(JSON.stringify(second.slice(0, 2000))).toBe(JSON.stringify(first.slice(0, 2000)));
  });

  it("starts over on every call of events(), so one ingestor can be iterated twice", async () => {
    const ingestor = createSyntheticIngestor({ ...FAST, maxMentions: 500 });
    expect(JSON.stringify(await collect(ingestor))).toBe(JSON.stringify(await collect(ingestor)));
  });

  it("gives different events for different seeds", async () => {
    const a = mentions(await collect(createSyntheticIngestor({ ...FAST, seed: 1, maxMentions: 200 })));
    const b = mentions(await collect(createSyntheticIngestor({ ...FAST, seed: 2, maxMentions: 200 })));
    expect(a.map((m) => m.text)).not.toEqual(b.map((m) => m.text));
    expect(a.map((m) => m.eventTime)).not.toEqual(b.map((m) => m.eventTime));
  });

  it("repeats a long run exactly (100 000 mentions with scenarios)", async () => {
    const options = { ...FAST, maxMentions: 100_000, scenarios: DEMO_SCENARIOS };
    const first = await fingerprint(options);
    expect(await fingerprint(options)).toEqual(first);
    expect(first.events).toBeGreaterThan(200_000);
  });

  it.each([0, 1, 777])("stops right after exactly maxMentions = %i mentions", async (maxMentions) => {
    const events = await collect(createSyntheticIngestor({ ...FAST, maxMentions }));
    expect(mentions(events)).toHaveLength(maxMentions);
    if (maxMentions > 0) expect(events.at(-1)?.type).toBe("mention");
  });

  it("stamps the ingestor name as source and treats undefined options as defaults", async () => {
    const events = await collect(
      createSyntheticIngestor({ ...FAST, name: "sim-a", seed: undefined, maxMentions: 300 }),
    );
    const defaults = await collect(createSyntheticIngestor({ ...FAST, name: "sim-a", maxMentions: 300 }));
    expect(JSON.stringify(events)).toBe(JSON.stringify(defaults));
    const sources = new Set([...mentions(events), ...engagements(events)].map((item) => item.source));
    expect(sources).toEqual(new Set(["sim-a"]));
    expect(createSyntheticIngestor({ name: "sim-a" }).name).toBe("sim-a");
  });

  it.each([
    [{ mentionsPerMinute: -1 }, /mentionsPerMinute/],
    [{ maxMentions: 1.5 }, /maxMentions/],
    [{ authors: 0 }, /authors/],
    [{ speed: -2 }, /speed/],
    [{ startTime: Number.NaN }, /startTime/],
  ] satisfies [SyntheticOptions, RegExp][])("rejects invalid options %o", (options, message) => {
    expect(() => createSyntheticIngestor(options)).toThrow(message);
  });
});
