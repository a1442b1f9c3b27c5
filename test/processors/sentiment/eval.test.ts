import { describe, expect, it } from "vitest";
import { evaluateTsv } from "../../../pipeline/cli/sentiment.js";
import {
  DEFAULT_FEATURES,
  DENSE_COUNT,
  FeatureExtractor,
  FeatureVector,
} from "../../../processors/sentiment/features.js";
import { computeMetrics, formatReport } from "../../../processors/sentiment/metrics.js";
import { decodeModel, encodeModel, type ModelHeader } from "../../../processors/sentiment/model.js";
import { parseLabelledTsv } from "../../../processors/sentiment/tsv.js";

describe("labelled TSV", () => {
  it("parses examples and reports malformed lines by number", () => {
    const parsed = parseLabelledTsv(
      "\uFEFFbagus sekali\tpositive\r\nno tab here\njelek\tNegative \n\n\tneutral\nbiasa\tmixed\na\tb\tneutral\nkantor buka\tneutral\n",
    );
    expect(parsed.examples).toEqual([
      { text: "bagus sekali", label: "positive", line: 1 },
      { text: "jelek", label: "negative", line: 3 },
      { text: "kantor buka", label: "neutral", line: 8 },
    ]);
    expect(parsed.malformed).toEqual([
      { line: 2, reason: "expected text<TAB>label, found 0 tabs" },
      { line: 5, reason: "empty text" },
      { line: 6, reason: 'unknown label "mixed"; expected one of negative, neutral, positive' },
      { line: 7, reason: "expected text<TAB>label, found 2 tabs" },
    ]);
  });
});

describe("metrics", () => {
  it("computes per-class precision, recall, F1 and macro-F1", () => {
    // gold: neg neg neu pos pos pos; predicted: neg pos neu pos pos neg
    const metrics = computeMetrics([0, 0, 1, 2, 2, 2], [0, 2, 1, 2, 2, 0]);
    expect(metrics.confusion).toEqual([
      [1, 0, 1],
      [0, 1, 0],
      [1, 0, 2],
    ]);
    expect(metrics.perClass.map((m) => [m.precision, m.recall, m.f1])).toEqual([
      [0.5, 0.5, 0.5],
      [1, 1, 1],
      [2 / 3, 2 / 3, 2 / 3],
    ]);
    expect(metrics.accuracy).toBe(4 / 6);
    expect(metrics.macroF1).toBeCloseTo((0.5 + 1 + 2 / 3) / 3, 12);
    const report = formatReport(metrics).split("\n");
    expect(report.at(-1)).toBe("macro-F1 0.7222");
    expect(report).toContain("accuracy 0.6667 (6 examples)");
  });

  it("gives zero, not NaN, for a class never predicted", () => {
    const metrics = computeMetrics([0, 1], [0, 0]);
    expect(metrics.perClass[1]).toMatchObject({ precision: 0, recall: 0, f1: 0 });
    expect(formatReport(computeMetrics([], [])).split("\n").at(-1)).toBe("macro-F1 0.0000");
  });
});

describe("simak sentiment eval", () => {
  it("reports skipped lines, the metrics, and ends with macro-F1", () => {
    const output = evaluateTsv(
      "pelayanan lemot bgt 😡\tnegative\nbroken line\nmantap, cepat dan ramah 👍\tpositive\nkantor buka jam 8 pagi\tneutral\n",
    );
    const lines = output.trimEnd().split("\n");
    expect(lines[0]).toBe("skipped line 2: expected text<TAB>label, found 0 tabs");
    expect(lines[1]).toBe("skipped lines: 1");
    expect(lines).toContain("accuracy 1.0000 (3 examples)");
    expect(lines.at(-1)).toBe("macro-F1 1.0000");
    expect(output.endsWith("\n")).toBe(true);
  });
});

describe("model file", () => {
  it("round-trips weights through int16 quantisation", () => {
    const features = {
      hashBits: 4,
      charMin: 2,
      charMax: 3,
      wordWeight: 1,
      charWeight: 1,
      denseWeight: 1,
      bigrams: true,
      negation: true,
      stems: false,
    };
    const header: ModelHeader = {
      format: 1,
      modelVersion: "",
      labels: ["negative", "neutral", "positive"],
      features,
      bias: [0.1, -0.2, 0.3],
      vocabulary: ["bagus"],
      training: {},
    };
    const featureOf = Int32Array.from([16, 3, 9]);
    const weights = Float64Array.from([1, -1, 0.5, 2, 0, -2, 0, 0, 0]);
    const bytes = encodeModel(header, featureOf, weights);
    const model = decodeModel(bytes);
    expect(model.header.modelVersion).toMatch(/^smsa-lr-[0-9a-f]{10}$/);
    expect(model.header.bias).toEqual([0.1, -0.2, 0.3]);
    const row = (feature: number) => Array.from(model.weights.slice(feature * 3, feature * 3 + 3));
    expect(row(16).map((w) => Math.round(w * 1000) / 1000)).toEqual([1, -1, 0.5]);
    expect(row(3)).toEqual([2, 0, -2]);
    expect(row(9)).toEqual([0, 0, 0]);
    expect(model.weights.length).toBe((16 + DENSE_COUNT) * 3);
    expect(encodeModel({ ...header }, featureOf, weights).equals(bytes)).toBe(true);
  });

  it("extracts the same features for the same tokens", () => {
    const extractor = new FeatureExtractor(DEFAULT_FEATURES, () => true);
    const a = new FeatureVector();
    const b = new FeatureVector();
    extractor.extract(["tidak", "bagus", "!"], a);
    extractor.extract(["tidak", "bagus", "!"], b);
    expect(Array.from(a.index.slice(0, a.length))).toEqual(Array.from(b.index.slice(0, b.length)));
    // Each block has unit length: words (tidak, bagus, !, 2 bigrams, NEG:bagus) and characters.
    let words = 0;
    for (let k = 0; k < a.length; k++) if ((a.index[k] as number) < 1 << 20) words += (a.value[k] as number) ** 2;
    expect(words).toBeCloseTo(2, 5);
  });
});

describe("macro-F1 over the labels that occur", () => {
  it("leaves out a label absent from both gold and predictions, as scikit-learn does", () => {
    expect(computeMetrics([0, 2], [0, 2]).macroF1).toBe(1);
    // negative: P 1/2, R 1 -> F1 2/3; neutral: missed -> 0; positive: 1.
    expect(computeMetrics([0, 1, 2], [0, 0, 2]).macroF1).toBeCloseTo((2 / 3 + 0 + 1) / 3, 10);
  });
});
