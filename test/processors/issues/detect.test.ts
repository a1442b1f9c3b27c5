import { describe, expect, it } from "vitest";
import {
  type Baseline,
  DEFAULT_ISSUE_PARAMETERS,
  detectIssues,
  type IssuePost,
  IssueTracker,
  logLikelihood,
  negativeShare,
  postTerms,
  significantTerms,
} from "../../../processors/issues/index.js";

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

describe("postTerms", () => {
  it("folds slang and elongation, drops stop words, links and handles, keeps adjacent pairs and hashtags", () => {
    expect(postTerms("@bpjs antriannya lamaaa bgt di faskes https://t.co/x #AntreanBPJS", ["AntreanBPJS"])).toEqual([
      "#antreanbpjs",
      "antreannya",
      "lama",
      "antreannya lama",
      "faskes",
      "antrean",
      // The link between them is gone: the hashtag's words follow "faskes".
      "faskes antrean",
      "bpjs",
      "antrean bpjs",
    ]);
  });

  it("gives no terms for a text of only a link, stop words, laughter or short words", () => {
    expect(postTerms("https://example.com/a")).toEqual([]);
    expect(postTerms("yang ini itu sih gak ya wkwkwk ok")).toEqual([]);
  });

  it("reads a text of only hashtags as the tags and their words", () => {
    expect(postTerms("#BPJS #AntreanPanjang", ["BPJS", "AntreanPanjang"])).toEqual([
      "#bpjs",
      "#antreanpanjang",
      "bpjs",
      "antrean",
      "bpjs antrean",
      "panjang",
      "antrean panjang",
    ]);
  });

  it("gives a retweet its original's terms (the marker and the handle are not terms)", () => {
    expect(postTerms("RT @warga: kartu peserta diblokir")).toEqual(postTerms("kartu peserta diblokir"));
    expect(postTerms("ok")).toEqual([]);
  });

  it("counts a term once per post, and no pair of a word with itself", () => {
    expect(postTerms("banjir banjir banjir lagi")).toEqual(["banjir"]);
  });

  it("keeps at most 64 terms of a long text", () => {
    const text = Array.from({ length: 500 }, (_, i) => `kata${String.fromCharCode(97 + (i % 26))}${i}`).join(" ");
    expect(postTerms(text)).toHaveLength(64);
  });
});

describe("logLikelihood", () => {
  it("is Dunning's G2 of the 2x2 table", () => {
    // a=10 of 100 now, b=10 of 1000 before: computed by hand from the expected counts.
    const e = (n: number) => (n * 20) / 1100;
    const f = (n: number) => (n * 1080) / 1100;
    const expected =
      2 *
      (10 * Math.log(10 / e(100)) +
        10 * Math.log(10 / e(1000)) +
        90 * Math.log(90 / f(100)) +
        990 * Math.log(990 / f(1000)));
    expect(logLikelihood(10, 100, 10, 1000)).toBeCloseTo(expected, 10);
    expect(logLikelihood(10, 100, 100, 1000)).toBe(0);
    expect(logLikelihood(0, 100, 0, 1000)).toBe(0);
  });
});

/** n posts with the given terms and sentiment, ids prefixed. */
function posts(prefix: string, n: number, terms: string[], sentiment: IssuePost["sentiment"] = "neutral"): IssuePost[] {
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, time: 1000 + i, terms, sentiment }));
}

const baseline = (docs: number, counts: Record<string, number>): Baseline => ({
  docs,
  count: (term) => counts[term] ?? 0,
});

describe("detectIssues", () => {
  const window = [
    ...posts("a", 8, ["iuran", "kenaikan", "kenaikan iuran", "#tolakkenaikan"], "negative"),
    ...posts("b", 2, ["iuran", "naik"], "neutral"),
    ...posts("c", 6, ["banjir", "rob", "banjir rob"], "negative"),
    ...posts("d", 30, ["pelayanan", "bagus"], "positive"),
  ];
  const history = baseline(1000, { iuran: 10, pelayanan: 600, bagus: 650, banjir: 5 });

  it("finds the over-represented terms with support, most significant first", () => {
    const found = significantTerms(window, history).map(({ term, count, baseline }) => [term, count, baseline]);
    expect(found).toEqual([
      ["#tolakkenaikan", 8, 0],
      ["kenaikan", 8, 0],
      ["kenaikan iuran", 8, 0],
      ["banjir rob", 6, 0],
      ["rob", 6, 0],
      ["iuran", 10, 10],
      ["banjir", 6, 5],
    ]);
  });

  it("groups co-occurring terms into issues with volume, sentiment, growth and examples", () => {
    const issues = detectIssues(window, history);
    expect(issues.map(({ key, label, volume, sentiment }) => ({ key, label, volume, sentiment }))).toEqual([
      {
        key: "#tolakkenaikan",
        label: "#tolakkenaikan, kenaikan iuran",
        volume: 8,
        sentiment: { positive: 0, neutral: 0, negative: 8, unknown: 0 },
      },
      {
        key: "banjir rob",
        label: "banjir rob",
        volume: 6,
        sentiment: { positive: 0, neutral: 0, negative: 6, unknown: 0 },
      },
    ]);
    const [first] = issues;
    expect(first?.terms.map(({ term }) => term)).toEqual(["#tolakkenaikan", "kenaikan", "kenaikan iuran", "iuran"]);
    expect(first?.growth).toBeCloseTo(8 / 46 / (1 / 1001), 10);
    // The eight posts have the same words: near-duplicates, one example.
    expect(first?.exampleIds).toEqual(["a0"]);
    expect(first?.firstPostTime).toBe(1000);
    expect(negativeShare(first as never)).toBe(1);
  });

  it("says nothing without enough history or without support", () => {
    expect(detectIssues(window, baseline(DEFAULT_ISSUE_PARAMETERS.minBaselineDocs - 1, {}))).toEqual([]);
    expect(detectIssues(posts("x", 4, ["baru"]), baseline(1000, {}))).toEqual([]);
  });

  it("collapses near-duplicates among the examples but keeps different posts", () => {
    const varied: IssuePost[] = [
      ...posts("p", 5, ["vaksin", "habis", "vaksin habis"], "negative"),
      {
        id: "q",
        time: 5,
        terms: ["vaksin", "habis", "vaksin habis", "puskesmas", "kosong", "stok"],
        sentiment: "negative",
      },
      ...posts("n", 40, ["lain"], "neutral"),
    ];
    const [issue] = detectIssues(varied, baseline(1000, { lain: 900 }));
    expect(issue?.key).toBe("habis");
    expect(issue?.exampleIds).toEqual(["q", "p0"]);
  });
});

describe("IssueTracker", () => {
  it("drops an hour's once-seen terms past maxTermsPerHour", () => {
    const tracker = new IssueTracker({ maxTermsPerHour: 10 });
    for (let i = 0; i < 11; i++)
      tracker.add("s", { id: `p${i}`, time: i, terms: [`t${i}`, "umum"], sentiment: "neutral" });
    // The 10th post makes 11 terms: the 10 seen once go, "umum" stays; the 11th adds t10.
    expect(tracker.size()).toEqual({ posts: 11, termCounts: 2 });
  });

  it("detects against the complete hours before the window and forgets what no window needs", () => {
    const tracker = new IssueTracker({ windowMinutes: 10, baselineHours: 2 });
    const start = 10 * HOUR_MS;
    // Two hours of background, then a new phrase.
    for (let m = 0; m < 120; m++) {
      for (let i = 0; i < 5; i++) {
        tracker.add("kpk", {
          id: `bg${m}-${i}`,
          time: start + m * MINUTE_MS + i,
          terms: ["kpk", `kata${i}`],
          sentiment: "neutral",
        });
      }
    }
    for (let m = 120; m < 125; m++) {
      for (let i = 0; i < 3; i++) {
        const id = `new${m}-${i}`;
        tracker.add("kpk", {
          id,
          time: start + m * MINUTE_MS + i,
          terms: ["kpk", "ott", "ott bupati"],
          sentiment: "negative",
        });
      }
    }
    const [issue] = tracker.issues("kpk", start + 125 * MINUTE_MS);
    expect(issue?.label).toBe("ott bupati");
    expect(issue?.volume).toBe(15);
    expect(tracker.issues("other", start)).toEqual([]);
    tracker.prune(start + 125 * MINUTE_MS);
    // The window's minutes 115..124 (5 * 5 + 5 * 3 posts); the hours 10:00 (baseline), 11:00 and
    // 12:00 (the next windows' baselines): 6 + 6 + 3 terms.
    expect(tracker.size()).toEqual({ posts: 40, termCounts: 15 });
  });
});
