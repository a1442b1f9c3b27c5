/**
 * The issues processor's cost per mention on the simulator's texts, against the sentiment tagger's
 * on the same mentions in the same run (the ratio is what carries across machines):
 *   - terms: `postTerms` (sentiment's normalisation, stop words, pairs, hashtags), the issues
 *     stage's only per-mention work in process;
 *   - tracker: `IssueTracker.add` for the mention's agency plus an evaluation of every agency's
 *     window per simulated minute (what an in-memory detector does), divided by the mentions;
 *   - sentiment: `SentimentTagger.analyse`, for scale.
 * Also the detection latency on a scripted topic and the tracker's state at the default rate.
 *
 *   npx tsx bench/issues.bench.ts          (BENCH_MENTIONS=60000 at 600 a minute, ROUNDS=5; medians printed)
 */
import { type ScriptedTopicScenario, SYNTHETIC_DEFAULTS } from "../ingestors/synthetic/index.js";
import { IssueTracker, postTerms } from "../processors/issues/index.js";
import { loadSentimentModel } from "../processors/sentiment/index.js";
import type { SourceEvent } from "../runtime/ingestor.js";
import { simulatedEvents } from "./support/simulated.js";

const MENTIONS = Number(process.env.BENCH_MENTIONS ?? 60_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const MINUTE_MS = 60_000;
const SCENARIO: ScriptedTopicScenario = {
  type: "scripted-topic",
  agency: "bpjs-kesehatan",
  startMinute: 80,
  durationMinutes: 20,
  perMinute: 6,
  phrase: "kartu peserta diblokir sepihak",
  tone: "negative",
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

function timeOf(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const events = (await simulatedEvents({ seed: 5, maxMentions: MENTIONS, scenarios: [SCENARIO] })).filter(
  (event): event is SourceEvent & { type: "mention" } => event.type === "mention",
);
const sentiment = loadSentimentModel();

function runTracker(): { detectedAfter: number | undefined; size: { posts: number; termCounts: number } } {
  const tracker = new IssueTracker();
  const injected = SYNTHETIC_DEFAULTS.startTime + SCENARIO.startMinute * MINUTE_MS;
  let next = Math.ceil((events[0]?.mention.eventTime ?? 0) / MINUTE_MS) * MINUTE_MS;
  let detectedAfter: number | undefined;
  const agencies = new Set<string>();
  for (const { mention, truth } of events) {
    while (mention.eventTime >= next) {
      for (const agency of agencies) if (agency !== SCENARIO.agency) tracker.issues(agency, next);
      const [top] = tracker.issues(SCENARIO.agency, next);
      if (detectedAfter === undefined && next > injected && top?.label.includes("diblokir sepihak")) {
        detectedAfter = (next - injected) / MINUTE_MS;
      }
      tracker.prune(next);
      next += MINUTE_MS;
    }
    if (!truth?.agency) continue;
    agencies.add(truth.agency);
    const terms = postTerms(mention.text, mention.hashtags);
    tracker.add(truth.agency, { id: mention.id, time: mention.eventTime, terms, sentiment: truth.sentiment });
  }
  return { detectedAfter, size: tracker.size() };
}

const terms: number[] = [];
const tracked: number[] = [];
const tagged: number[] = [];
let result: ReturnType<typeof runTracker> | undefined;
for (let round = 0; round < ROUNDS; round++) {
  terms.push(
    timeOf(() => {
      for (const { mention } of events) postTerms(mention.text, mention.hashtags);
    }),
  );
  tracked.push(
    timeOf(() => {
      result = runTracker();
    }),
  );
  tagged.push(
    timeOf(() => {
      for (const { mention } of events) sentiment.analyse(mention.text);
    }),
  );
}
const perMention = (ms: number) => (ms * 1000) / events.length;
console.log(`${events.length} mentions, ${ROUNDS} rounds, medians:`);
console.log(`  postTerms            ${perMention(median(terms)).toFixed(1)} µs/mention`);
console.log(
  `  terms + tracker      ${perMention(median(tracked)).toFixed(1)} µs/mention (every agency evaluated every simulated minute)`,
);
console.log(`  sentiment (scale)    ${perMention(median(tagged)).toFixed(1)} µs/mention`);
console.log(`  postTerms / sentiment ${(median(terms) / median(tagged)).toFixed(2)}`);
console.log(`  detection: top issue names the phrase ${result?.detectedAfter} simulated minutes after injection`);
console.log(
  `  tracker state at the end: ${result?.size.posts} window posts, ${result?.size.termCounts} hourly term counts (all agencies)`,
);
