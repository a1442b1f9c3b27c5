/**
 * Trains the sentiment model from data/sentiment/smsa-train.tsv and writes
 * processors/sentiment/model/sentiment.model (+ report.json beside it).
 *
 *   npm run train:sentiment                 (= tsx processors/sentiment/train.ts)
 *   tsx processors/sentiment/train.ts --search        also print a hyper-parameter search by CV
 *   tsx processors/sentiment/train.ts --no-write      CV only
 *   tsx processors/sentiment/train.ts --config '{"c":4}'   override the chosen settings
 *
 * Seeded and deterministic: stratified 5-fold cross-validation (duplicate texts kept in one
 * fold), per-fold macro-F1 with the class offsets tuned on the other folds' out-of-fold scores,
 * then offsets tuned on all out-of-fold scores and a final fit on every example.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_FEATURES, type FeatureConfig, FeatureExtractor, FeatureVector } from "./features.js";
import { CLASSES, type LinearModel, logits, type SparseRows, trainSoftmax } from "./logreg.js";
import { computeMetrics, LABELS, labelIndex } from "./metrics.js";
import { encodeModel, MODEL_PATH, type ModelHeader, REPORT_PATH } from "./model.js";
import { baseKnown, normalise } from "./text.js";
import { parseLabelledTsv } from "./tsv.js";

export const TRAIN_DATA = fileURLToPath(new URL("../../data/sentiment/smsa-train.tsv", import.meta.url));
export const INFORMAL_DATA = fileURLToPath(new URL("../../data/sentiment/informal-test.tsv", import.meta.url));

export interface TrainConfig {
  features: FeatureConfig;
  c: number;
  classWeight: "none" | "balanced" | "sqrt";
  minDf: number;
  maxIterations: number;
  tolerance: number;
  folds: number;
  seed: number;
}

/** The settings chosen by the search (see README): */
export const CHOSEN: TrainConfig = {
  features: { ...DEFAULT_FEATURES },
  c: 8,
  classWeight: "sqrt",
  minDf: 2,
  maxIterations: 300,
  tolerance: 1e-6,
  folds: 5,
  seed: 20240601,
};

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Corpus {
  texts: string[];
  labels: Uint8Array;
  tokens: string[][];
  vocabulary: string[];
}

export function loadCorpus(path = TRAIN_DATA): Corpus {
  const { examples, malformed } = parseLabelledTsv(readFileSync(path, "utf8"));
  if (malformed.length) throw new Error(`${path}: ${malformed.length} malformed lines, first at ${malformed[0]?.line}`);
  // Words of the raw training text count as known when folding elongations and splitting hashtags.
  const raw = new Set<string>();
  for (const { text } of examples) for (const word of text.split(" ")) raw.add(word);
  const known = (word: string) => raw.has(word) || baseKnown(word);
  const tokens = examples.map(({ text }) => normalise(text, known).tokens);
  const counts = new Map<string, number>();
  for (const list of tokens) for (const token of new Set(list)) counts.set(token, (counts.get(token) ?? 0) + 1);
  const vocabulary = [...counts]
    .filter(([word, count]) => count >= 2 && /^[\p{L}\p{N}]/u.test(word))
    .map(([word]) => word)
    .sort();
  return {
    texts: examples.map((e) => e.text),
    labels: Uint8Array.from(examples.map((e) => labelIndex(e.label))),
    tokens,
    vocabulary,
  };
}

export interface Matrix {
  rows: SparseRows;
  /** compact id -> feature index (hash bucket, or dense offset + k). */
  featureOf: Int32Array;
}

export function buildMatrix(corpus: Corpus, features: FeatureConfig, minDf: number): Matrix {
  const vocabulary = new Set(corpus.vocabulary);
  const extractor = new FeatureExtractor(features, (word) => vocabulary.has(word));
  const vector = new FeatureVector();
  const perDoc: Array<{ index: Int32Array; value: Float32Array }> = [];
  const df = new Map<number, number>();
  for (const tokens of corpus.tokens) {
    extractor.extract(tokens, vector);
    const index = vector.index.slice(0, vector.length);
    perDoc.push({ index, value: vector.value.slice(0, vector.length) });
    for (const i of index) df.set(i, (df.get(i) ?? 0) + 1);
  }
  const compact = new Map<number, number>();
  const featureOf: number[] = [];
  const denseOffset = extractor.denseOffset;
  let nnz = 0;
  for (const { index } of perDoc) {
    for (const i of index) {
      if (i < denseOffset && (df.get(i) ?? 0) < minDf) continue;
      nnz++;
      if (!compact.has(i)) {
        compact.set(i, featureOf.length);
        featureOf.push(i);
      }
    }
  }
  const rowStart = new Int32Array(perDoc.length + 1);
  const column = new Int32Array(nnz);
  const value = new Float32Array(nnz);
  let k = 0;
  perDoc.forEach(({ index, value: values }, row) => {
    rowStart[row] = k;
    index.forEach((i, j) => {
      const id = compact.get(i);
      if (id === undefined) return;
      column[k] = id;
      value[k] = values[j] as number;
      k++;
    });
  });
  rowStart[perDoc.length] = k;
  return {
    rows: { rowStart, column, value, labels: corpus.labels, dimension: featureOf.length },
    featureOf: Int32Array.from(featureOf),
  };
}

/** Stratified k-fold assignment; identical texts share a fold so no text is scored by a model that saw it. */
export function assignFolds(corpus: Corpus, k: number, seed: number): Uint8Array {
  const random = prng(seed);
  const groups = new Map<string, number[]>();
  corpus.texts.forEach((text, i) => {
    const list = groups.get(text);
    if (list) list.push(i);
    else groups.set(text, [i]);
  });
  const byLabel: number[][][] = LABELS.map(() => []);
  for (const members of groups.values()) byLabel[corpus.labels[members[0] as number] as number]?.push(members);
  const fold = new Uint8Array(corpus.texts.length);
  let next = 0;
  for (const list of byLabel) {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [list[i], list[j]] = [list[j] as number[], list[i] as number[]];
    }
    for (const members of list) {
      for (const member of members) fold[member] = next % k;
      next++;
    }
  }
  return fold;
}

export function classWeights(labels: Uint8Array, rows: Int32Array, mode: TrainConfig["classWeight"]): number[] {
  const counts = LABELS.map(() => 0);
  for (const row of rows) counts[labels[row] as number] = (counts[labels[row] as number] as number) + 1;
  return counts.map((count) => {
    if (mode === "none" || count === 0) return 1;
    const balanced = rows.length / (LABELS.length * count);
    return mode === "balanced" ? balanced : Math.sqrt(balanced);
  });
}

function fitModel(matrix: Matrix, rows: Int32Array, config: TrainConfig): LinearModel {
  return trainSoftmax(matrix.rows, rows, {
    c: config.c,
    classWeights: classWeights(matrix.rows.labels, rows, config.classWeight),
    maxIterations: config.maxIterations,
    tolerance: config.tolerance,
    history: 10,
  });
}

function argmax(scores: ArrayLike<number>, offsets: ArrayLike<number>): number {
  let best = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < CLASSES; c++) {
    const score = (scores[c] as number) + (offsets[c] as number);
    if (score > bestScore) {
      bestScore = score;
      best = c;
    }
  }
  return best;
}

/** Offsets added to the negative and neutral logits (positive stays 0) that maximise macro-F1 on `rows`. */
export function tuneOffsets(scores: Float64Array, labels: Uint8Array, rows: ArrayLike<number>): number[] {
  const gold = Array.from(rows, (row) => labels[row] as number);
  const predicted = new Array<number>(rows.length);
  let best = { f1: -1, offsets: [0, 0, 0] };
  for (let neg = -1.5; neg <= 1.5001; neg += 0.05) {
    for (let neu = -1.5; neu <= 2.5001; neu += 0.05) {
      const offsets = [neg, neu, 0];
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i] as number;
        predicted[i] = argmax(scores.subarray(row * CLASSES, row * CLASSES + CLASSES), offsets);
      }
      const f1 = computeMetrics(gold, predicted).macroF1;
      // Ties keep the smaller correction.
      if (f1 > best.f1 + 1e-9) best = { f1, offsets: offsets.map((o) => Math.round(o * 100) / 100) };
    }
  }
  return best.offsets;
}

export interface CvResult {
  /** Out-of-fold logits, row-major (n x 3). */
  scores: Float64Array;
  foldOf: Uint8Array;
  /** Per fold: macro-F1 without offsets, and with offsets tuned on the other folds. */
  folds: Array<{ fold: number; size: number; macroF1Raw: number; macroF1: number; iterations: number }>;
  meanRaw: number;
  mean: number;
  seconds: number;
}

export function crossValidate(matrix: Matrix, config: TrainConfig, log = (_: string) => {}): CvResult {
  const started = Date.now();
  const n = matrix.rows.labels.length;
  const corpusFolds = config.folds;
  const foldOf = (matrix as Matrix & { foldOf?: Uint8Array }).foldOf as Uint8Array;
  const scores = new Float64Array(n * CLASSES);
  const out = new Float64Array(CLASSES);
  const iterations: number[] = [];
  for (let f = 0; f < corpusFolds; f++) {
    const train = Int32Array.from({ length: n }, (_, i) => i).filter((i) => foldOf[i] !== f);
    const test = Int32Array.from({ length: n }, (_, i) => i).filter((i) => foldOf[i] === f);
    const model = fitModel(matrix, train, config);
    iterations.push(model.iterations);
    for (const row of test) {
      logits(model, matrix.rows, row, out);
      scores.set(out, row * CLASSES);
    }
    log(`  fold ${f + 1}/${corpusFolds}: ${model.iterations} iterations`);
  }
  const labels = matrix.rows.labels;
  const folds: CvResult["folds"] = [];
  for (let f = 0; f < corpusFolds; f++) {
    const test = Array.from({ length: n }, (_, i) => i).filter((i) => foldOf[i] === f);
    const others = Array.from({ length: n }, (_, i) => i).filter((i) => foldOf[i] !== f);
    const offsets = tuneOffsets(scores, labels, others);
    const gold = test.map((row) => labels[row] as number);
    const raw = test.map((row) => argmax(scores.subarray(row * CLASSES, row * CLASSES + CLASSES), [0, 0, 0]));
    const tuned = test.map((row) => argmax(scores.subarray(row * CLASSES, row * CLASSES + CLASSES), offsets));
    folds.push({
      fold: f + 1,
      size: test.length,
      macroF1Raw: computeMetrics(gold, raw).macroF1,
      macroF1: computeMetrics(gold, tuned).macroF1,
      iterations: iterations[f] as number,
    });
  }
  const mean = (key: "macroF1" | "macroF1Raw") => folds.reduce((sum, f) => sum + f[key], 0) / folds.length;
  return {
    scores,
    foldOf,
    folds,
    meanRaw: mean("macroF1Raw"),
    mean: mean("macroF1"),
    seconds: (Date.now() - started) / 1000,
  };
}

export function withFolds(matrix: Matrix, corpus: Corpus, config: TrainConfig): Matrix {
  return Object.assign(matrix, { foldOf: assignFolds(corpus, config.folds, config.seed) });
}

function parseArgs(argv: string[]): { search: boolean; write: boolean; config: TrainConfig } {
  let config: TrainConfig = { ...CHOSEN, features: { ...CHOSEN.features } };
  let search = false;
  let write = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--search") search = true;
    else if (arg === "--no-write") write = false;
    else if (arg === "--config") {
      const override = JSON.parse(argv[++i] ?? "{}") as Partial<TrainConfig> & { features?: Partial<FeatureConfig> };
      config = { ...config, ...override, features: { ...config.features, ...override.features } };
    } else throw new Error(`unknown argument ${arg}`);
  }
  return { search, write, config };
}

function describe(config: TrainConfig): string {
  const f = config.features;
  return `c=${config.c} cw=${config.classWeight} minDf=${config.minDf} char=${f.charMin}-${f.charMax}x${f.charWeight} word=${f.wordWeight} dense=${f.denseWeight} bigrams=${f.bigrams} neg=${f.negation} stems=${f.stems} bits=${f.hashBits}`;
}

async function main(): Promise<void> {
  const { search, write, config } = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const corpus = loadCorpus();
  log(
    `corpus: ${corpus.texts.length} examples, vocabulary ${corpus.vocabulary.length} words (${((Date.now() - started) / 1000).toFixed(1)}s)`,
  );

  if (search) {
    for (const candidate of searchSpace(config)) {
      const matrix = withFolds(buildMatrix(corpus, candidate.features, candidate.minDf), corpus, candidate);
      const cv = crossValidate(matrix, candidate);
      log(
        `search ${describe(candidate)} dim=${matrix.rows.dimension}: raw ${cv.meanRaw.toFixed(4)} tuned ${cv.mean.toFixed(4)} (${cv.seconds.toFixed(0)}s)`,
      );
    }
  }

  const matrix = withFolds(buildMatrix(corpus, config.features, config.minDf), corpus, config);
  log(`features: ${matrix.rows.dimension} (${matrix.rows.column.length} non-zeros); ${describe(config)}`);
  const cv = crossValidate(matrix, config, log);
  // Class offsets are kept only when the per-fold estimate (offsets tuned on the other folds'
  // out-of-fold scores) beats no offsets; the reported CV numbers are those of what ships.
  const useOffsets = cv.mean > cv.meanRaw;
  for (const fold of cv.folds) {
    const shipped = useOffsets ? fold.macroF1 : fold.macroF1Raw;
    const other = useOffsets ? fold.macroF1Raw : fold.macroF1;
    log(
      `cv fold ${fold.fold}: macro-F1 ${shipped.toFixed(4)} (${useOffsets ? "without" : "with"} class offsets ${other.toFixed(4)}; n=${fold.size})`,
    );
  }
  const cvMean = useOffsets ? cv.mean : cv.meanRaw;
  log(
    `cv mean macro-F1 ${cvMean.toFixed(4)} (${useOffsets ? "without" : "with"} class offsets ${(useOffsets ? cv.meanRaw : cv.mean).toFixed(4)}) in ${cv.seconds.toFixed(0)}s`,
  );
  const all = Int32Array.from({ length: corpus.texts.length }, (_, i) => i);
  const tuned = tuneOffsets(cv.scores, corpus.labels, all);
  const offsets = useOffsets ? tuned : [0, 0, 0];
  log(
    `class offsets (negative, neutral, positive): ${offsets.join(", ")}${useOffsets ? "" : ` (tuned ${tuned.join(", ")} did not help in CV)`}`,
  );
  if (!write) return;

  const model = fitModel(matrix, all, config);
  log(`final fit: ${model.iterations} iterations`);
  const trainingSeconds = (Date.now() - started) / 1000;
  const header: ModelHeader = {
    format: 1,
    modelVersion: "",
    labels: [...LABELS],
    features: config.features,
    bias: Array.from(model.bias, (b, c) => b + (offsets[c] as number)),
    vocabulary: corpus.vocabulary,
    training: {
      data: "data/sentiment/smsa-train.tsv (SmSA, IndoNLU; Apache-2.0)",
      examples: corpus.texts.length,
      c: config.c,
      classWeight: config.classWeight,
      minDf: config.minDf,
      seed: config.seed,
      offsets,
    },
  };
  const bytes = encodeModel(header, matrix.featureOf, model.weights);
  mkdirSync(dirname(MODEL_PATH), { recursive: true });
  writeFileSync(MODEL_PATH, bytes);
  const report = {
    modelVersion: header.modelVersion,
    config,
    features: matrix.rows.dimension,
    cv: {
      folds: cv.folds.map((fold) => ({
        fold: fold.fold,
        size: fold.size,
        macroF1: useOffsets ? fold.macroF1 : fold.macroF1Raw,
        macroF1WithOffsets: fold.macroF1,
        macroF1WithoutOffsets: fold.macroF1Raw,
        iterations: fold.iterations,
      })),
      meanMacroF1: cvMean,
      meanMacroF1WithOffsets: cv.mean,
      meanMacroF1WithoutOffsets: cv.meanRaw,
      classOffsetsUsed: useOffsets,
    },
    offsets,
    modelBytes: bytes.length,
    trainingSeconds: Math.round(trainingSeconds),
  };
  writeFileSync(REPORT_PATH, `${formatJson(report)}\n`);
  log(
    `wrote ${MODEL_PATH} (${(bytes.length / 2 ** 20).toFixed(2)} MiB) and report.json in ${trainingSeconds.toFixed(0)}s`,
  );
}

/** JSON with two-space indent and arrays of plain values on one line, as the repo's formatter writes it. */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/\[\n\s+([^[\]{}]*?)\n\s*\]/g, (whole, items: string) => {
    const inline = `[${items.split(/,\n\s+/).join(", ")}]`;
    return inline.length <= 80 ? inline : whole;
  });
}

/** The grid explored by --search, around the given config. */
function* searchSpace(base: TrainConfig): Generator<TrainConfig> {
  for (const c of [2, 4, 8, 16]) {
    for (const classWeight of ["none", "sqrt", "balanced"] as const) {
      yield { ...base, c, classWeight };
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: Error) => {
    process.stderr.write(`train: ${error.stack ?? error.message}\n`);
    process.exit(1);
  });
}
