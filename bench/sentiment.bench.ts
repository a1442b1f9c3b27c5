/**
 * Sentiment tagging throughput (texts/s on one core) against the `sentiment` package's raw AFINN
 * scoring (`new Sentiment().analyze(text)`) on the same texts, in the same process and run.
 *
 *   npx tsx bench/sentiment.bench.ts            (BENCH_SECONDS=3 per measurement by default)
 *
 * Two corpora: the informal tweets of data/sentiment/informal-test.tsv (short, emoji, slang) and
 * the first 2,000 SmSA training texts (longer reviews). Prints one JSON line per corpus with both
 * rates and ratio = ours / baseline.
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

/** Texts per second of `fn` over `corpus`, cycling for about SECONDS after a warm-up. */
function rate(corpus: string[], fn: (text: string) => unknown): number {
  let sink = 0;
  const deadline = (seconds: number) => {
    const start = process.hrtime.bigint();
    let count = 0;
    for (;;) {
      for (const text of corpus) {
        if (fn(text)) sink++;
      }
      count += corpus.length;
      const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
      if (elapsed >= seconds) return count / elapsed;
    }
  };
  deadline(Math.min(1, SECONDS / 3));
  const result = deadline(SECONDS);
  if (sink < 0) process.stdout.write("");
  return result;
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
  const baseline = rate(corpus, (text) => afinn.analyze(text));
  const ours = rate(corpus, (text) => tagger.tag(text));
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
