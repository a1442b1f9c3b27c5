import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { evidence, FeatureExtractor, FeatureVector, SparseWeights } from "../../../processors/sentiment/features.js";
import { loadSentimentModel } from "../../../processors/sentiment/index.js";
import { readModel } from "../../../processors/sentiment/model.js";
import { parseLabelledTsv } from "../../../processors/sentiment/tsv.js";

// The tagger scores through FeatureExtractor.score (no sparse vector, no sort, rows kept per token);
// training and this reference go through FeatureExtractor.extract and a dot product. Both must give
// the same logits up to rounding: training stores feature values as float32, the scorer sums rows in
// double precision and scales each block once (differences of ~1e-7 on logits of order 1).
const TOLERANCE = 1e-6;
const model = readModel();
const vocabulary = new Set(model.header.vocabulary);
const tagger = loadSentimentModel();
const weights = new SparseWeights(model.weights);

function texts(name: string): string[] {
  const path = fileURLToPath(new URL(`../../../data/sentiment/${name}`, import.meta.url));
  return parseLabelledTsv(readFileSync(path, "utf8")).examples.map((example) => example.text);
}

/** Logits as training sees the features: the sorted sparse vector times the dense weights. */
function referenceLogits(extractor: FeatureExtractor, vector: FeatureVector, tokens: string[]): number[] {
  extractor.extract(tokens, vector);
  const z = [...model.header.bias];
  for (let k = 0; k < vector.length; k++) {
    const base = (vector.index[k] as number) * 3;
    for (let c = 0; c < 3; c++)
      z[c] = (z[c] as number) + (model.weights[base + c] as number) * (vector.value[k] as number);
  }
  return z;
}

const argmax = (z: ArrayLike<number>) =>
  [0, 1, 2].reduce((best, c) => ((z[c] as number) > (z[best] as number) ? c : best), 0);

describe("sentiment scoring without a sparse vector", () => {
  it.each(["smsa-train.tsv", "informal-test.tsv"])("equals extract + dot product on every text of %s", (name) => {
    const extractor = new FeatureExtractor(model.header.features, (word) => vocabulary.has(word));
    const vector = new FeatureVector();
    const corpus = texts(name);
    expect(corpus.length).toBeGreaterThan(200);
    let worst = 0;
    let labelDiffs = 0;
    let evidenceDiffs = 0;
    for (const text of corpus) {
      const { tokens } = tagger.analyse(text);
      const reference = referenceLogits(extractor, vector, tokens);
      const referenceEvidence = JSON.stringify(evidence(tokens, (word) => vocabulary.has(word)));
      const z = Float64Array.from(model.header.bias);
      const found = extractor.score(tokens, weights, z);
      for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs((z[c] as number) - (reference[c] as number)));
      if (argmax(z) !== argmax(reference)) labelDiffs++;
      if (JSON.stringify(found) !== referenceEvidence) evidenceDiffs++;
    }
    expect(worst).toBeLessThan(TOLERANCE);
    expect(labelDiffs).toBe(0);
    expect(evidenceDiffs).toBe(0);
  });

  it("keeps every non-zero row of the dense weights, bit for bit, and no other", () => {
    let rows = 0;
    let mismatches = 0;
    for (let f = 0; f < model.weights.length / 3; f++) {
      const dense = model.weights.subarray(f * 3, f * 3 + 3);
      const offset = weights.offset(f);
      if (offset >= 0) rows++;
      const sparse = offset >= 0 ? weights.rows.subarray(offset, offset + 3) : new Float32Array(3);
      if (sparse[0] !== dense[0] || sparse[1] !== dense[1] || sparse[2] !== dense[2]) mismatches++;
    }
    expect(mismatches).toBe(0);
    expect(rows).toBe(weights.rows.length / 3);
    expect(rows).toBeGreaterThan(50_000);
  });

  it("keeps its scratch set clean between texts of very different lengths", () => {
    const extractor = new FeatureExtractor(model.header.features, (word) => vocabulary.has(word));
    const vector = new FeatureVector();
    const long = tagger.analyse(
      "pelayanan publik sangat lambat dan petugasnya tidak ramah sama sekali ".repeat(200),
    ).tokens;
    const short = tagger.analyse("bagus").tokens;
    for (const tokens of [short, long, short, long]) {
      const z = Float64Array.from(model.header.bias);
      extractor.score(tokens, weights, z);
      const reference = referenceLogits(extractor, vector, tokens);
      for (let c = 0; c < 3; c++) expect(Math.abs((z[c] as number) - (reference[c] as number))).toBeLessThan(TOLERANCE);
    }
  });
});
