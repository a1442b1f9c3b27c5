import { afterAll, describe, expect, it } from "vitest";
import { RedisStateStore } from "../../../runtime/state/redis-state.js";
import { SERVICES, uniquePrefix } from "../../support/services.js";

describe("Redis state store", () => {
  const store = new RedisStateStore(SERVICES.redisUrl);
  afterAll(async () => {
    await store.close();
  });

  it("reads and writes a batch in one round trip each, with TTLs", async () => {
    await store.connect();
    expect(store.healthy()).toBe(true);
    const ns = uniquePrefix("state");
    expect(await store.getMany([])).toEqual([]);
    await store.setMany(
      [
        { key: `${ns}a`, value: "1" },
        { key: `${ns}b`, value: "2" },
      ],
      1,
    );
    expect(await store.getMany([`${ns}a`, `${ns}missing`, `${ns}b`])).toEqual(["1", null, "2"]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await store.getMany([`${ns}a`, `${ns}b`])).toEqual([null, null]);
  });
});
