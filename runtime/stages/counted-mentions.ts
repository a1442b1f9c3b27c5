/**
 * The mentions the aggregate stage has counted, remembered in the state store per partition: key
 * `<topic>:<partition>:<platform>:<id>`, value the offset of the copy that counted. The process
 * stage produces a batch and then remembers its keys, so a failure between the two publishes the
 * same mention again at a later offset; the sink stores it once (keys it already holds are
 * skipped) and this makes the windows count it once too.
 *
 * The offset is what tells a republished copy (another offset: dropped) from the same record
 * redelivered (same offset: counted, for the stage's offset check decides whether it was already
 * stored). So the ids are written before the window deltas are inserted: an insert that fails
 * leaves them pointing at the records it retries, never losing one.
 *
 * Kept for the allowed lateness plus RETAIN_EXTRA_MS: a copy arriving after its window closed is
 * late, not counted, whatever this says; the extra hour covers a stream that stalls meanwhile.
 * Cheaper than an idempotent (transactional) produce in the process stage: that needs a
 * transactional id per partition owner and read_committed consumers everywhere, and still leaves
 * the aggregate stage to tell copies apart after an ingest retry.
 */
import { postKey } from "../../schemas/topics.js";
import type { StateStore } from "../state/state.js";

const RETAIN_EXTRA_MS = 3_600_000;

export interface CountedMentionsOptions {
  store: StateStore;
  prefix: string;
  latenessMs: number;
}

export interface PartitionItem {
  offset: string;
  platform: string;
  id: string;
}

export class CountedMentions {
  private readonly ttlSeconds: number;

  constructor(private readonly options: CountedMentionsOptions) {
    this.ttlSeconds = Math.ceil((options.latenessMs + RETAIN_EXTRA_MS) / 1000);
  }

  /**
   * For each item of one partition's batch (in offset order): true if it is the copy that counts
   * (the first seen, or that same record again), false for a republished copy. Remembers the new ones.
   */
  async firstCopies(topic: string, partition: number, items: PartitionItem[]): Promise<boolean[]> {
    const keys = items.map(
      (item) => `${this.options.prefix}simak:counted:${topic}:${partition}:${postKey(item.platform, item.id)}`,
    );
    const stored = await this.options.store.getMany(keys);
    const added = new Map<string, string>();
    const first = items.map((item, i) => {
      const key = keys[i] as string;
      const counted = stored[i] ?? added.get(key);
      if (counted === undefined || counted === null) {
        added.set(key, item.offset);
        return true;
      }
      return counted === item.offset;
    });
    await this.options.store.setMany(
      [...added].map(([key, value]) => ({ key, value })),
      this.ttlSeconds,
    );
    return first;
  }
}
