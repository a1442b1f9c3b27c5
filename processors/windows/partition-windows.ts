/**
 * The tumbling-window accumulator of one Kafka partition. Events are taken in offset order: each
 * is first checked against the watermark of the events before it (late if its window is already
 * closed: not aggregated, reported), then advances the watermark. Decisions therefore depend only
 * on the partition's event sequence, never on how it was cut into batches, and a consumer that
 * restores the watermark stored with an offset continues exactly as the one before it would have.
 * The one exception is an event time ahead of the processing clock (watermark.ts): it is never
 * aggregated and never moves the watermark.
 */
import type { TaggedMention } from "../../schemas/types.generated.js";
import { addMention, deltaKey, emptyDelta, type WindowDelta } from "./delta.js";
import { provinceOf, scopesOf, sentimentOf } from "./scopes.js";
import { MINUTE_MS, windowEnd, windowStart } from "./tumbling.js";
import { Watermark } from "./watermark.js";

export interface WindowOptions {
  sizeMs?: number;
  allowedLatenessMs?: number;
  /** The watermark stored with the last offset aggregated before (null: none yet). */
  restoredWatermark?: number | null;
  /** The processing clock that bounds the watermark (epoch ms; tests fix it). */
  clock?: () => number;
}

export interface FinalisedDelta extends WindowDelta {
  /** The window was closed by the watermark at flush time: no later delta will change it. */
  final: boolean;
}

export interface Flush {
  deltas: FinalisedDelta[];
  /** Watermark after the last event added; null before any event. */
  watermark: number | null;
}

export class PartitionWindows {
  readonly sizeMs: number;
  private readonly watermark: Watermark;
  private pending = new Map<string, WindowDelta>();

  constructor(options: WindowOptions = {}) {
    this.sizeMs = options.sizeMs ?? MINUTE_MS;
    this.watermark = new Watermark(options.allowedLatenessMs, options.restoredWatermark ?? null, options.clock);
  }

  /** Adds the event to its window's pending delta; returns false (not added) if it is late or in the future. */
  add(item: TaggedMention): boolean {
    const { eventTime, platform } = item.mention;
    const start = windowStart(eventTime, this.sizeMs);
    if (this.watermark.isFuture(eventTime) || this.watermark.closes(windowEnd(start, this.sizeMs))) return false;
    this.watermark.observe(eventTime);
    const sentiment = sentimentOf(item);
    for (const scope of scopesOf(item)) {
      const province = provinceOf(item, scope);
      const key = deltaKey(start, scope, platform, sentiment, province);
      let delta = this.pending.get(key);
      if (!delta) {
        delta = emptyDelta(start, scope, platform, sentiment, province);
        this.pending.set(key, delta);
      }
      addMention(delta, item);
    }
    return true;
  }

  /** The pending deltas (cleared here), each marked final if the watermark has closed its window. */
  flush(): Flush {
    const deltas = [...this.pending.values()].map((delta) => ({
      ...delta,
      final: this.watermark.closes(windowEnd(delta.windowStart, this.sizeMs)),
    }));
    this.pending = new Map();
    const value = this.watermark.value;
    return { deltas, watermark: Number.isFinite(value) ? value : null };
  }
}
