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

import { readFileSync } from "node:fs";
import { createSyntheticIngestor } from "../ingestors/synthetic/index.js";
import { Random } from "../ingestors/synthetic/random.js";
import { normaliseMention } from "../processors/normalise/index.js";
import {
  compileQueries,
  naiveEvaluate,
  parseQueryFile,
  type QueryDefinition,
  type QuerySet,
  slangFold,
} from "../processors/topics/index.js";
import { normaliseText, textWords } from "../processors/topics/text.js";
import type { Mention } from "../schemas/types.generated.js";

const MENTIONS = Number(process.env.BENCH_MENTIONS ?? 20_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = 6;
const QUERY_COUNTS = [10, 100, 1000, 5000];
/** The simulator's most frequent words, left out of generated queries. */
const STOPWORD_RANKS = 150;

async function generateMentions(): Promise<Mention[]> {
  const mentions: Mention[] = [];
  const ingestor = createSyntheticIngestor({ seed: 11, speed: 0, maxMentions: MENTIONS });
  for await (const event of ingestor.events(new AbortController().signal)) {
    if (event.type !== "mention") continue;
    const result = normaliseMention(event.mention);
    if (result.ok) mentions.push(result.mention);
  }
  return mentions;
}

/** Example-file queries first, then generated ones, `count` in all. */
function buildQueries(mentions: readonly Mention[], count: number): QueryDefinition[] {
  const examples = parseQueryFile(readFileSync("config/examples/queries.yaml", "utf8"), "queries.yaml");
  const frequency = new Map<string, number>();
  const tags = new Map<string, number>();
  const handles = new Map<string, number>();
  for (const mention of mentions.slice(0, 5000)) {
    for (const word of textWords(mention.text))
      if (word.length >= 3 && !/^\d+$/.test(word)) frequency.set(word, (frequency.get(word) ?? 0) + 1);
    for (const tag of mention.hashtags) tags.set(tag, (tags.get(tag) ?? 0) + 1);
    for (const handle of mention.mentionedHandles)
      if (/^[a-z0-9_]+$/.test(handle)) handles.set(handle, (handles.get(handle) ?? 0) + 1);
  }
  const rng = new Random(7, "queries");
  const next = () => rng.next();
  // Monitoring queries name things, not function words: the most frequent words ("kak", "soal",
  // "di", "yang", ...) are left out; the rest is weighted by sqrt(frequency), so common words still
  // appear (expensive for an index) while rarer ones dominate.
  const sampler = (table: Map<string, number>, skipTop = 0) => {
    const entries = [...table.entries()].sort((a, b) => b[1] - a[1]).slice(skipTop);
    const cumulative: number[] = [];
    let sum = 0;
    for (const [, n] of entries) {
      sum += Math.sqrt(n);
      cumulative.push(sum);
    }
    return () => {
      const r = next() * sum;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((cumulative[mid] as number) < r) lo = mid + 1;
        else hi = mid;
      }
      return normaliseText((entries[lo] as [string, number])[0]);
    };
  };
  const word = sampler(frequency, STOPWORD_RANKS);
  const tag = sampler(tags);
  const handle = sampler(handles);
  const orList = (n: number) => Array.from({ length: n }, () => word()).join(" OR ");
  const prefix = () => {
    const w = word();
    return w.length >= 5 ? `${w.slice(0, Math.max(3, w.length - 2))}*` : w;
  };
  const shapes = [
    () => `(${orList(3)}) AND (${orList(2)} OR ${prefix()})`,
    () => `"${word()} ${word()}" OR #${tag()} OR @${handle()}`,
    () => `${word()} NEAR/3 ${prefix()} NOT ${word()}`,
    () => `platform:x (${orList(2)}) AND NOT ${word()}`,
    () => `(${orList(2)}) AND (${orList(2)}) NOT (${orList(2)})`,
    () => `(${word()} OR ${word()}) NEAR/2 (${word()} OR "${word()} ${word()}")`,
    () => `#${tag()} OR (${orList(4)}) lang:id`,
  ];
  const definitions: QueryDefinition[] = examples
    .slice(0, count)
    .map(({ id, agency, query }) => ({ id, agency, query }));
  for (let i = 0; definitions.length < count; i++) {
    const shape = shapes[i % shapes.length] as () => string;
    definitions.push({ id: `generated/${i}`, agency: null, query: shape() });
  }
  return definitions;
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
