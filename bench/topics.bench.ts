/**
 * Topic matching throughput: mentions/s tagged against 10, 100, 1000 and 5000 monitoring queries,
 * for the compiled, indexed matcher (processors/topics) against, in the same run and on the same
 * mentions and queries:
 *   - naive: every query's AST interpreted on every mention (linear scans of the word array);
 *   - compiled, no index: every query's compiled closures run on every mention.
 * All three tokenise each mention once (counted in the time); all three must agree on the matches.
 *
 *   npx tsx bench/topics.bench.ts          (BENCH_MENTIONS=20000, BENCH_SECONDS=3 per matcher and query count)
 *
 * The queries are the example file's, then generated ones in the same shapes (OR lists of agency
 * names and issue words, phrases, wildcards, NEAR, NOT, hashtags, handles, field filters) over the
 * simulator's own vocabulary, weighted by frequency so both common and rare words appear.
 */

import { normaliseMention } from "../processors/normalise/index.js";
import { compileQueries, naiveEvaluate, type QuerySet, slangFold } from "../processors/topics/index.js";
import type { Mention } from "../schemas/types.generated.js";
import { buildQueries } from "./support/queries.js";
import { simulatedEvents } from "./support/simulated.js";

const MENTIONS = Number(process.env.BENCH_MENTIONS ?? 20_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = 6;
const QUERY_COUNTS = [10, 100, 1000, 5000];
async function generateMentions(): Promise<Mention[]> {
  const mentions: Mention[] = [];
  for (const event of await simulatedEvents({ seed: 11, maxMentions: MENTIONS })) {
    if (event.type !== "mention") continue;
    const result = normaliseMention(event.mention);
    if (result.ok) mentions.push(result.mention);
  }
  return mentions;
}

interface Measurement {
  mentionsPerSecond: number;
  processed: number;
  matches: number;
}

type Matcher = (mention: Mention) => number;

/**
 * Runs each matcher over the mentions (cycling, each from where it stopped) in ROUNDS interleaved
 * slices of SECONDS / ROUNDS, after a warm-up, so that load changes on the machine hit all of
 * them alike. Throughput is the total mentions over the total time of each.
 */
function measureInterleaved(mentions: readonly Mention[], matchers: readonly Matcher[]): Measurement[] {
  for (const matchOne of matchers)
    for (let i = 0; i < Math.min(200, mentions.length); i++) matchOne(mentions[i] as Mention);
  const totals = matchers.map(() => ({ processed: 0, matches: 0, nanoseconds: 0n }));
  const slice = BigInt(Math.round((SECONDS / ROUNDS) * 1e9));
  for (let round = 0; round < ROUNDS; round++) {
    matchers.forEach((matchOne, m) => {
      const total = totals[m] as (typeof totals)[number];
      const start = process.hrtime.bigint();
      let elapsed = 0n;
      while (elapsed < slice) {
        for (let i = 0; i < 50; i++) {
          total.matches += matchOne(mentions[total.processed % mentions.length] as Mention);
          total.processed++;
        }
        elapsed = process.hrtime.bigint() - start;
      }
      total.nanoseconds += elapsed;
    });
  }
  return totals.map(({ processed, matches, nanoseconds }) => ({
    mentionsPerSecond: Math.round(processed / (Number(nanoseconds) / 1e9)),
    processed,
    matches,
  }));
}

/** Matches per mention over the first `n` mentions, for the agreement check. */
function agreement(mentions: readonly Mention[], set: QuerySet, n: number): boolean {
  for (const mention of mentions.slice(0, n)) {
    const doc = set.prepare(mention);
    const indexed = set.matchPrepared(doc);
    const naive = set.queries.flatMap((q, i) => (naiveEvaluate(q.resolved, doc) ? [i] : []));
    if (indexed.join() !== naive.join()) return false;
  }
  return true;
}

async function main(): Promise<void> {
  const mentions = await generateMentions();
  const rows = [];
  for (const count of QUERY_COUNTS) {
    const definitions = buildQueries(mentions, count);
    const compileStart = process.hrtime.bigint();
    const set = compileQueries(definitions, { fold: slangFold });
    const compileMs = Number(process.hrtime.bigint() - compileStart) / 1e6;
    if (!agreement(mentions, set, 2000)) throw new Error(`indexed and naive matching disagree at ${count} queries`);

    let candidates = 0;
    for (const mention of mentions.slice(0, 2000)) candidates += set.candidates(set.prepare(mention)).length;

    const [indexed, unindexed, naive] = measureInterleaved(mentions, [
      (mention) => set.match(mention).length,
      (mention) => {
        const doc = set.prepare(mention);
        let n = 0;
        for (const query of set.queries) if (query.test(doc)) n++;
        return n;
      },
      (mention) => {
        const doc = set.prepare(mention);
        let n = 0;
        for (const query of set.queries) if (naiveEvaluate(query.resolved, doc)) n++;
        return n;
      },
    ]) as [Measurement, Measurement, Measurement];
    rows.push({
      queries: count,
      "indexed mentions/s": indexed.mentionsPerSecond,
      "compiled, no index mentions/s": unindexed.mentionsPerSecond,
      "naive mentions/s": naive.mentionsPerSecond,
      "indexed / naive": Number((indexed.mentionsPerSecond / naive.mentionsPerSecond).toFixed(1)),
      "indexed / no index": Number((indexed.mentionsPerSecond / unindexed.mentionsPerSecond).toFixed(1)),
      "candidates / mention": Number((candidates / 2000).toFixed(1)),
      "matches / mention": Number((indexed.matches / indexed.processed).toFixed(2)),
      "compile ms": Number(compileMs.toFixed(1)),
    });
  }
  console.table(rows);
  console.log(
    JSON.stringify({ mentions: mentions.length, secondsPerMeasurement: SECONDS, node: process.version, rows }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
