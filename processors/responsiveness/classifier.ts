/**
 * Does a post ask for an answer? A three-class logistic regression (question / request / none) over
 * the words and cues of features.ts, trained by processors/sentiment's L-BFGS (logreg.ts) on
 * data/responsiveness/train.tsv when first used: deterministic (no random start, fixed order), a few
 * hundred milliseconds, so the model is the training file plus this code, with no weights file to
 * keep in step. A post asks when P(question) + P(request) >= the threshold.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CLASSES, type SparseRows, trainSoftmax } from "../sentiment/logreg.js";
import { parseLabelledTsv } from "../sentiment/tsv.js";
import { featureBlocks } from "./features.js";

export const TRAIN_DATA = fileURLToPath(new URL("../../data/responsiveness/train.tsv", import.meta.url));

/** Training labels, in the model's class order. */
export const KINDS = ["question", "request", "none"] as const;
export type Kind = (typeof KINDS)[number];
/** Evaluation labels: either a kind, or just whether the post asks. */
export const EVAL_LABELS = [...KINDS, "asks"] as const;
export type EvalLabel = (typeof EVAL_LABELS)[number];

export interface ClassifierSettings {
  /** Inverse L2 strength (as in processors/sentiment). */
  c: number;
  /** Weight of the cue block relative to the word block. */
  cueWeight: number;
  /** A word or word pair becomes a feature when this many training posts have it. */
  minDf: number;
  /** P(question) + P(request) at or above this: the post asks. */
  threshold: number;
}

/** Chosen by 5-fold cross-validation on train.tsv (processors/responsiveness/train.ts; README). */
export const SETTINGS: ClassifierSettings = { c: 4, cueWeight: 0.5, minDf: 2, threshold: 0.5 };

export interface Assessment {
  asks: boolean;
  /** The likelier of question / request when the post asks, else none. */
  kind: Kind;
  /** P(question) + P(request), rounded to 4 places. */
  probability: number;
}

export interface LabelledText {
  text: string;
  label: Kind;
}

function vectorOf(
  text: string,
  columns: ReadonlyMap<string, number>,
  cueWeight: number,
): { column: number[]; value: number[] } {
  const { words, cues } = featureBlocks(text);
  const column: number[] = [];
  const value: number[] = [];
  // Each block has unit length over its features the model knows, as in processors/sentiment.
  for (const [names, weight] of [
    [words, 1],
    [cues, cueWeight],
  ] as const) {
    const known = [...new Set(names)].map((name) => columns.get(name)).filter((c) => c !== undefined);
    for (const c of known) {
      column.push(c);
      value.push(weight / Math.sqrt(known.length));
    }
  }
  return { column, value };
}

export class ResponsivenessClassifier {
  private constructor(
    private readonly columns: ReadonlyMap<string, number>,
    private readonly weights: Float64Array,
    private readonly bias: Float64Array,
    readonly settings: ClassifierSettings,
  ) {}

  /** Trains on the examples; the same examples in the same order give the same model. */
  static train(examples: readonly LabelledText[], settings: ClassifierSettings = SETTINGS): ResponsivenessClassifier {
    const df = new Map<string, number>();
    const blocks = examples.map(({ text }) => featureBlocks(text));
    for (const { words, cues } of blocks) {
      for (const name of new Set(words)) df.set(name, (df.get(name) ?? 0) + 1);
      // Cues are always features: they exist to carry what the words of a small set cannot.
      for (const name of new Set(cues)) df.set(name, Number.POSITIVE_INFINITY);
    }
    const names = [...df].filter(([, count]) => count >= settings.minDf).map(([name]) => name);
    names.sort();
    const columns = new Map(names.map((name, i) => [name, i]));
    const rowStart = [0];
    const column: number[] = [];
    const value: number[] = [];
    for (const { text } of examples) {
      const row = vectorOf(text, columns, settings.cueWeight);
      column.push(...row.column);
      value.push(...row.value);
      rowStart.push(column.length);
    }
    const labels = Uint8Array.from(examples.map(({ label }) => KINDS.indexOf(label)));
    const data: SparseRows = {
      rowStart: Int32Array.from(rowStart),
      column: Int32Array.from(column),
      value: Float32Array.from(value),
      labels,
      dimension: names.length,
    };
    // Balanced class weights: the classes of train.tsv differ in size.
    const counts = KINDS.map((_, k) => labels.filter((label) => label === k).length);
    const classWeights = counts.map((count) => (count ? examples.length / (CLASSES * count) : 0));
    const rows = Int32Array.from(examples.keys());
    const model = trainSoftmax(data, rows, {
      c: settings.c,
      classWeights,
      maxIterations: 500,
      tolerance: 1e-7,
      history: 10,
    });
    return new ResponsivenessClassifier(columns, model.weights, model.bias, settings);
  }

  /** Class probabilities in KINDS order. */
  probabilities(text: string): number[] {
    const { column, value } = vectorOf(text, this.columns, this.settings.cueWeight);
    const z = [...this.bias];
    for (let k = 0; k < column.length; k++) {
      const base = (column[k] as number) * CLASSES;
      for (let c = 0; c < CLASSES; c++)
        z[c] = (z[c] as number) + (this.weights[base + c] as number) * (value[k] as number);
    }
    const max = Math.max(...z);
    const e = z.map((x) => Math.exp(x - max));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / sum);
  }

  assess(text: string): Assessment {
    const [question, request] = this.probabilities(text) as [number, number, number];
    const probability = question + request;
    const asks = probability >= this.settings.threshold;
    return {
      asks,
      kind: asks ? (question >= request ? "question" : "request") : "none",
      probability: Math.round(probability * 10000) / 10000,
    };
  }
}

/** The labelled examples of a TSV file's content (kinds, or asks / none); throws on a malformed line. */
export function readLabelled(content: string, source: string): Array<{ text: string; label: EvalLabel }> {
  const { examples, malformed } = parseLabelledTsv<EvalLabel>(content, EVAL_LABELS);
  const first = malformed[0];
  if (first) throw new Error(`${source}:${first.line}: ${first.reason}`);
  return examples;
}

let cached: ResponsivenessClassifier | undefined;

/** The classifier trained on data/responsiveness/train.tsv, trained on first use and shared afterwards. */
export function loadResponsivenessClassifier(): ResponsivenessClassifier {
  if (!cached) {
    const examples = readLabelled(readFileSync(TRAIN_DATA, "utf8"), TRAIN_DATA).map(({ text, label }) => {
      if (label === "asks") throw new Error(`${TRAIN_DATA}: training labels are question, request or none`);
      return { text, label };
    });
    cached = ResponsivenessClassifier.train(examples);
  }
  return cached;
}
