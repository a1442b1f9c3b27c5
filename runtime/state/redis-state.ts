import type { ChainableCommander } from "ioredis";
import { Redis } from "ioredis";
import type { StateEntry, StateStore } from "./state.js";

/** Redis-backed state: one MGET per read, one pipeline of SET ... EX per write. */
export class RedisStateStore implements StateStore {
  readonly kind = "redis" as const;
  private readonly redis: Redis;

  constructor(url: string) {
    this.redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 5, enableAutoPipelining: true });
  }

  async connect(): Promise<void> {
    await this.redis.connect();
  }

  async getMany(keys: string[]): Promise<(string | null)[]> {
    if (keys.length === 0) return [];
    return this.redis.mget(keys);
  }

  async setMany(entries: StateEntry[], ttlSeconds: number): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const { key, value } of entries) pipeline.set(key, value, "EX", ttlSeconds);
    await run(pipeline);
  }

  async addToSets(entries: StateEntry[], ttlSeconds: number): Promise<boolean[]> {
    if (entries.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const { key, value } of entries) pipeline.sadd(key, value).expire(key, ttlSeconds);
    const results = await run(pipeline);
    // Replies alternate SADD (1 = added) and EXPIRE.
    return entries.map((_, i) => results[2 * i]?.[1] === 1);
  }

  healthy(): boolean {
    return this.redis.status === "ready";
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}

/** Executes a pipeline; fails with the first command's error, if any. */
async function run(pipeline: ChainableCommander): Promise<[Error | null, unknown][]> {
  const results = (await pipeline.exec()) ?? [];
  const failure = results.find(([error]) => error);
  if (failure) throw failure[0];
  return results;
}
