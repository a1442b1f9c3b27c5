/**
 * What the place tagger costs the process stage: the stage's per-mention work (Avro decode of the
 * raw mention, normalisation, deduplication against the in-process state store, every tagger of
 * processors/index.ts, Avro encode of the tagged mention), in batches of 500 simulated mentions,
 * with the place tagger and without it, in the same run, batch by batch in turn, same mentions;
 * and the place tagger timed alone within the stage's work. The acceptance: it adds at most 10% to the stage's time per mention.
 *
 *   npx tsx bench/places.bench.ts          (BENCH_MENTIONS=20000, BENCH_ROUNDS=6)
 */
import pino from "pino";
import { Deduplicator } from "../processors/dedup/index.js";
import { openTaggers } from "../processors/index.js";
import { normaliseMention } from "../processors/normalise/index.js";
import type { Tagger } from "../processors/tagger.js";
import { untagged } from "../processors/tagger.js";
import { MemoryStateStore } from "../runtime/state/memory-state.js";
import { contracts } from "../schemas/contracts.js";
import { postKey } from "../schemas/topics.js";
import type { Mention, TaggedMention } from "../schemas/types.generated.js";
import { simulatedEvents } from "./support/simulated.js";

const MENTIONS = Number(process.env.BENCH_MENTIONS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const BATCH = 500;

async function rawMentions(): Promise<Buffer[]> {
  const raw: Buffer[] = [];
  for (const event of await simulatedEvents({ seed: 5, maxMentions: MENTIONS })) {
    if (event.type === "mention") raw.push(contracts.Mention.type.toBuffer(event.mention));
  }
  return raw;
}

/** The process stage's work on one batch of raw mentions; returns its nanoseconds and those of the place tagger. */
async function processBatch(
  batch: readonly Buffer[],
  taggers: readonly Tagger[],
  dedup: Deduplicator,
): Promise<{ total: number; places: number; placed: number }> {
  const start = process.hrtime.bigint();
  let places = 0n;
  let placed = 0;
  const valid: Mention[] = [];
  for (const buffer of batch) {
    const result = normaliseMention(contracts.Mention.type.fromBuffer(buffer) as Mention);
    if (result.ok) valid.push(result.mention);
  }
  const keys = valid.map((mention) => postKey(mention.platform, mention.id));
  const fresh = await dedup.unseen(keys);
  const tagged: TaggedMention[] = [];
  valid.forEach((mention, i) => {
    if (fresh[i]) tagged.push({ mention, tags: untagged(), processedTime: 0 });
  });
  for (const tagger of taggers) {
    const taggerStart = process.hrtime.bigint();
    await tagger.tag(tagged);
    if (tagger.name === "places") places += process.hrtime.bigint() - taggerStart;
  }
  for (const item of tagged) {
    contracts.TaggedMention.type.toBuffer(item);
    if (item.tags.place) placed++;
  }
  await dedup.remember(keys);
  return { total: Number(process.hrtime.bigint() - start), places: Number(places), placed };
}

async function main(): Promise<void> {
  const raw = await rawMentions();
  const opened = await openTaggers({
    queriesFile: "config/examples/queries.yaml",
    accountsFile: "config/examples/accounts.yaml",
    state: new MemoryStateStore(),
    prefix: "bench.",
    logger: pino({ level: "silent" }),
  });
  const withPlaces = opened.taggers;
  const withoutPlaces = withPlaces.filter((tagger) => tagger.name !== "places");
  if (withPlaces.length !== withoutPlaces.length + 1)
    throw new Error("the places tagger is not among the process stage's taggers");
  // Warm-up: JIT, the sentiment model, the gazetteer, caches of the account tagger.
  const warm = new Deduplicator(new MemoryStateStore(), 3600, "warm:");
  for (let offset = 0; offset < Math.min(raw.length, 5000); offset += BATCH) {
    await processBatch(raw.slice(offset, offset + BATCH), withPlaces, warm);
    await processBatch(raw.slice(offset, offset + BATCH), withoutPlaces, warm);
  }
  // Batch by batch, with and without in turn (alternating which goes first), so that the load
  // of the shared machine hits both alike; each variant has its own deduplication state.
  let with_ = 0;
  let without = 0;
  let placesAlone = 0;
  let placed = 0;
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const dedupWith = new Deduplicator(new MemoryStateStore(), 3600, `with${round}:`);
    const dedupWithout = new Deduplicator(new MemoryStateStore(), 3600, `without${round}:`);
    for (let offset = 0; offset < raw.length; offset += BATCH) {
      const batch = raw.slice(offset, offset + BATCH);
      const first = (offset / BATCH + round) % 2 === 0;
      const a = first ? await processBatch(batch, withPlaces, dedupWith) : undefined;
      const b = await processBatch(batch, withoutPlaces, dedupWithout);
      const withRun = a ?? (await processBatch(batch, withPlaces, dedupWith));
      with_ += withRun.total;
      without += b.total;
      placesAlone += withRun.places;
      placed += withRun.placed;
      ratios.push(withRun.total / b.total);
    }
  }
  opened.close();
  const perMention = (ns: number) => ns / 1000 / (raw.length * ROUNDS);
  const withUs = perMention(with_);
  const withoutUs = perMention(without);
  const placesUs = perMention(placesAlone);
  console.table([
    {
      mentions: raw.length,
      rounds: ROUNDS,
      "with places µs/mention": Number(withUs.toFixed(2)),
      "without places µs/mention": Number(withoutUs.toFixed(2)),
      "place tagger alone µs/mention": Number(placesUs.toFixed(2)),
      "with a place": `${((100 * placed) / (raw.length * ROUNDS)).toFixed(1)}%`,
    },
  ]);
  const added = (withUs - withoutUs) / withoutUs;
  const share = placesUs / withUs;
  ratios.sort((x, y) => x - y);
  const median = ratios[Math.floor(ratios.length / 2)] as number;
  console.log(
    `place tagger: ${(100 * share).toFixed(1)}% of the stage's per-mention time (timed alone); ` +
      `the stage with it takes ${(100 * added).toFixed(1)}% longer than without in total, ` +
      `${(100 * (median - 1)).toFixed(1)}% in the median batch (target: at most 10%)`,
  );
}

await main();
