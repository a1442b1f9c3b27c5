/**
 * Sentiment tagging throughput (texts/s on one core) against the `sentiment` package's raw AFINN
 * scoring (`new Sentiment().analyze(text)`) on the same texts, in the same process and run.
 *
 *   npx tsx bench/sentiment.bench.ts            (BENCH_SECONDS=3 per measurement by default)
 *
 * Two corpora: the informal tweets of data/sentiment/informal-test.tsv (short, emoji, slang) and
 * the first 2,000 SmSA training texts (longer reviews). Prints one JSON line per corpus with both
 * rates and ratio = ours / baseline; the two are timed in alternating quarter-second slices after
 * a warm-up of the same kind.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { loadSentimentModel } from "../processors/sentiment/index.js";
import { parseLabelledTsv } from "../processors/sentiment/tsv.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const require = createRequire(import.meta.url);
const Sentiment = require("sentiment") as new () => { analyze(text: string): { score: number } };

function texts(relative: string, limit: number): string[] {
  const path = fileURLToPath(new URL(relative, import.meta.url));
  return parseLabelledTsv(readFileSync(path, "utf8"))
    .examples.slice(0, limit)
    .map((e) => e.text);
}

/** Texts per second of each of `fns` over `corpus`, cycling through the corpus for `seconds`. */
function rates(corpus: string[], fns: Array<(text: string) => unknown>, seconds: number): number[] {
  let sink = 0;
  const counts = fns.map(() => 0);
  const elapsed = fns.map(() => 0);
  // Short alternating slices, so that load from other processes on a shared machine falls on both
  // sides of the ratio alike instead of on whichever ran while it lasted.
  const slice = Math.min(0.25, seconds / 4);
  for (let round = 0; round < Math.ceil(seconds / slice); round++) {
    fns.forEach((fn, k) => {
      const start = process.hrtime.bigint();
      let count = 0;
      for (;;) {
        for (const text of corpus) {
          if (fn(text)) sink++;
        }
        count += corpus.length;
        const spent = Number(process.hrtime.bigint() - start) / 1e9;
        if (spent >= slice) {
          counts[k] = (counts[k] as number) + count;
          elapsed[k] = (elapsed[k] as number) + spent;
          return;
        }
      }
    });
  }
  if (sink < 0) process.stdout.write("");
  return counts.map((count, k) => count / (elapsed[k] as number));
}

const loadStart = process.hrtime.bigint();
const tagger = loadSentimentModel();
const loadMs = Number(process.hrtime.bigint() - loadStart) / 1e6;
const afinn = new Sentiment();

const corpora = {
  informal: texts("../data/sentiment/informal-test.tsv", 10_000),
  smsa: texts("../data/sentiment/smsa-train.tsv", 2_000),
};

process.stdout.write(`${JSON.stringify({ modelVersion: tagger.modelVersion, modelLoadMs: Math.round(loadMs) })}\n`);
for (const [name, corpus] of Object.entries(corpora)) {
  const averageChars = Math.round(corpus.reduce((sum, text) => sum + text.length, 0) / corpus.length);
  const contenders = [(text: string) => afinn.analyze(text), (text: string) => tagger.tag(text)];
  rates(corpus, contenders, Math.min(1, SECONDS / 3));
  const [baseline, ours] = rates(corpus, contenders, SECONDS) as [number, number];
  process.stdout.write(
    `${JSON.stringify({
      corpus: name,
      texts: corpus.length,
      averageChars,
      simakTagsPerSecond: Math.round(ours),
      sentimentPackagePerSecond: Math.round(baseline),
      ratio: Math.round((ours / baseline) * 1000) / 1000,
    })}\n`,
  );
}
