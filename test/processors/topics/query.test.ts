import { describe, expect, it } from "vitest";
import {
  compileQueries,
  foldFromTable,
  identityFold,
  parseQuery,
  type QueryNode,
} from "../../../processors/topics/index.js";
import { matches, mention } from "./helpers.js";

/** A compact rendering of the AST, to assert precedence and grouping. */
function shape(node: QueryNode): string {
  switch (node.type) {
    case "terms": {
      const words = node.words.map((w) => w.text + (w.prefix ? "*" : "")).join(" ");
      return node.exact || node.words.length > 1 ? `"${words}"` : words;
    }
    case "hashtag":
      return `#${node.value}${node.prefix ? "*" : ""}`;
    case "handle":
      return `@${node.value}${node.prefix ? "*" : ""}`;
    case "field":
      return `${node.field}:${node.value}${node.prefix ? "*" : ""}`;
    case "and":
    case "or":
      return `${node.type}(${node.children.map(shape).join(", ")})`;
    case "not":
      return `not(${shape(node.child)})`;
    case "near":
      return `near${node.distance}${node.ordered ? "f" : ""}(${shape(node.left)}, ${shape(node.right)})`;
  }
}

const parsed = (query: string) => shape(parseQuery(query));

describe("query parsing: operators and precedence", () => {
  it("reads AND, OR, NOT, NEAR/n, NEAR/nf and parentheses", () => {
    expect(parsed("a AND b")).toBe("and(a, b)");
    expect(parsed("a OR b OR c")).toBe("or(a, b, c)");
    expect(parsed("a AND NOT b")).toBe("and(a, not(b))");
    expect(parsed("a NEAR/3 b")).toBe("near3(a, b)");
    expect(parsed("a NEAR/3f b")).toBe("near3f(a, b)");
    expect(parsed("(a OR b) AND c")).toBe("and(or(a, b), c)");
  });

  it("binds NEAR tighter than NOT, NOT tighter than AND, AND tighter than OR", () => {
    expect(parsed("a OR b AND c")).toBe("or(a, and(b, c))");
    expect(parsed("a AND b OR c")).toBe("or(and(a, b), c)");
    expect(parsed("NOT a NEAR/2 b AND c")).toBe("and(not(near2(a, b)), c)");
    expect(parsed("a b NEAR/1 c")).toBe("and(a, near1(b, c))");
    expect(parsed("a NOT b OR c")).toBe("or(and(a, not(b)), c)");
    expect(parsed("NOT NOT a")).toBe("not(not(a))");
  });

  it("reads adjacent terms as AND (implicit AND), also next to parentheses and phrases", () => {
    expect(parsed("bpjs antre")).toBe(parsed("bpjs AND antre"));
    expect(parsed('bpjs "mobile jkn" (error OR gagal)')).toBe('and(bpjs, "mobile jkn", or(error, gagal))');
    expect(parsed("a OR b c")).toBe("or(a, and(b, c))");
  });

  it("chains NEAR left to right and accepts ORs of words, phrases and wildcards as operands", () => {
    expect(parsed("a NEAR/1 b NEAR/2 c")).toBe("near2(near1(a, b), c)");
    expect(parsed('(bpjs OR "mobile jkn") NEAR/3 antre*')).toBe('near3(or(bpjs, "mobile jkn"), antre*)');
  });

  it("treats lower-case and, or, not and words that merely start with NEAR as words", () => {
    expect(parsed("bpjs or jkn")).toBe("and(bpjs, or, jkn)");
    expect(parsed("NEARBY")).toBe("nearby");
  });

  it("normalises terms: case, accents, wildcards, hashtags, handles, fields", () => {
    expect(parsed("CAFÉ Kemen* #VaksinBooster @KemenkesRI")).toBe("and(cafe, kemen*, #vaksinbooster, @kemenkesri)");
    expect(parsed("platform:twitter lang:ID-id kind:reply author:@DivHumas_Polri author:humas*")).toBe(
      "and(platform:x, lang:id-id, kind:reply, author:divhumas_polri, author:humas*)",
    );
    // A bare word that normalises to several words is a phrase; so is each quoted piece.
    expect(parsed("covid-19")).toBe('"covid 19"');
    expect(parsed('"antre* di bpjs"')).toBe('"antre* di bpjs"');
    expect(parsed("\u201Cmobile jkn\u201D")).toBe('"mobile jkn"');
  });
});

describe("query matching", () => {
  it("AND, OR, NOT and implicit AND", () => {
    expect(matches("bpjs AND antre", "antre di BPJS")).toBe(true);
    expect(matches("bpjs AND antre", "kantor bpjs sepi")).toBe(false);
    expect(matches("bpjs antre", "antre di BPJS")).toBe(true);
    expect(matches("bpjs antre", "kantor bpjs sepi")).toBe(false);
    expect(matches("bpjs OR jkn", "daftar jkn")).toBe(true);
    expect(matches("bpjs OR jkn", "daftar asuransi")).toBe(false);
    expect(matches("bpjs NOT iuran", "bpjs lancar")).toBe(true);
    expect(matches("bpjs NOT iuran", "iuran bpjs naik")).toBe(false);
    expect(matches("bpjs AND NOT (iuran OR denda)", "denda bpjs")).toBe(false);
  });

  it("follows precedence: a OR b AND c", () => {
    expect(matches("a1 OR b1 AND c1", "a1")).toBe(true);
    expect(matches("a1 OR b1 AND c1", "b1")).toBe(false);
    expect(matches("a1 OR b1 AND c1", "b1 c1")).toBe(true);
    expect(matches("(a1 OR b1) AND c1", "a1")).toBe(false);
    expect(matches("(a1 OR b1) AND c1", "a1 c1")).toBe(true);
  });

  it("matches exact phrases on consecutive words, ignoring punctuation between them", () => {
    expect(matches('"antrean bpjs"', "Antrean BPJS lama")).toBe(true);
    expect(matches('"antrean bpjs"', "antrean, BPJS!")).toBe(true);
    expect(matches('"antrean bpjs"', "antrean di bpjs")).toBe(false);
    expect(matches('"antrean bpjs"', "bpjs antrean")).toBe(false);
    expect(matches('"antre* bpjs"', "antrenya bpjs parah")).toBe(true);
    expect(matches("covid-19", "kasus covid 19 naik")).toBe(true);
    expect(matches('"antre - bpjs"', "antre bpjs")).toBe(true);
  });

  it("matches wildcards as word prefixes, the prefix itself included", () => {
    expect(matches("kemen*", "Kemenkes lambat")).toBe(true);
    expect(matches("kemen*", "KEMENSOS")).toBe(true);
    expect(matches("kemen*", "kemen")).toBe(true);
    expect(matches("kemen*", "pekemen")).toBe(false);
    expect(matches("kemen*", "komdigi")).toBe(false);
    // Wildcards look at the word as written, not at its folded form.
    expect(matches("antri*", "antrian panjang")).toBe(true);
  });

  describe("NEAR/n: at most n words between, either order", () => {
    const query = "bpjs NEAR/3 antre*";
    it("counts the words strictly between the two terms", () => {
      expect(matches(query, "bpjs antrean")).toBe(true);
      expect(matches(query, "bpjs satu dua tiga antrean")).toBe(true);
      expect(matches(query, "bpjs satu dua tiga empat antrean")).toBe(false);
    });
    it("matches both orders", () => {
      expect(matches(query, "antrean satu dua tiga bpjs")).toBe(true);
      expect(matches(query, "antrean satu dua tiga empat bpjs")).toBe(false);
    });
    it("NEAR/0 means adjacent; NEAR/nf only in the written order", () => {
      expect(matches("bpjs NEAR/0 antre", "antre bpjs")).toBe(true);
      expect(matches("bpjs NEAR/0 antre", "bpjs di antre")).toBe(false);
      expect(matches("bpjs NEAR/1f antre", "bpjs di antre")).toBe(true);
      expect(matches("bpjs NEAR/1f antre", "antre di bpjs")).toBe(false);
    });
    it("needs two distinct occurrences for the same word, and does not count overlaps", () => {
      expect(matches("bpjs NEAR/2 bpjs", "bpjs saja")).toBe(false);
      expect(matches("bpjs NEAR/2 bpjs", "bpjs oh bpjs")).toBe(true);
      expect(matches('"mobile jkn" NEAR/2 jkn', "mobile jkn")).toBe(false);
    });
    it("measures from the edges of phrases, and chains from the span of the previous match", () => {
      expect(matches('"mobile jkn" NEAR/1 error', "error di mobile jkn")).toBe(true);
      expect(matches('"mobile jkn" NEAR/1 error', "mobile jkn lagi lagi error")).toBe(false);
      expect(matches("(bpjs OR jkn) NEAR/1 antre", "jkn harus antre")).toBe(true);
      expect(matches("aa NEAR/0 bb NEAR/1 cc", "aa bb xx cc")).toBe(true);
      expect(matches("aa NEAR/0 bb NEAR/1 cc", "cc xx yy aa bb")).toBe(false);
      expect(matches("aa NEAR/0 bb NEAR/1 cc", "cc xx aa bb")).toBe(true);
      expect(matches("aa NEAR/0 bb NEAR/1 cc", "aa xx bb cc")).toBe(false);
      expect(matches("aa NEAR/0 bb NEAR/1 cc", "cc aa bb")).toBe(true);
    });
  });

  it("matches #hashtags in the mention's hashtags or its text, not plain words", () => {
    expect(matches("#BPJS", mention("antre lagi", { hashtags: ["bpjs"] }))).toBe(true);
    expect(matches("#BPJS", "antre lagi #Bpjs")).toBe(true);
    expect(matches("#BPJS", "antre lagi di bpjs")).toBe(false);
    expect(matches("#bpjs*", "#BPJSKesehatan error")).toBe(true);
    // A plain word matches the body of a hashtag written in the text.
    expect(matches("bpjs", "antre lagi #BPJS")).toBe(true);
  });

  it("matches @handles the mention mentions, and author: the account that wrote it", () => {
    expect(matches("@KemenkesRI", mention("tolong dong", { mentionedHandles: ["kemenkesri"] }))).toBe(true);
    expect(matches("@KemenkesRI", "tolong dong @kemenkesRI")).toBe(true);
    expect(
      matches("@KemenkesRI", mention("Info vaksin", { author: { ...mention("").author, handle: "KemenkesRI" } })),
    ).toBe(false);
    const byKemenkes = mention("Info vaksin", {
      author: { id: "123", handle: "KemenkesRI", name: null, followers: 1, verified: true, location: null },
    });
    expect(matches("author:kemenkesri vaksin", byKemenkes)).toBe(true);
    expect(matches("author:123 vaksin", byKemenkes)).toBe(true);
    expect(matches("author:kemenkes* vaksin", byKemenkes)).toBe(true);
    expect(matches("author:kemensos* vaksin", byKemenkes)).toBe(false);
  });

  it("filters on platform, language (primary subtag too) and kind", () => {
    expect(matches("platform:x bpjs", mention("bpjs", { platform: "x" }))).toBe(true);
    expect(matches("platform:twitter bpjs", mention("bpjs", { platform: "x" }))).toBe(true);
    expect(matches("platform:tiktok bpjs", mention("bpjs", { platform: "x" }))).toBe(false);
    expect(matches("lang:id bpjs", mention("bpjs", { lang: "id-ID" }))).toBe(true);
    expect(matches("lang:id-id bpjs", mention("bpjs", { lang: "id" }))).toBe(false);
    expect(matches("lang:id bpjs", mention("bpjs", { lang: null }))).toBe(false);
    expect(matches("bpjs NOT lang:en", mention("bpjs", { lang: null }))).toBe(true);
    expect(matches("kind:reply bpjs", mention("bpjs", { kind: "reply", parentId: "p" }))).toBe(true);
    expect(matches("kind:reply bpjs", mention("bpjs"))).toBe(false);
    expect(matches("platform:x OR platform:tiktok", mention("apa saja", { platform: "tiktok" }))).toBe(true);
  });

  it("is case- and accent-insensitive on both sides", () => {
    expect(matches("café", "CAFE baru")).toBe(true);
    expect(matches("CAFE", "Café baru")).toBe(true);
    expect(matches("cafe", "cafe\u0301 baru")).toBe(true);
    expect(matches('"KEMENTERIAN kesehatan"', "Kementérian Kesehatan")).toBe(true);
    expect(matches("kpk", "ｋｐｋ")).toBe(true);
  });

  it("folds slang on unquoted words with the built-in table; quoted words are exact", () => {
    expect(matches("tidak", "pelayanan gak jelas")).toBe(true);
    expect(matches("gak", "pelayanan tidak jelas")).toBe(true);
    expect(matches("gak", "pelayanan nggak jelas")).toBe(true);
    expect(matches('"gak"', "pelayanan tidak jelas")).toBe(false);
    expect(matches('"gak"', "pelayanan GAK jelas")).toBe(true);
    expect(matches("lama banget", "lamaaa bgt")).toBe(true);
    expect(matches("tidak NEAR/0 jelas", "gak jelas")).toBe(true);
  });

  it("takes a fold function as an option (a bigger dictionary, or none)", () => {
    const fold = foldFromTable(new Map([["lemot", "lambat"]]));
    expect(matches("lambat", "server lemot", { fold })).toBe(true);
    expect(matches("lambat", "server lemot")).toBe(false);
    expect(matches("tidak", "gak jelas", { fold })).toBe(false);
    expect(matches("tidak", "gak jelas", { fold: identityFold })).toBe(false);
    expect(matches("gak", "gak jelas", { fold: identityFold })).toBe(true);
    expect(matches("PELAYANAN", "pelayanan", { fold: (word) => word.toUpperCase() })).toBe(true);
  });

  it("ignores URLs in the text", () => {
    expect(matches("kemkes", "info di https://www.kemkes.go.id/vaksin")).toBe(false);
    expect(matches("vaksin", "info di www.kemkes.go.id/vaksin")).toBe(false);
  });

  it("reports every matching query with its agency, in definition order", () => {
    const set = compileQueries([
      { id: "kemenkes/umum", agency: "kemenkes", query: "kemenkes OR menkes" },
      { id: "bpjs-kesehatan/antrean", agency: "bpjs-kesehatan", query: "bpjs NEAR/3 antre*" },
      { id: "hoaks", agency: null, query: "hoaks OR hoax" },
      { id: "bpjs-kesehatan/umum", agency: "bpjs-kesehatan", query: "bpjs OR jkn" },
    ]);
    expect(set.match(mention("antrean BPJS lama, menkes ke mana? jangan-jangan hoax"))).toEqual([
      { queryId: "kemenkes/umum", agency: "kemenkes" },
      { queryId: "bpjs-kesehatan/antrean", agency: "bpjs-kesehatan" },
      { queryId: "hoaks", agency: null },
      { queryId: "bpjs-kesehatan/umum", agency: "bpjs-kesehatan" },
    ]);
    expect(set.match(mention("cuaca cerah"))).toEqual([]);
  });

  it("evaluates only the queries that share a term with the mention", () => {
    const set = compileQueries([
      { id: "a", agency: null, query: "bpjs AND antre" },
      { id: "b", agency: null, query: "kemen* AND lama" },
      { id: "c", agency: null, query: "(polisi OR polri) NOT tilang" },
      { id: "d", agency: null, query: "#Banjir OR platform:tiktok" },
    ]);
    const candidates = (text: string, platform: "x" | "tiktok" = "x") =>
      set.candidates(set.prepare(mention(text, { platform }))).sort();
    expect(candidates("antre di bpjs")).toEqual([0]);
    expect(candidates("kemensos lama")).toEqual([1]);
    expect(candidates("polisi tilang")).toEqual([2]);
    expect(candidates("cuaca", "tiktok")).toEqual([3]);
    expect(candidates("cuaca cerah")).toEqual([]);
  });
});
