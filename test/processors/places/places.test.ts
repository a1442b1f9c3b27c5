import { readFileSync } from "node:fs";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluatePlaces, formatPlaceEvaluation, parsePlaceTsv } from "../../../processors/places/evaluate.js";
import {
  ALIASES,
  AMBIGUOUS,
  type Gazetteer,
  loadGazetteer,
  placesTagger,
  tagPlace,
} from "../../../processors/places/index.js";
import { untagged } from "../../../processors/tagger.js";
import type { TaggedMention } from "../../../schemas/types.generated.js";
import { sampleMention } from "../../fixtures/mentions.js";

let gazetteer: Gazetteer;
beforeAll(async () => {
  gazetteer = await loadGazetteer();
});

const author = (location: string | null = null) => ({ ...sampleMention.author, location });
const place = (text: string, options: { hashtags?: string[]; profile?: string } = {}) => {
  const tag = tagPlace(gazetteer, { text, hashtags: options.hashtags ?? [], author: author(options.profile ?? null) });
  return tag === null ? null : [tag.provinceCode, tag.regencyCode, tag.source];
};

describe("gazetteer", () => {
  it("holds the 38 provinces and 514 regencies and cities of idn-area-data, with their Kemendagri codes", () => {
    expect(gazetteer.provinces.size).toBe(38);
    expect(gazetteer.regencies.size).toBe(514);
    expect(gazetteer.regencies.get("32.09")?.name).toBe("Kabupaten Cirebon");
    expect(gazetteer.regencies.get("32.74")).toMatchObject({ name: "Kota Cirebon", kind: "city", provinceCode: "32" });
    expect(gazetteer.provinces.get("32")?.name).toBe("Jawa Barat");
  });

  it("resolves every alias and ambiguous word of ours to a known place", () => {
    for (const alias of Object.keys(ALIASES)) expect(gazetteer.names.get(alias)?.places.length).toBeGreaterThan(0);
    for (const word of Object.keys(AMBIGUOUS)) expect(gazetteer.names.get(word)?.ambiguity).toBe(AMBIGUOUS[word]);
  });
});

// The development set: the examples the rules were written against. The evaluation set
// (data/places/eval.tsv) is held out: nothing below comes from it.
describe("places in text (development set)", () => {
  it.each([
    ["antre bpjs di Kota Cirebon sampai siang", "32", "32.74"],
    ["kantor bpjs kabupaten cirebon pindah ke sumber", "32", "32.09"],
    ["Kab. Malang kekurangan dokter spesialis", "35", "35.07"],
    ["Cirebon panas banget hari ini", "32", "32.74"],
    ["pemkab bandung harus tanggap", "32", "32.04"],
    ["warga Jabar diminta waspada cuaca ekstrem", "32", null],
    ["DKI siaga banjir", "31", null],
    ["macet di jaksel parah", "31", "31.74"],
    ["pindahan ke Solo bulan depan", "33", "33.72"],
    ["Yogyakarta sepi wisatawan", "34", null],
    ["Provinsi Gorontalo diguncang gempa", "75", null],
    ["Gorontalo hujan deras", "75", null],
    ["Kota Gorontalo banjir", "75", "75.71"],
    ["warga padang antusias vaksin", "13", "13.71"],
    ["lagi di Batu, dingin", "35", "35.79"],
    ["Sumatra Barat banjir", "13", null],
    ["Jawa Timur, tepatnya Kota Kediri", "35", "35.71"],
    ["Mentawai diguncang gempa", "13", "13.09"],
    ["Bandung Barat longsor", "32", "32.17"],
  ])("%s -> %s %s", (text, province, regency) => {
    expect(place(text)).toEqual([province, regency, "text"]);
  });

  it.each([
    ["sungguh malang nasib kami"],
    ["duduk di batu nunggu jemputan"],
    ["nasi Padang paling enak"],
    ["kerja solo lebih enak"],
    ["Bima Arya hadir di acara itu"],
    ["roh Kudus"],
    ["harga batu naik"],
    ["Kuala Lumpur hujan lebat"],
    ["papua nugini diguncang gempa"],
    ["Indonesia darurat sampah"],
    ["pulau Jawa dan Sumatera"],
    ["dari Sabang sampai Merauke"],
    ["Bandung dan Surabaya sama2 panas"],
    ["Banjar banjir"],
    ["jalan Surabaya macet"],
    ["soto lamongan enak"],
    ["Surbaya banjir"],
    [""],
  ])("%s -> no place", (text) => {
    expect(place(text)).toBeNull();
  });

  it("keeps the province when regencies of one province disagree, and lets the most named province win", () => {
    expect(place("Kota Bogor dan Kabupaten Bogor banjir")).toEqual(["32", null, "text"]);
    expect(place("Depok banjir, Depok macet, Jakarta juga")).toEqual(["32", "32.76", "text"]);
  });

  it("reads hashtags in the text and in the mention's list, with kind prefixes", () => {
    expect(place("banjir lagi #Surabaya")).toEqual(["35", "35.78", "hashtag"]);
    expect(place("banjir lagi", { hashtags: ["kabbandung"] })).toEqual(["32", "32.04", "hashtag"]);
    expect(place("banjir lagi", { hashtags: ["jawatengah"] })).toEqual(["33", null, "hashtag"]);
    expect(place("banjir lagi", { hashtags: ["kotabatu"] })).toEqual(["35", "35.79", "hashtag"]);
    expect(place("batu akik", { hashtags: ["batu"] })).toBeNull();
  });

  it("falls back to the author's profile location only when the text names no place", () => {
    expect(place("antre lagi", { profile: "Kota Malang, Jawa Timur" })).toEqual(["35", "35.73", "profile"]);
    expect(place("antre di Depok", { profile: "Malang" })).toEqual(["32", "32.76", "text"]);
    expect(place("antre lagi", { profile: "Singapore" })).toBeNull();
    expect(place("antre lagi", { profile: "Kuala Lumpur" })).toBeNull();
  });

  it("never throws and stays within one province code and a regency of it, whatever the input", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.array(fc.string({ maxLength: 20 }), { maxLength: 4 }),
        (text, hashtags) => {
          const tag = tagPlace(gazetteer, { text, hashtags, author: author(text.slice(0, 30)) });
          if (tag !== null) {
            expect(gazetteer.provinces.has(tag.provinceCode)).toBe(true);
            if (tag.regencyCode !== null) expect(tag.regencyCode.startsWith(`${tag.provinceCode}.`)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("tags a whole batch, null where no place is named", async () => {
    const batch: TaggedMention[] = ["banjir di Kota Bekasi", "banjir lagi"].map((text, i) => ({
      mention: { ...sampleMention, id: `m${i}`, text, hashtags: [] },
      tags: untagged(),
      processedTime: 0,
    }));
    await placesTagger(gazetteer).tag(batch);
    expect(batch.map((item) => item.tags.place)).toEqual([
      { provinceCode: "32", regencyCode: "32.75", name: "Kota Bekasi", confidence: 0.9, source: "text" },
      null,
    ]);
  });
});

describe("evaluation", () => {
  it("parses the labelled TSV and refuses a malformed line by its number", () => {
    expect(parsePlaceTsv("text\tprovince\tregency\nbanjir di Cirebon\t32\t32.74\nhujan\t\t\n")).toEqual([
      { text: "banjir di Cirebon", province: "32", regency: "32.74", profile: null, line: 2 },
      { text: "hujan", province: null, regency: null, profile: null, line: 3 },
    ]);
    expect(() => parsePlaceTsv("text\tprovince\tregency\nbanjir\t32\t33.01\n")).toThrow(/line 2: regency code "33.01"/);
    expect(() => parsePlaceTsv("teks\tprov\n")).toThrow(/line 1/);
  });

  it("counts precision over the places given and recall over the places expected, and prints them", () => {
    const examples = parsePlaceTsv(
      [
        "text\tprovince\tregency\tprofile",
        "banjir di Kota Cirebon\t32\t32.74\t",
        "banjir di Cirebon\t32\t32.09\t",
        "nasibnya malang\t\t\t",
        "antre lagi\t35\t35.73\tKota Malang",
        "antre di Surbaya\t35\t35.78\t",
      ].join("\n"),
    );
    const evaluation = evaluatePlaces(gazetteer, examples);
    expect(evaluation.province).toMatchObject({ predicted: 3, expected: 4, correct: 3 });
    expect(evaluation.regency).toMatchObject({ predicted: 3, expected: 4, correct: 2 });
    expect(evaluation.errors.map((error) => error.example.line)).toEqual([3, 6]);
    expect(formatPlaceEvaluation(evaluation)).toBe(
      [
        "examples 5",
        "province precision 1.0000 (3/3)  recall 0.7500 (3/4)",
        "regency  precision 0.6667 (2/3)  recall 0.5000 (2/4)",
        "",
      ].join("\n"),
    );
    expect(formatPlaceEvaluation(evaluation, { errors: true })).toContain(
      "line 3: expected 32 32.09, got 32 32.74 (text): banjir di Cirebon",
    );
  });

  it("meets the targets on the held-out set: province precision >= 0.95, recall >= 0.85; regency precision >= 0.9", () => {
    const examples = parsePlaceTsv(readFileSync("data/places/eval.tsv", "utf8"));
    expect(examples.length).toBeGreaterThanOrEqual(400);
    const { province, regency } = evaluatePlaces(gazetteer, examples);
    expect(province.precision).toBeGreaterThanOrEqual(0.95);
    expect(province.recall).toBeGreaterThanOrEqual(0.85);
    expect(regency.precision).toBeGreaterThanOrEqual(0.9);
  });
});
