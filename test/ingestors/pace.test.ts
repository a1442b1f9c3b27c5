import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SourceEvent } from "../../runtime/ingestor.js";
import { Pacer, paceEvents } from "../../runtime/pace.js";

const T0 = 1_750_000_000_000;

/** A promise's state without waiting for it. */
function track<T>(promise: Promise<T>): { settled: boolean; value: T | undefined } {
  const state = { settled: false, value: undefined as T | undefined };
  promise.then((value) => {
    state.settled = true;
    state.value = value;
  });
  return state;
}

/** Lets pending promise callbacks run, without moving the fake clock. */
async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe("Pacer", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("releases the first event at once and later ones at their offset from it (speed 1)", async () => {
    const pacer = new Pacer(1);
    const signal = new AbortController().signal;
    expect(await pacer.wait(T0, signal)).toBe(true);

    const second = track(pacer.wait(T0 + 1000, signal));
    await vi.advanceTimersByTimeAsync(999);
    expect(second.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(second).toEqual({ settled: true, value: true });

    const third = track(pacer.wait(T0 + 3000, signal));
    await vi.advanceTimersByTimeAsync(1999);
    expect(third.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(third).toEqual({ settled: true, value: true });
  });

  it("measures from the first event, so time spent between waits is not added", async () => {
    const pacer = new Pacer(1);
    const signal = new AbortController().signal;
    await pacer.wait(T0, signal);
    await vi.advanceTimersByTimeAsync(600); // the consumer was busy for 600 ms
    const next = track(pacer.wait(T0 + 1000, signal));
    await vi.advanceTimersByTimeAsync(399);
    expect(next.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(next.value).toBe(true);
  });

  it("scales waits by the speed and never releases early", async () => {
    const signal = new AbortController().signal;
    const minutePerSecond = new Pacer(60);
    await minutePerSecond.wait(T0, signal);
    const aMinuteLater = track(minutePerSecond.wait(T0 + 60_000, signal));
    await vi.advanceTimersByTimeAsync(999);
    expect(aMinuteLater.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(aMinuteLater.value).toBe(true);

    // 3 ms of event time at double speed is 1.5 ms: rounded up to 2.
    const double = new Pacer(2);
    await double.wait(T0, signal);
    const later = track(double.wait(T0 + 3, signal));
    await vi.advanceTimersByTimeAsync(1);
    expect(later.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(later.value).toBe(true);
  });

  it("releases events that are late or stamped before the first one without waiting", async () => {
    const pacer = new Pacer(1);
    const signal = new AbortController().signal;
    await pacer.wait(T0, signal);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await pacer.wait(T0 + 1000, signal)).toBe(true);
    expect(await pacer.wait(T0 - 60_000, signal)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it.each([0, Number.POSITIVE_INFINITY])(
    "at speed %s sets no timer, but yields to the event loop every 1024 events",
    async (speed) => {
      const pacer = new Pacer(speed);
      const signal = new AbortController().signal;
      for (let i = 0; i < 1023; i++) expect(await pacer.wait(T0 + i * 60_000, signal)).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
      const turn = track(pacer.wait(T0 + 1023 * 60_000, signal));
      await flushMicrotasks();
      expect(turn.settled).toBe(false);
      expect(vi.getTimerCount()).toBe(1);
      await vi.advanceTimersByTimeAsync(0);
      expect(turn.value).toBe(true);
    },
  );

  it("resolves false at once when aborted while waiting, and clears its timer", async () => {
    const pacer = new Pacer(1);
    const controller = new AbortController();
    await pacer.wait(T0, controller.signal);
    const waiting = track(pacer.wait(T0 + 3_600_000, controller.signal));
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    await flushMicrotasks();
    expect(waiting).toEqual({ settled: true, value: false });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("resolves false when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await new Pacer(0).wait(T0, controller.signal)).toBe(false);
    expect(await new Pacer(1).wait(T0, controller.signal)).toBe(false);
  });

  it.each([-1, Number.NaN])("rejects speed %s", (speed) => {
    expect(() => new Pacer(speed)).toThrow(RangeError);
  });

  it("holds an event until the wall clock reaches its time when notAhead, whatever the speed", async () => {
    vi.setSystemTime(T0);
    const pacer = new Pacer(0, { notAhead: true });
    const signal = new AbortController().signal;
    expect(await pacer.wait(T0 - 3_600_000, signal)).toBe(true);
    const future = track(pacer.wait(T0 + 2000, signal));
    await vi.advanceTimersByTimeAsync(1999);
    expect(future.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(future).toEqual({ settled: true, value: true });
  });
});

describe("paceEvents", () => {
  const engagementAt = (eventTime: number): SourceEvent => ({
    type: "engagement",
    engagement: {
      platform: "x",
      postId: "1",
      eventTime,
      likes: 0,
      shares: 0,
      replies: 0,
      views: 0,
      clicks: 0,
      source: "t",
    },
  });
  const invalid: SourceEvent = { type: "invalid", origin: "f", position: 2, raw: "{", errorCode: "E", reason: "r" };

  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("paces timed events and passes invalid inputs through at once", async () => {
    const iterator = paceEvents([engagementAt(T0), invalid, engagementAt(T0 + 2000)], 1, new AbortController().signal);
    expect((await iterator.next()).value).toEqual(engagementAt(T0));
    expect((await iterator.next()).value).toEqual(invalid);
    const third = track(iterator.next());
    await vi.advanceTimersByTimeAsync(1999);
    expect(third.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(third.value).toEqual({ done: false, value: engagementAt(T0 + 2000) });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it("ends without error when aborted", async () => {
    const controller = new AbortController();
    const iterator = paceEvents([engagementAt(T0), engagementAt(T0 + 60_000), invalid], 1, controller.signal);
    await iterator.next();
    const second = track(iterator.next());
    controller.abort();
    await flushMicrotasks();
    expect(second.value).toEqual({ done: true, value: undefined });
  });
});
