/**
 * The dashboard's shared answers (dashboard/server/answer-cache.ts) on a clock of the test's: a
 * fresh answer is served as it is, a stale one while a single computation makes the next, a too
 * stale one (or none) is waited for; a failed computation keeps the stale answer; clear() forgets
 * (a computation under way does not bring its answer back); keys beyond the cap go least recently
 * used first; with no age allowed every request computes.
 */
import { describe, expect, it } from "vitest";
import { AnswerCache } from "../../dashboard/server/answer-cache.js";

function setUp(maxAgeMs = 5_000) {
  let clock = 1_000_000;
  let computations = 0;
  let failNext = false;
  const pending: (() => void)[] = [];
  /** Resolves when the test calls finish(): the answer is the computation's number. */
  const compute = () => {
    const n = ++computations;
    const fail = failNext;
    failNext = false;
    return new Promise<number>((resolve, reject) => {
      pending.push(() => (fail ? reject(new Error(`computation ${n} failed`)) : resolve(n)));
    });
  };
  const finish = async () => {
    for (const done of pending.splice(0)) done();
    await new Promise((resolve) => setImmediate(resolve));
  };
  const cache = new AnswerCache<number>({ maxAgeMs, maxStaleMs: 60_000, maxKeys: 2, now: () => clock });
  return {
    cache,
    compute,
    finish,
    computations: () => computations,
    advance: (ms: number) => {
      clock += ms;
    },
    failNextComputation: () => {
      failNext = true;
    },
    now: () => clock,
  };
}

describe("AnswerCache", () => {
  it("serves a fresh answer, a stale one while one computation runs, and waits for a too stale one", async () => {
    const t = setUp();
    const start = t.now();
    // Two requests before any answer: one computation, both wait for it.
    const first = [t.cache.get("24h", t.compute), t.cache.get("24h", t.compute)];
    await t.finish();
    expect(await Promise.all(first)).toEqual([
      { value: 1, asOf: start },
      { value: 1, asOf: start },
    ]);
    t.advance(4_999);
    expect(await t.cache.get("24h", t.compute)).toEqual({ value: 1, asOf: start });
    expect(t.computations()).toBe(1);

    // Stale: served at once, twice, while a single computation makes the next.
    t.advance(1);
    const refreshedAt = t.now();
    expect(await t.cache.get("24h", t.compute)).toEqual({ value: 1, asOf: start });
    expect(await t.cache.get("24h", t.compute)).toEqual({ value: 1, asOf: start });
    expect(t.computations()).toBe(2);
    await t.finish();
    expect(await t.cache.get("24h", t.compute)).toEqual({ value: 2, asOf: refreshedAt });

    // A failed computation leaves the stale answer; the next request tries again.
    t.advance(5_000);
    t.failNextComputation();
    expect(await t.cache.get("24h", t.compute)).toEqual({ value: 2, asOf: refreshedAt });
    await t.finish();
    expect(await t.cache.get("24h", t.compute)).toEqual({ value: 2, asOf: refreshedAt });
    expect(t.computations()).toBe(4);
    await t.finish();

    // Older than maxStaleMs: waited for.
    t.advance(61_000);
    const waited = t.cache.get("24h", t.compute);
    await t.finish();
    expect(await waited).toEqual({ value: 5, asOf: t.now() });
  });

  it("forgets on clear(), keeps two keys, and computes every answer when no age is allowed", async () => {
    const t = setUp();
    const answer = async (key: string) => {
      const got = t.cache.get(key, t.compute);
      await t.finish();
      return (await got).value;
    };
    expect(await answer("24h")).toBe(1);
    // A computation under way when the cache is cleared: its answer is not kept.
    t.advance(5_000);
    expect(await t.cache.get("24h", t.compute)).toEqual({ value: 1, asOf: t.now() - 5_000 });
    t.cache.clear();
    await t.finish();
    expect(await answer("24h")).toBe(3);

    expect(await answer("7d")).toBe(4);
    expect(await answer("24h")).toBe(3);
    // A third key: "7d", the least recently used, goes.
    expect(await answer("30d")).toBe(5);
    expect(await answer("24h")).toBe(3);
    expect(await answer("7d")).toBe(6);

    const uncached = setUp(0);
    const ask = async () => {
      const got = uncached.cache.get("24h", uncached.compute);
      await uncached.finish();
      return (await got).value;
    };
    expect([await ask(), await ask(), await ask()]).toEqual([1, 2, 3]);
  });
});
