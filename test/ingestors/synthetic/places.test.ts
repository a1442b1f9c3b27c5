import { describe, expect, it } from "vitest";
import { createSyntheticIngestor } from "../../../ingestors/synthetic/index.js";
import { placeOfNames } from "../../../ingestors/synthetic/places.js";
import { normaliseMention } from "../../../processors/normalise/index.js";
import { loadGazetteer, tagPlace } from "../../../processors/places/index.js";

describe("simulated places", () => {
  it("names places in texts and profiles with ground truth the places tagger agrees with", async () => {
    const gazetteer = await loadGazetteer();
    const ingestor = createSyntheticIngestor({ maxMentions: 5000, speed: 0 });
    let mentions = 0;
    let agree = 0;
    const sources = { text: 0, profile: 0 };
    const provinces = new Set<string>();
    for await (const event of ingestor.events(new AbortController().signal)) {
      if (event.type !== "mention") continue;
      mentions++;
      const normalised = normaliseMention(event.mention);
      if (!normalised.ok) throw new Error(normalised.reason);
      const truth = event.truth?.place ?? null;
      if (truth) {
        sources[truth.source]++;
        provinces.add(truth.provinceCode);
      }
      const tag = tagPlace(gazetteer, normalised.mention);
      if (tag?.provinceCode === truth?.provinceCode && tag?.regencyCode === truth?.regencyCode) agree++;
    }
    expect(mentions).toBe(5000);
    expect(sources.text).toBeGreaterThan(500);
    expect(sources.profile).toBeGreaterThan(500);
    expect(provinces.size).toBeGreaterThanOrEqual(20);
    expect(agree / mentions).toBeGreaterThanOrEqual(0.99);
  });

  it("takes the province named most often as the truth, none on a tie, the regency when one", () => {
    const cirebon = { provinceCode: "32", regencyCode: "32.74" };
    const bandung = { provinceCode: "32", regencyCode: "32.73" };
    const surabaya = { provinceCode: "35", regencyCode: "35.78" };
    expect(placeOfNames([cirebon, cirebon])).toEqual(cirebon);
    expect(placeOfNames([cirebon, bandung, surabaya])).toEqual({ provinceCode: "32", regencyCode: null });
    expect(placeOfNames([cirebon, surabaya])).toBeNull();
    expect(placeOfNames([])).toBeNull();
  });
});
