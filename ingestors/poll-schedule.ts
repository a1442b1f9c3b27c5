/**
 * The schedule pollers share (meta, youtube, tiktok): each stream (a page, a channel, a search)
 * is polled every interval; after a restart a stream polled before waits out the rest of its
 * interval from the `polledAt` its checkpoint stored, and a new one is due now (in list order, so
 * the first round follows the list). Yields each poll's events (its checkpoint last) as one batch.
 *
 * A poller's engagement refresher (runtime/engagement-refresher.ts) runs in the same loop: when
 * its next lookup is due before the next poll, the loop refreshes then and yields the refresh's
 * events (its schedule's checkpoint last) as one batch; a poll's batch ends with the schedule's
 * checkpoint too (the poll tracks new posts and observes counts it read). One loop, one clock: a test clock sees the
 * polls and the refreshes at their exact times, and the two never run at once.
 */
import type { EngagementRefresher } from "../runtime/engagement-refresher.js";
import type { Clock } from "../runtime/http-client.js";
import type { SourceEvent } from "../runtime/ingestor.js";

export interface ScheduledStream {
  stream: string;
  /** Between two polls, ms. */
  intervalMs: number;
  /** When it was last polled (epoch ms, from its checkpoint), or null. */
  polledAt: number | null;
  poll(): Promise<SourceEvent[]>;
}

export async function* pollOnSchedule(
  streams: readonly ScheduledStream[],
  clock: Clock,
  signal: AbortSignal,
  refresher?: EngagementRefresher | readonly EngagementRefresher[],
): AsyncGenerator<SourceEvent[]> {
  const refreshers = refresher === undefined ? [] : Array.isArray(refresher) ? refresher : [refresher];
  const due = new Map(
    streams.map((s, index) => [s.stream, s.polledAt ? s.polledAt + s.intervalMs : clock.now() + index] as const),
  );
  while (!signal.aborted && streams.length > 0) {
    const next = streams.reduce((a, b) => ((due.get(a.stream) ?? 0) <= (due.get(b.stream) ?? 0) ? a : b));
    const soonest = refreshers.reduce<{ refresher: EngagementRefresher; at: number } | null>((best, each) => {
      const at = each.nextDueAt();
      return at !== null && (best === null || at < best.at) ? { refresher: each, at } : best;
    }, null);
    if (soonest && soonest.at < (due.get(next.stream) ?? 0)) {
      const { refresher, at: refreshAt } = soonest;
      const until = refreshAt - clock.now();
      if (until > 0) {
        try {
          await clock.sleep(until, signal);
        } catch {
          return;
        }
      }
      const events = await refresher.refresh(signal).catch((error: unknown) => {
        if (signal.aborted) return [];
        throw error;
      });
      if (signal.aborted) return;
      if (events.length > 0) yield events;
      continue;
    }
    const wait = (due.get(next.stream) ?? 0) - clock.now();
    if (wait > 0) {
      try {
        await clock.sleep(wait, signal);
      } catch {
        return;
      }
    }
    const events = await next.poll();
    if (signal.aborted) return;
    // The posts the poll tracked or observed, stored once the poll's events are acknowledged.
    yield [...events, ...refreshers.map((each) => each.checkpointEvent())];
    due.set(next.stream, clock.now() + next.intervalMs);
  }
}
