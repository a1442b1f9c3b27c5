/**
 * Redis that stops answering (a blackholing proxy between the store and Redis): commands fail
 * after the command timeout instead of hanging, the store reports unhealthy, and once the network
 * heals it is healthy again and every reply still reaches the command it answers.
 */
import { afterAll, describe, expect, it } from "vitest";
import { RedisStateStore } from "../../../runtime/state/redis-state.js";
import { type BlackholeProxy, blackholeProxy } from "../../support/blackhole-proxy.js";
import { SERVICES, uniquePrefix, waitFor } from "../../support/services.js";

const redisUrl = new URL(SERVICES.redisUrl);
let proxy: BlackholeProxy;
let store: RedisStateStore;

afterAll(async () => {
  proxy?.heal();
  await store?.close();
  await proxy?.close();
});

describe("Redis state store on a hung Redis", () => {
  it("times commands out, reports unhealthy while hung, and recovers in order", async () => {
    proxy = await blackholeProxy(redisUrl.hostname, Number(redisUrl.port));
    store = new RedisStateStore(`redis://127.0.0.1:${proxy.port}`, { commandTimeoutMs: 500, probeIntervalMs: 100 });
    await store.connect();
    const ns = uniquePrefix("hang");
    await store.setMany([{ key: `${ns}a`, value: "1" }], 60);
    expect(await store.getMany([`${ns}a`])).toEqual(["1"]);
    expect(store.healthy()).toBe(true);

    proxy.blackhole();
    const started = Date.now();
    await expect(store.setMany([{ key: `${ns}b`, value: "2" }], 60)).rejects.toThrow(/timed out/);
    await expect(store.getMany([`${ns}a`])).rejects.toThrow(/timed out/);
    expect(Date.now() - started).toBeLessThan(5_000);
    await waitFor("unhealthy", async () => (store.healthy() ? undefined : true), 5_000, 20);

    proxy.heal();
    await waitFor("healthy again", async () => (store.healthy() ? true : undefined), 5_000, 20);
    // The write that timed out reached Redis once the network healed; replies stay matched.
    expect(await store.getMany([`${ns}a`, `${ns}b`, `${ns}missing`])).toEqual(["1", "2", null]);
    expect(await store.holdLease(`${ns}lease`, "me", 10_000)).toBe(true);
  });
});
