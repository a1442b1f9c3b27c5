import { describe, expect, it } from "vitest";
import { loadSentimentModel, SentimentTagger, sentimentTagger } from "../../../processors/sentiment/index.js";
import { readModel } from "../../../processors/sentiment/model.js";
import { untagged } from "../../../processors/tagger.js";
import type { TaggedMention } from "../../../schemas/types.generated.js";
import { postWith } from "../../fixtures/mentions.js";

const tagger = loadSentimentModel();
const label = (text: string) => tagger.tag(text).label;

describe("SentimentTagger", () => {
  it("loads the committed model once", () => {
    expect(loadSentimentModel()).toBe(tagger);
    expect(tagger.modelVersion).toMatch(/^smsa-lr-[0-9a-f]{10}$/);
  });

  it("tags clear informal Indonesian", () => {
    expect(label("Pelayanannya lemot bgt, petugasnya jutek 😡")).toBe("negative");
    expect(label("makasih pak, pelayanannya cepet dan ramah bgt 👍")).toBe("positive");
    expect(label("pendaftaran dibuka mulai tanggal 1 juni")).toBe("neutral");
    expect(label("kinerja pemerintah sangat mengecewakan")).toBe("negative");
    expect(label("pemerintah kota meresmikan taman baru")).toBe("neutral");
  });

  it("follows negation", () => {
    expect(label("makanannya enak banget")).toBe("positive");
    expect(label("makanannya tidak enak")).toBe("negative");
    expect(label("makanannya gak enak")).toBe("negative");
    expect(label("tidak buruk")).toBe("positive");
  });

  it("reads emoji-only text by the emoji", () => {
    expect(tagger.tag("😍😍😍")).toMatchObject({ label: "positive", language: "other" });
    expect(tagger.tag("😡")).toMatchObject({ label: "negative", language: "other" });
  });

  it("tags English and code-mixed text", () => {
    expect(tagger.tag("the service was terrible and the staff was rude")).toMatchObject({
      label: "negative",
      language: "en",
    });
    expect(tagger.tag("great job, very helpful staff!")).toMatchObject({ label: "positive", language: "en" });
    expect(tagger.tag("pelayanannya slow banget, so disappointed")).toMatchObject({
      label: "negative",
      language: "mixed",
    });
  });

  it("keeps score and confidence in range and agrees with the label", () => {
    for (const text of ["bagus", "jelek", "kantor buka jam 8", "the best!", "😐", "a"]) {
      const tag = tagger.tag(text);
      expect(tag.score).toBeGreaterThanOrEqual(-1);
      expect(tag.score).toBeLessThanOrEqual(1);
      expect(tag.confidence).toBeGreaterThanOrEqual(1 / 3);
      expect(tag.confidence).toBeLessThanOrEqual(1);
      if (tag.label === "positive") expect(tag.score).toBeGreaterThan(0);
      if (tag.label === "negative") expect(tag.score).toBeLessThan(0);
    }
  });

  it("tags empty text neutral", () => {
    expect(tagger.tag("")).toEqual({
      label: "neutral",
      score: 0,
      confidence: 1,
      language: "other",
      modelVersion: tagger.modelVersion,
    });
    expect(tagger.tag(" \n\t https://t.co/x @someone ").label).toBe("neutral");
  });

  it("is deterministic across calls and instances", () => {
    const text = "pelayanan oke sih, tapi antrinya parah bgt 😩";
    const other = new SentimentTagger(readModel());
    expect(other.tag(text)).toEqual(tagger.tag(text));
    expect(tagger.tag(text)).toEqual(tagger.tag(text));
  });
});

function mention(id: string, text: string): TaggedMention {
  return { mention: postWith({ id, text }), tags: untagged(), processedTime: Date.UTC(2024, 0, 1) };
}

describe("sentimentTagger (process stage)", () => {
  it("sets tags.sentiment on every mention of the batch and leaves other tags alone", () => {
    const batch = [
      mention("1", "jalan rusak parah gak dibenerin 😡"),
      mention("2", "mantap, pelayanan cepat 👍"),
      mention("3", ""),
    ];
    const stage = sentimentTagger();
    expect(stage.name).toBe("sentiment");
    stage.tag(batch);
    expect(batch.map((item) => item.tags.sentiment?.label)).toEqual(["negative", "positive", "neutral"]);
    expect(batch[0]?.tags.sentiment).toEqual(tagger.tag("jalan rusak parah gak dibenerin 😡"));
    expect(batch[0]?.tags.topics).toEqual([]);
    expect(batch[0]?.tags.virality).toBeNull();
  });
});
