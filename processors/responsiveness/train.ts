/**
 * Cross-validation of the responsiveness classifier on data/responsiveness/train.tsv (the held-out
 * set is never read here): how SETTINGS in classifier.ts were chosen.
 *
 *   tsx processors/responsiveness/train.ts            5-fold CV of SETTINGS
 *   tsx processors/responsiveness/train.ts --search   a small grid over c and the cue weight
 *
 * Folds are stratified by label and seeded (processors/sentiment's prng), so runs repeat exactly.
 */
import { readFileSync } from "node:fs";
import { prng } from "../sentiment/train.js";
import {
  type ClassifierSettings,
  KINDS,
  type LabelledText,
  ResponsivenessClassifier,
  readLabelled,
  SETTINGS,
  TRAIN_DATA,
} from "./classifier.js";
import { type BinaryMetrics, binaryMetrics } from "./metrics.js";

/** Out-of-fold metrics of "asks" over `folds` stratified folds. */
export function crossValidate(
  examples: readonly LabelledText[],
  settings: ClassifierSettings,
  folds = 5,
  seed = 20261205,
): BinaryMetrics {
  const random = prng(seed);
  const fold = new Array<number>(examples.length);
  for (const kind of KINDS) {
    const members = [...examples.keys()].filter((i) => examples[i]?.label === kind);
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j] as number, members[i] as number];
    }
    members.forEach((member, k) => {
      fold[member] = k % folds;
    });
  }
  const gold: boolean[] = [];
  const predicted: boolean[] = [];
  for (let f = 0; f < folds; f++) {
    const model = ResponsivenessClassifier.train(
      examples.filter((_, i) => fold[i] !== f),
      settings,
    );
    examples.forEach((example, i) => {
      if (fold[i] !== f) return;
      gold.push(example.label !== "none");
      predicted.push(model.assess(example.text).asks);
    });
  }
  return binaryMetrics(gold, predicted);
}

function loadTraining(): LabelledText[] {
  return readLabelled(readFileSync(TRAIN_DATA, "utf8"), TRAIN_DATA).map(({ text, label }) => {
    if (label === "asks") throw new Error(`${TRAIN_DATA}: training labels are question, request or none`);
    return { text, label };
  });
}

function line(settings: ClassifierSettings, m: BinaryMetrics): string {
  return `${JSON.stringify(settings)} precision ${m.precision.toFixed(4)} recall ${m.recall.toFixed(4)} f1 ${m.f1.toFixed(4)}`;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop() ?? "")) {
  const examples = loadTraining();
  if (process.argv.includes("--search")) {
    for (const c of [1, 2, 4, 8, 16]) {
      for (const cueWeight of [0, 0.5, 1, 1.5]) {
        const settings = { ...SETTINGS, c, cueWeight };
        process.stdout.write(`${line(settings, crossValidate(examples, settings))}\n`);
      }
    }
  } else {
    process.stdout.write(`${line(SETTINGS, crossValidate(examples, SETTINGS))}\n`);
  }
}
