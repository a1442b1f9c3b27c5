/**
 * The process stage's taggers, run so that one mention a tagger cannot handle does not stall the
 * batch. Taggers work on whole batches (one state lookup for all); when one throws, it is run on
 * each mention alone: a mention it still throws on, while others pass, becomes a dead letter and
 * the rest are tagged. When every mention fails alone the fault is not theirs (a state store down,
 * say): the error fails the batch, which is retried, so no good mention is ever dead-lettered.
 */
import type { Tagger } from "../../processors/tagger.js";
import type { TaggedMention } from "../../schemas/types.generated.js";
import type { IncomingRecord, OutgoingRecord, RecordBatch } from "../bus/bus.js";
import { deadLetterOf, errorCodeOf, type PerRecord, type PipelineContext } from "../context.js";
import { ErrorCode } from "../errors.js";

export async function tagIsolated(
  ctx: PipelineContext,
  stage: string,
  batch: RecordBatch,
  taggers: Tagger[],
  input: { values: TaggedMention[]; records: IncomingRecord[] },
): Promise<PerRecord<TaggedMention>> {
  let { values, records } = input;
  const failed: OutgoingRecord[] = [];
  for (const tagger of taggers) {
    try {
      await tagger.tag(values);
    } catch (batchError) {
      const passed: PerRecord<TaggedMention> = { values: [], records: [], failed: [] };
      for (const [i, item] of values.entries()) {
        const record = records[i] as IncomingRecord;
        try {
          await tagger.tag([item]);
          passed.values.push(item);
          passed.records.push(record);
        } catch (error) {
          const reason = `${tagger.name}: ${error instanceof Error ? error.message : String(error)}`;
          passed.failed.push(
            deadLetterOf(ctx, stage, batch, record, errorCodeOf(error, ErrorCode.RecordFailed), reason),
          );
        }
      }
      if (passed.values.length === 0) throw batchError;
      failed.push(...passed.failed);
      ({ values, records } = passed);
    }
  }
  return { values, records, failed };
}
