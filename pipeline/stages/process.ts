/**
 * The process stage: raw mentions -> validated, normalised, deduplicated TaggedMentions. Each
 * partition batch is decoded, checked, tagged and produced together with its dead letters; the
 * dedup state is updated and the offsets committed only after the producer's acknowledgement.
 */
import { Deduplicator } from "../../processors/dedup/index.js";
import { normaliseMention } from "../../processors/normalise/index.js";
import { type Tagger, untagged } from "../../processors/tagger.js";
import type { IncomingRecord, RecordBatch } from "../../runtime/bus/bus.js";
import {
  decodeBatch,
  encodeFor,
  instrumented,
  mapIsolated,
  type PipelineContext,
  type StageHandle,
  topicName,
} from "../../runtime/context.js";
import { SimakError } from "../../runtime/errors.js";
import { contracts } from "../../schemas/contracts.js";
import { postKey } from "../../schemas/topics.js";
import type { Mention, TaggedMention } from "../../schemas/types.generated.js";
import { tagIsolated } from "./tagging.js";

const STAGE = "process";

export interface ProcessStageOptions {
  taggers?: Tagger[];
  groupId?: string;
}

export async function startProcessStage(ctx: PipelineContext, options: ProcessStageOptions = {}): Promise<StageHandle> {
  const { metrics, codec } = ctx;
  const taggers = options.taggers ?? [];
  const dedup = new Deduplicator(ctx.state, ctx.config.process.dedupTtlSeconds, `${ctx.config.topicPrefix}simak:seen:`);
  const source = topicName(ctx.config, "mentionsRaw");
  const target = topicName(ctx.config, "mentionsTagged");
  const deadLetters = topicName(ctx.config, "deadLetter");
  const producer = await ctx.bus.producer();

  const onBatch = async (batch: RecordBatch) => {
    const {
      values: valid,
      records,
      failed,
    } = await decodeBatch(ctx, STAGE, batch, (record) => {
      const result = normaliseMention(codec.decode<Mention>(record.value, contracts.Mention));
      if (!result.ok) throw new SimakError(result.code, result.reason);
      return result.mention;
    });

    const keys = valid.map((mention) => postKey(mention.platform, mention.id));
    const fresh = await dedup.unseen(keys);
    const processedTime = Date.now();
    const tagged: TaggedMention[] = [];
    const taggedRecords: IncomingRecord[] = [];
    valid.forEach((mention, i) => {
      if (!fresh[i]) return;
      tagged.push({ mention, tags: untagged(), processedTime });
      taggedRecords.push(records[i] as IncomingRecord);
    });
    metrics.duplicates.inc({ stage: STAGE }, valid.length - tagged.length);
    const tagging = await tagIsolated(ctx, STAGE, batch, taggers, { values: tagged, records: taggedRecords });

    // A mention whose tagged record would exceed the broker's limit is dead-lettered alone.
    const { values: out, failed: unsendable } = mapIsolated(ctx, STAGE, batch, tagging, (item) =>
      encodeFor(ctx, "mentionsTagged", postKey(item.mention.platform, item.mention.id), item),
    );
    await producer.sendMany([
      { topic: target, records: out },
      { topic: deadLetters, records: [...failed, ...tagging.failed, ...unsendable] },
    ]);
    await dedup.remember(out.map((record) => record.key));

    metrics.eventsOut.inc({ stage: STAGE, target }, out.length);
  };

  const consumer = await ctx.bus.consume({
    groupId: options.groupId ?? `${ctx.config.topicPrefix}simak-process`,
    topics: [source],
    onBatch: instrumented(ctx, STAGE, onBatch),
  });
  ctx.logger.info({ stage: STAGE, source, target, taggers: taggers.map((t) => t.name) }, "stage started");
  return {
    name: STAGE,
    healthy: () => consumer.healthy() && ctx.state.healthy(),
    stop: async () => {
      await consumer.stop();
      await producer.close();
    },
  };
}
