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

  it("writes values and set members together, and tells members apart", async () => {
    const store = await open();
    const ns = uniquePrefix("sets");
    const probe = [
      { key: `${ns}root1`, value: "share-1" },
      { key: `${ns}root1`, value: "share-2" },
      { key: `${ns}root2`, value: "share-1" },
    ];
    expect(await store.hasMembers(probe)).toEqual([false, false, false]);
    await store.writeAtomically(
      [{ key: `${ns}state1`, value: '{"cascadeSize":1}' }],
      [
        { key: `${ns}root1`, value: "share-1" },
        { key: `${ns}root1`, value: "share-1" },
      ],
      60,
    );
    expect(await store.hasMembers(probe)).toEqual([true, false, false]);
    expect(await store.getMany([`${ns}state1`])).toEqual(['{"cascadeSize":1}']);
    expect(await store.hasMembers([])).toEqual([]);
    const members = await store.membersOf([`${ns}root1`, `${ns}root2`]);
    expect(members).toEqual([["share-1"], []]);
    expect(await store.membersOf([])).toEqual([]);
    await store.writeAtomically([], [], 60);
  });

  it("adds many members of several sets, interleaved, in one write", async () => {
    const store = await open();
    const ns = uniquePrefix("many");
    // 2 500 members of one set (more than one SADD of 1 000), between members of two others.
    const members = Array.from({ length: 2_500 }, (_, i) => ({ key: `${ns}big`, value: `m${i}` }));
    members.splice(1_200, 0, { key: `${ns}small`, value: "a" }, { key: `${ns}other`, value: "b" });
    members.push({ key: `${ns}small`, value: "c" });
    expect(await store.writeIfUnchanged([], [{ values: [], members, ttlSeconds: 60 }])).toEqual([]);
    const [big, small, other] = await store.membersOf([`${ns}big`, `${ns}small`, `${ns}other`]);
    expect(big?.length).toBe(2_500);
    expect(new Set(big)).toEqual(new Set(members.filter(({ key }) => key === `${ns}big`).map(({ value }) => value)));
    expect(small?.sort()).toEqual(["a", "c"]);
    expect(other).toEqual(["b"]);
  });

  it("writes only if every key read still holds what it held, and tells which keys changed", async () => {
    const store = await open();
    const ns = uniquePrefix("cas");
    await store.setMany([{ key: `${ns}root`, value: '{"cascadeSize":1}' }], 60);
    const read = [
      { key: `${ns}root`, value: '{"cascadeSize":1}' },
      { key: `${ns}author`, value: null },
    ];
    const writes = [
      {
        values: [{ key: `${ns}root`, value: '{"cascadeSize":2}' }],
        members: [{ key: `${ns}ids`, value: "r1" }],
        ttlSeconds: 60,
      },
      {
        values: [{ key: `${ns}author`, value: '{"authored":1}' }],
        members: [{ key: `${ns}items`, value: "m:r1" }],
        ttlSeconds: 600,
        membersTtlSeconds: 30,
      },
    ];
    expect(await store.writeIfUnchanged(read, writes)).toEqual([]);
    expect(await store.getMany([`${ns}root`, `${ns}author`])).toEqual(['{"cascadeSize":2}', '{"authored":1}']);
    expect(
      await store.hasMembers([
        { key: `${ns}ids`, value: "r1" },
        { key: `${ns}items`, value: "m:r1" },
      ]),
    ).toEqual([true, true]);

    // The same read again: both keys changed since (one was absent), so nothing is written.
    const again = [
      { values: [{ key: `${ns}root`, value: "stale" }], members: [{ key: `${ns}ids`, value: "r2" }], ttlSeconds: 60 },
    ];
    expect((await store.writeIfUnchanged(read, again)).sort()).toEqual([`${ns}author`, `${ns}root`]);
    expect(await store.getMany([`${ns}root`])).toEqual(['{"cascadeSize":2}']);
    expect(await store.hasMembers([{ key: `${ns}ids`, value: "r2" }])).toEqual([false]);

    // Read as it is now: written.
    const current = [{ key: `${ns}root`, value: '{"cascadeSize":2}' }];
    expect(await store.writeIfUnchanged(current, again)).toEqual([]);
    expect(await store.getMany([`${ns}root`])).toEqual(["stale"]);
    expect(await store.writeIfUnchanged([], [{ values: [], members: [], ttlSeconds: 60 }])).toEqual([]);
  });

  it("replaces chunks in one step: sets some, deletes some, renews the rest without touching them", async () => {
    const store = await open();
    const ns = uniquePrefix("chunks");
    await store.setMany(
      [
        { key: `${ns}manifest`, value: "v1" },
        { key: `${ns}kept`, value: "old" },
        { key: `${ns}gone`, value: "old" },
      ],
      60,
    );
    await store.replaceAtomically(
      [
        { key: `${ns}manifest`, value: "v2" },
        { key: `${ns}new`, value: "fresh" },
      ],
      [`${ns}gone`, `${ns}never-was`],
      [`${ns}kept`, `${ns}missing`],
      60,
    );
    expect(await store.getMany([`${ns}manifest`, `${ns}kept`, `${ns}gone`, `${ns}new`, `${ns}missing`])).toEqual([
      "v2",
      "old",
      null,
      "fresh",
      null,
    ]);
    // A key both deleted and set is set: deletes go first.
    await store.replaceAtomically([{ key: `${ns}kept`, value: "again" }], [`${ns}kept`], [], 60);
    expect(await store.getMany([`${ns}kept`])).toEqual(["again"]);
    await store.replaceAtomically([], [], [], 60);
  });

  it("grants a lease to one holder at a time, extends it for its holder, and frees it on release or expiry", async () => {
    const store = await open();
    const lease = `${uniquePrefix("lease")}leader`;
    expect(await store.holdLease(lease, "a", 60_000)).toBe(true);
    expect(await store.holdLease(lease, "b", 60_000)).toBe(false);
    expect(await store.holdLease(lease, "a", 200)).toBe(true);
    await store.releaseLease(lease, "b");
    expect(await store.holdLease(lease, "b", 60_000)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await store.holdLease(lease, "b", 60_000)).toBe(true);
    expect(await store.holdLease(lease, "a", 60_000)).toBe(false);
    await store.releaseLease(lease, "b");
    const asked = await Promise.all(["c", "d", "e"].map((holder) => store.holdLease(lease, holder, 60_000)));
    expect(asked.filter(Boolean)).toHaveLength(1);
  });
});

describe("state TTLs", () => {
  it("forget values and set members after their TTL (in-process clock)", async () => {
    let now = 1_000_000;
    const store = new MemoryStateStore(() => now);
    await store.writeAtomically([{ key: "k", value: "v" }], [{ key: "s", value: "m" }], 10);
    expect(await store.hasMembers([{ key: "s", value: "m" }])).toEqual([true]);
    now += 10_000;
    expect(await store.getMany(["k"])).toEqual([null]);
    expect(await store.hasMembers([{ key: "s", value: "m" }])).toEqual([false]);
  });

  it("keep sets for their own TTL, and a fixed expiry that new members do not extend (in-process clock)", async () => {
    let now = 1_000_000;
    const store = new MemoryStateStore(() => now);
    await store.writeAtomically([{ key: "v", value: "1" }], [{ key: "ids", value: "a" }], 100, {
      membersTtlSeconds: 10,
    });
    await store.writeAtomically([], [{ key: "waiting", value: "a" }], 10, { fixedExpiry: true });
    now += 6_000;
    await store.writeAtomically([], [{ key: "waiting", value: "b" }], 10, { fixedExpiry: true });
    expect(await store.membersOf(["waiting"])).toEqual([["a", "b"]]);
    now += 4_000;
    expect(await store.membersOf(["ids", "waiting"])).toEqual([[], []]);
    expect(await store.getMany(["v"])).toEqual(["1"]);
  });

  it("renew only the chunks a replacement lists (in-process clock)", async () => {
    let now = 1_000_000;
    const store = new MemoryStateStore(() => now);
    await store.setMany(
      [
        { key: "renewed", value: "r" },
        { key: "left", value: "l" },
      ],
      10,
    );
    now += 6_000;
    await store.replaceAtomically([{ key: "manifest", value: "m" }], [], ["renewed"], 10);
    now += 6_000;
    expect(await store.getMany(["manifest", "renewed", "left"])).toEqual(["m", "r", null]);
    now += 4_000;
    expect(await store.getMany(["manifest", "renewed"])).toEqual([null, null]);
  });

  it("renew only the chunks a replacement lists (Redis)", async () => {
    const store = await (stores[1] as [string, () => Promise<StateStore>])[1]();
    const ns = uniquePrefix("renew");
    await store.setMany(
      [
        { key: `${ns}renewed`, value: "r" },
        { key: `${ns}left`, value: "l" },
      ],
      1,
    );
    await store.replaceAtomically([], [], [`${ns}renewed`], 3);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await store.getMany([`${ns}renewed`, `${ns}left`])).toEqual(["r", null]);
  });

  it("keep a fixed expiry that new members do not extend (Redis)", async () => {
    const store = await (stores[1] as [string, () => Promise<StateStore>])[1]();
    const ns = uniquePrefix("fixed-ttl");
    await store.writeAtomically([], [{ key: `${ns}waiting`, value: "a" }], 2, { fixedExpiry: true });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await store.writeAtomically([], [{ key: `${ns}waiting`, value: "b" }], 2, { fixedExpiry: true });
    expect((await store.membersOf([`${ns}waiting`]))[0]?.sort()).toEqual(["a", "b"]);
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(await store.membersOf([`${ns}waiting`])).toEqual([[]]);
  });

  it("forget values and set members after their TTL (Redis)", async () => {
    const store = await (stores[1] as [string, () => Promise<StateStore>])[1]();
    const ns = uniquePrefix("ttl");
    await store.writeAtomically([{ key: `${ns}k`, value: "v" }], [{ key: `${ns}s`, value: "m" }], 1);
    expect(await store.hasMembers([{ key: `${ns}s`, value: "m" }])).toEqual([true]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await store.getMany([`${ns}k`])).toEqual([null]);
    expect(await store.hasMembers([{ key: `${ns}s`, value: "m" }])).toEqual([false]);
  });
});
