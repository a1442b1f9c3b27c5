/**
 * Pacing of timestamped events in wall-clock time, shared by the ingestors that replay or simulate
 * a timeline: events are released at `speed` times the pace of their own timestamps, measured from
 * the first event (1 = original pace, 60 = a minute per second, 0 or Infinity = as fast as
 * possible). Waiting stops as soon as the AbortSignal fires.
 */
import type { SourceEvent } from "./ingestor.js";

/**
 * When events are not waited for (as fast as possible, or behind schedule), the pacer still gives
 * the event loop a turn every this many events, so that timers, I/O and aborts are not starved.
 */
const EVENTS_PER_TURN = 1024;

export function assertValidSpeed(speed: number): void {
  if (!(speed >= 0)) throw new RangeError(`speed must be >= 0 (0 or Infinity: as fast as possible), got ${speed}`);
}

export interface PaceOptions {
  /**
   * Never release an event before the wall clock reaches its time: a simulation runs through the
   * past at its speed, and through the present only as it happens (the pipeline refuses event
   * times more than 5 minutes ahead of now, processors/normalise).
   */
  notAhead?: boolean;
}

export class Pacer {
  /** Wall-clock ms per event-time ms; 0 releases everything at once. */
  private readonly wallPerEventMs: number;
  private readonly notAhead: boolean;
  private firstEventTime: number | undefined;
  private firstWallTime = 0;
  private eventsSinceTurn = 0;

  constructor(speed: number, options: PaceOptions = {}) {
    assertValidSpeed(speed);
    this.wallPerEventMs = speed === 0 || speed === Number.POSITIVE_INFINITY ? 0 : 1 / speed;
    this.notAhead = options.notAhead ?? false;
  }

  /**
   * Resolves true once the event stamped `eventTime` is due, false as soon as `signal` aborts.
   * The first event is due at once, and so is any event whose time the pace has already reached
   * (e.g. one stamped earlier than the event before it).
   */
  async wait(eventTime: number, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return false;
    let delay = 0;
    if (this.wallPerEventMs > 0) {
      const now = performance.now();
      if (this.firstEventTime === undefined) {
        this.firstEventTime = eventTime;
        this.firstWallTime = now;
      }
      // From the first event, not the previous one, so that rounding errors do not accumulate.
      delay = Math.ceil(this.firstWallTime + (eventTime - this.firstEventTime) * this.wallPerEventMs - now);
    }
    if (this.notAhead) delay = Math.max(delay, Math.ceil(eventTime - Date.now()));
    if (delay > 0) {
      this.eventsSinceTurn = 0;
      return sleep(delay, signal);
    }
    if (++this.eventsSinceTurn < EVENTS_PER_TURN) return true;
    this.eventsSinceTurn = 0;
    return sleep(0, signal);
  }
}

/** Resolves true after `ms` (0: after the current turn of the event loop), false on abort. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    let cancel: () => void;
    const onAbort = (): void => {
      cancel();
      resolve(false);
    };
    const onDue = (): void => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    };
    if (ms > 0) {
      const timer = setTimeout(onDue, ms);
      cancel = () => clearTimeout(timer);
    } else {
      const turn = setImmediate(onDue);
      cancel = () => clearImmediate(turn);
    }
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** The time an event is stamped with; invalid inputs, checkpoints and receipts have none and pass without waiting. */
function eventTimeOf(event: SourceEvent): number | undefined {
  switch (event.type) {
    case "mention":
      return event.mention.eventTime;
    case "engagement":
      return event.engagement.eventTime;
    case "web":
      return event.web.eventTime;
    case "change":
      return event.change.changedTime;
    default:
      return undefined;
  }
}

/** Re-emits `events` paced by their eventTime; ends early, without error, when `signal` aborts. */
export async function* paceEvents(
  events: Iterable<SourceEvent> | AsyncIterable<SourceEvent>,
  speed: number,
  signal: AbortSignal,
  options: PaceOptions = {},
): AsyncGenerator<SourceEvent, void, undefined> {
  const pacer = new Pacer(speed, options);
  for await (const event of events) {
    const eventTime = eventTimeOf(event);
    const due = eventTime === undefined ? !signal.aborted : await pacer.wait(eventTime, signal);
    if (!due) return;
    yield event;
  }
}
