import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NEGATORS } from "../../../processors/sentiment/lexicon.js";
import { SLANG, SLANG_ENTRY_COUNT } from "../../../processors/sentiment/slang.js";
import {
  isLaughter,
  matchTokens,
  normalise,
  normaliseWord,
  scanAsciiTokens,
  splitHashtag,
} from "../../../processors/sentiment/text.js";

const tokens = (text: string) => normalise(text).tokens;

describe("slang and abbreviations", () => {
  it("maps the informal forms named in the issue to the training text's forms", () => {
    expect(tokens("gak ga nggak gk tdk")).toEqual(["tidak", "tidak", "tidak", "tidak", "tidak"]);
    expect(tokens("yg bgt udh blm krn tp aja")).toEqual(["yang", "banget", "sudah", "belum", "karena", "tapi", "saja"]);
    expect(tokens("sih dong")).toEqual(["sih", "dong"]);
  });

  it("expands to several words and keeps clitics", () => {
    expect(tokens("makasih gpp")).toEqual(["terima", "kasih", "tidak", "apa-apa"]);
    expect(tokens("lemotnya")).toEqual(["lambatnya"]);
    expect(tokens("nyebelinlah")).toEqual(["menyebalkan", "lah"]);
  });

  it("has hundreds of entries, every key lower case and single word", () => {
    expect(SLANG_ENTRY_COUNT).toBeGreaterThanOrEqual(400);
    expect(SLANG.size).toBeGreaterThanOrEqual(350);
    for (const key of SLANG.keys()) expect(key).toMatch(/^[\p{Ll}\p{N}'-]+$/u);
  });

  it("keeps every negator a word (no stopword list removes them)", () => {
    for (const negator of ["tidak", "tak", "bukan", "belum", "jangan", "kurang", "tanpa"]) {
      expect(NEGATORS.has(negator)).toBe(true);
      expect(tokens(`${negator} bagus`)).toEqual([negator, "bagus"]);
    }
  });
});

describe("elongation, laughter, reduplication", () => {
  it("folds elongations to the known word", () => {
    expect(tokens("bagussss kerennnn maaaaf gooood bangettt")).toEqual(["bagus", "keren", "maaf", "good", "banget"]);
    expect(normaliseWord("mantaaaap").tokens).toEqual(["mantap"]);
    expect(normaliseWord("tidaaaak").tokens).toEqual(["tidak"]);
  });

  it("keeps words that are spelled with a double letter", () => {
    expect(tokens("maaf saat taat")).toEqual(["maaf", "saat", "taat"]);
  });

  it("unifies laughter but not crying", () => {
    expect(tokens("wkwkwk awokawok hahaha xixixi")).toEqual(["haha", "haha", "haha", "haha"]);
    expect(isLaughter("huhu")).toBe(false);
    expect(isLaughter("kwkwkw")).toBe(true);
    expect(isLaughter("koko")).toBe(false);
  });

  it("spells out reduplication with 2", () => {
    expect(tokens("anak2 hati2")).toEqual(["anak-anak", "hati-hati"]);
  });
});

describe("urls, mentions, hashtags, unicode", () => {
  it("drops urls and mentions, keeps hashtag words", () => {
    expect(tokens("@PLN_123 listrik mati lagi https://t.co/abc #PelayananPublikBuruk")).toEqual([
      "listrik",
      "mati",
      "lagi",
      "pelayanan",
      "publik",
      "buruk",
    ]);
  });

  it("reads full-width mentions and hashtags after NFKC, drops skin tones, keeps curly apostrophes", () => {
    expect(tokens("ＰＬＮ ＠pln_id lemot，＃PelayananBuruk 👍🏽 jangan2 gak bisa…")).toEqual([
      "pln",
      "lambat",
      ",",
      "pelayanan",
      "buruk",
      "👍",
      "jangan-jangan",
      "tidak",
      "bisa",
      ".",
    ]);
    expect(tokens("Don’t like it :( www.x.com/a @x")).toEqual(["don't", "like", "it", "☹"]);
  });

  it("splits hashtags on case, underscores and digits, and lower-case tags into known words", () => {
    expect(splitHashtag("save_KPK")).toBe("save kpk");
    expect(splitHashtag("2019GantiPresiden")).toBe("2019 ganti presiden");
    expect(splitHashtag("KPKLemah")).toBe("kpk lemah");
    expect(splitHashtag("jalanrusak")).toBe("jalan rusak");
  });

  it("reads styled letters as plain ones and lower-cases", () => {
    expect(tokens("𝐁𝐚𝐠𝐮𝐬 SEKALI")).toEqual(["bagus", "sekali"]);
  });

  it("keeps one punctuation token per run", () => {
    expect(tokens("kenapa??!! lama...")).toEqual(["kenapa", "?", "lama", "."]);
  });
});

describe("emoji and emoticons", () => {
  it("keeps each emoji as a token without skin tone or variation selector", () => {
    expect(tokens("mantap👍🏽❤️ 😡😡")).toEqual(["mantap", "👍", "❤", "😡", "😡"]);
  });

  it("turns emoticons into the emoji with the same reading", () => {
    expect(tokens("oke :) sedih :( T_T -_- xD <3")).toEqual(["oke", "😊", "sedih", "☹", "😢", "😑", "😆", "❤"]);
  });

  it("does not read emoticons inside words", () => {
    expect(tokens("Kata:Dia")).toEqual(["kata", ",", "dia"]);
  });
});

describe("the ASCII token scan", () => {
  it("cuts every ASCII text as the token pattern does", () => {
    const corpus = ["smsa-train.tsv", "informal-test.tsv"].flatMap((name) =>
      readFileSync(fileURLToPath(new URL(`../../../data/sentiment/${name}`, import.meta.url)), "utf8")
        .toLowerCase()
        .split("\n")
        .filter((line) => !/[^\x20-\x7e\t]/.test(line)),
    );
    expect(corpus.length).toBeGreaterThan(11_000);
    let differing = 0;
    for (const text of corpus) if (scanAsciiTokens(text).join("|") !== matchTokens(text).join("|")) differing++;
    expect(differing).toBe(0);
    expect(scanAsciiTokens("abc-1.5kg .5 don't;;1,000,000!? x--y a'")).toEqual([
      "abc-1.5",
      "kg",
      ".",
      "5",
      "don't",
      ";;",
      "1,000,000",
      "!?",
      "x",
      "y",
      "a",
    ]);
  });

  it("agrees with the pattern on random ASCII made of letters, digits and separators", () => {
    const alphabet = fc.constantFrom(..."aZ09 '-.,;:!?_\t#@".split(""));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }), (chars) => {
        const text = chars.join("");
        expect(scanAsciiTokens(text)).toEqual(matchTokens(text));
      }),
      { seed: 83, numRuns: 5_000 },
    );
  });
});
