import { describe, expect, it } from "vitest";
import { evidence } from "../../../processors/sentiment/features.js";
import { normalise } from "../../../processors/sentiment/text.js";

/** Polarity evidence of a text, every word counted as seen by the model. */
function polar(text: string): { positive: number; negative: number } {
  const found = evidence(normalise(text).tokens, () => true);
  return { positive: found.positive, negative: found.negative };
}

describe("negation scope", () => {
  it("turns a negated positive word negative", () => {
    expect(polar("bagus")).toEqual({ positive: 1, negative: 0 });
    expect(polar("tidak bagus")).toEqual({ positive: 0, negative: 1 });
    expect(polar("gak bagus")).toEqual({ positive: 0, negative: 1 });
    expect(polar("belum puas")).toEqual({ positive: 0, negative: 1 });
    expect(polar("bukan pelayanan yang baik")).toEqual({ positive: 0, negative: 1 });
  });

  it("turns a negated negative word weakly positive", () => {
    expect(polar("tidak buruk")).toEqual({ positive: 1, negative: 0 });
    expect(polar("tanpa masalah")).toEqual({ positive: 0.5, negative: 0 });
    expect(polar("gak ribet")).toEqual({ positive: 0.5, negative: 0 });
  });

  it("ends at punctuation and at a clause word", () => {
    expect(polar("tidak. bagus")).toEqual({ positive: 1, negative: 0 });
    expect(polar("tidak mahal tapi enak")).toEqual({ positive: 1.5, negative: 0 });
  });

  it("covers three words, and a second negator cancels it", () => {
    expect(polar("tidak ada yang bagus")).toEqual({ positive: 0, negative: 1 });
    expect(polar("tidak ada yang peduli")).toEqual({ positive: 0, negative: 1 });
    expect(polar("tidak tahu kenapa tempat ini bagus")).toEqual({ positive: 1, negative: 0 });
    expect(polar("tidak kurang bagus")).toEqual({ positive: 1, negative: 0 });
  });

  it("reads phrases and idioms before negators", () => {
    expect(polar("kurang ajar")).toEqual({ positive: 0, negative: 2 });
    expect(polar("bukan main bagus")).toEqual({ positive: 1.5, negative: 0 });
  });
});

describe("intensifiers", () => {
  it("strengthens the polar word before or after", () => {
    expect(polar("sangat bagus")).toEqual({ positive: 1.5, negative: 0 });
    expect(polar("bagus bgt")).toEqual({ positive: 1.5, negative: 0 });
    expect(polar("amat buruk")).toEqual({ positive: 0, negative: 3 });
    expect(polar("tidak terlalu bagus")).toEqual({ positive: 0, negative: 1.3 });
  });

  it("reads swear words next to a polar word as intensifiers", () => {
    expect(polar("keren anjir")).toEqual({ positive: 3, negative: 0 });
    expect(polar("dasar anjing")).toEqual({ positive: 0, negative: 2 });
  });
});

describe("emoji and sarcasm", () => {
  it("counts emoji polarity as unseen evidence", () => {
    const found = evidence(normalise("😡😡 👍").tokens, () => true);
    expect(found).toMatchObject({ positive: 1, negative: 4, unseenPositive: 1, unseenNegative: 4 });
    expect(polar("😂 🙏")).toEqual({ positive: 0, negative: 0 });
  });

  it("reads thanks for a complaint as sarcasm", () => {
    expect(polar("makasih ya udah bikin macet")).toEqual({ positive: 0, negative: 2 });
    expect(polar("terima kasih, sangat membantu")).toEqual({ positive: 2.5, negative: 0 });
  });

  it("reports unseen words separately", () => {
    const found = evidence(["mantap", "😍"], (word) => word !== "mantap");
    expect(found).toMatchObject({ positive: 4, unseenPositive: 4 });
    const seen = evidence(["mantap"], () => true);
    expect(seen).toMatchObject({ positive: 2, unseenPositive: 0 });
  });

  it("scores English words with AFINN and English negators", () => {
    const found = evidence(["not", "good"], () => true);
    expect(found).toMatchObject({ positive: 0, negative: 1, englishHits: 1 });
  });
});
