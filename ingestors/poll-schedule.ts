/**
 * The schedule pollers share (meta, youtube, tiktok): each stream (a page, a channel, a search)
 * is polled every interval; after a restart a stream polled before waits out the rest of its
 * interval from the `polledAt` its checkpoint stored, and a new one is due now (in list order, so
 * the first round follows the list). Yields each poll's events (its checkpoint last) as one batch.
 */
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
): AsyncGenerator<SourceEvent[]> {
  const due = new Map(
    streams.map((s, index) => [s.stream, s.polledAt ? s.polledAt + s.intervalMs : clock.now() + index] as const),
  );
  while (!signal.aborted && streams.length > 0) {
    const next = streams.reduce((a, b) => ((due.get(a.stream) ?? 0) <= (due.get(b.stream) ?? 0) ? a : b));
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
    yield events;
    due.set(next.stream, clock.now() + next.intervalMs);
  }
}
