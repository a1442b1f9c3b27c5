/** The same contract, checked on both state stores: in-process and Redis. */
import { afterAll, describe, expect, it } from "vitest";
import { MemoryStateStore } from "../../../runtime/state/memory-state.js";
import { RedisStateStore } from "../../../runtime/state/redis-state.js";
import type { StateStore } from "../../../runtime/state/state.js";
import { SERVICES, uniquePrefix } from "../../support/services.js";

const redis = new RedisStateStore(SERVICES.redisUrl);
const stores: [string, () => Promise<StateStore>][] = [
  ["memory", async () => new MemoryStateStore()],
  [
    "redis",
    async () => {
      if (!redis.healthy()) await redis.connect();
      return redis;
    },
  ],
];

afterAll(async () => {
  await redis.close();
});

describe.each(stores)("%s state store", (_, open) => {
  it("reads back a batch of values, null for missing keys", async () => {
    const store = await open();
    const ns = uniquePrefix("kv");
    await store.setMany(
      [
        { key: `${ns}a`, value: "1" },
        { key: `${ns}b`, value: "2" },
      ],
      60,
    );
    expect(await store.getMany([`${ns}a`, `${ns}missing`, `${ns}b`])).toEqual(["1", null, "2"]);
    expect(await store.getMany([])).toEqual([]);
  });

  it("adds set members and tells which were new, within and across batches", async () => {
    const store = await open();
    const ns = uniquePrefix("sets");
    expect(
      await store.addToSets(
        [
          { key: `${ns}root1`, value: "share-1" },
          { key: `${ns}root1`, value: "share-2" },
          { key: `${ns}root1`, value: "share-1" },
          { key: `${ns}root2`, value: "share-1" },
        ],
        60,
      ),
    ).toEqual([true, true, false, true]);
    // A redelivered batch: nothing is new.
    expect(
      await store.addToSets(
        [
          { key: `${ns}root1`, value: "share-2" },
          { key: `${ns}root2`, value: "share-1" },
        ],
        60,
      ),
    ).toEqual([false, false]);
    expect(await store.addToSets([], 60)).toEqual([]);
  });
});

describe("state TTLs", () => {
  it("forget values and set members after their TTL (in-process clock)", async () => {
    let now = 1_000_000;
    const store = new MemoryStateStore(() => now);
    await store.setMany([{ key: "k", value: "v" }], 10);
    expect(await store.addToSets([{ key: "s", value: "m" }], 10)).toEqual([true]);
    now += 10_000;
    expect(await store.getMany(["k"])).toEqual([null]);
    expect(await store.addToSets([{ key: "s", value: "m" }], 10)).toEqual([true]);
  });

  it("forget values and set members after their TTL (Redis)", async () => {
    const store = await (stores[1] as [string, () => Promise<StateStore>])[1]();
    const ns = uniquePrefix("ttl");
    await store.setMany([{ key: `${ns}k`, value: "v" }], 1);
    expect(await store.addToSets([{ key: `${ns}s`, value: "m" }], 1)).toEqual([true]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await store.getMany([`${ns}k`])).toEqual([null]);
    expect(await store.addToSets([{ key: `${ns}s`, value: "m" }], 1)).toEqual([true]);
  });
});
