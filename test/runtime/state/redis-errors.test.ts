import { describe, expect, it } from "vitest";
import { RedisStateStore } from "../../../runtime/state/redis-state.js";
import { freePort } from "../../support/services.js";

describe("RedisStateStore connection errors", () => {
  it("are handed to onError (counted as simak_redis_errors_total), not left unhandled", async () => {
    const errors: string[] = [];
    const store = new RedisStateStore(`redis://127.0.0.1:${await freePort()}`, {
      onError: (error) => errors.push(error.message),
    });
    await expect(store.connect()).rejects.toThrow();
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors[0]).toMatch(/ECONNREFUSED/);
    await store.close().catch(() => {});
  });
});
