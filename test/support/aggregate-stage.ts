/**
 * An aggregate stage instance on a given storage, fed hand-made partition batches through a bus
 * that hands them to the stage directly, so batch boundaries, redeliveries, restarts and the split
 * of partitions between instances are chosen by the test. Dead letters it produces are kept, decoded.
 */
import pino from "pino";
import { type AggregateStageOptions, startAggregateStage } from "../../pipeline/stages/aggregate.js";
import type { Bus, OutgoingRecord, RecordBatch } from "../../runtime/bus/bus.js";
import { loadConfig } from "../../runtime/config.js";
import { type PipelineContext, type StageHandle, topicName } from "../../runtime/context.js";
import { PipelineMetrics } from "../../runtime/metrics.js";
import { AvroCodec, createRegistryClient } from "../../runtime/serde.js";
import { MemoryStateStore } from "../../runtime/state/memory-state.js";
import type { StateStore } from "../../runtime/state/state.js";
import type { Storage } from "../../runtime/storage/clickhouse.js";
import { contracts } from "../../schemas/contracts.js";
import type { DeadLetter, TaggedMention } from "../../schemas/types.generated.js";

export interface AggregateInstance {
  stage: StageHandle;
  metrics: PipelineMetrics;
  /** Dead letters produced so far. */
  deadLetters: DeadLetter[];
  /** Hands `items` to the stage as one batch of `partition` starting at `firstOffset`, as the bus would. */
  deliver(partition: number, firstOffset: number, items: TaggedMention[], highWatermark?: number): Promise<void>;
}

/** An aggregate stage instance on `storage`, as if started in a process of its own. */
export async function startAggregateInstance(
  storage: Storage,
  options: AggregateStageOptions = {},
  state: StateStore = new MemoryStateStore(),
): Promise<AggregateInstance> {
  const config = loadConfig({});
  const codec = new AvroCodec(createRegistryClient(config));
  const topic = topicName(config, "mentionsTagged");
  const schemaId = await codec.register(topic, contracts.TaggedMention);
  const deadLetterId = await codec.register(topicName(config, "deadLetter"), contracts.DeadLetter);
  const deadLetters: DeadLetter[] = [];
  const keep = (records: OutgoingRecord[]) => {
    for (const record of records) deadLetters.push(codec.decode<DeadLetter>(record.value, contracts.DeadLetter));
  };
  let onBatch: ((batch: RecordBatch) => Promise<void>) | undefined;
  const bus: Bus = {
    kind: "memory",
    ensureTopics: async () => {},
    progress: async () => [],
    producer: async () => ({
      send: async (_topic, records) => keep(records),
      sendMany: async (sends) => {
        for (const { records } of sends) keep(records);
      },
      close: async () => {},
    }),
    consume: async (consumeOptions) => {
      onBatch = consumeOptions.onBatch;
      return { stop: async () => {}, healthy: () => true };
    },
    close: async () => {},
  };
  const metrics = new PipelineMetrics();
  const ctx: PipelineContext = {
    config,
    logger: pino({ level: "silent" }),
    metrics,
    bus,
    state,
    codec,
    schemaIds: { mentionsTagged: schemaId, deadLetter: deadLetterId } as PipelineContext["schemaIds"],
    storage: async () => storage,
  };
  const stage = await startAggregateStage(ctx, options);
  return {
    stage,
    metrics,
    deadLetters,
    deliver: async (partition, firstOffset, items, highWatermark = firstOffset + items.length) => {
      await onBatch?.({
        topic,
        partition,
        highWatermark: String(highWatermark),
        records: items.map((item, i) => ({
          key: null,
          value: codec.encode(schemaId, contracts.TaggedMention, item),
          offset: String(firstOffset + i),
          timestamp: "0",
          headers: {},
        })),
      });
    },
  };
}
