import type { ChainableCommander } from "ioredis";
import { Redis } from "ioredis";
import type { MemberTtl, StateEntry, StateStore } from "./state.js";

/** Takes a free lease or extends one's own: KEYS[1] the lease, ARGV holder and ttl in ms. */
const HOLD_LEASE = `
local current = redis.call('GET', KEYS[1])
if current == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if current == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`;

/** Deletes the lease only if the holder still holds it. */
const RELEASE_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

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

  async membersOf(keys: string[]): Promise<string[][]> {
    if (keys.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.smembers(key);
    return (await run(pipeline)).map(([, reply]) => reply as string[]);
  }

  async hasMembers(entries: StateEntry[]): Promise<boolean[]> {
    if (entries.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const { key, value } of entries) pipeline.sismember(key, value);
    return (await run(pipeline)).map(([, reply]) => reply === 1);
  }

  async writeAtomically(
    values: StateEntry[],
    members: StateEntry[],
    ttlSeconds: number,
    options: MemberTtl = {},
  ): Promise<void> {
    if (values.length === 0 && members.length === 0) return;
    const transaction = this.redis.multi();
    const membersTtl = options.membersTtlSeconds ?? ttlSeconds;
    for (const { key, value } of values) transaction.set(key, value, "EX", ttlSeconds);
    for (const { key, value } of members) {
      transaction.sadd(key, value);
      if (options.fixedExpiry) transaction.expire(key, membersTtl, "NX");
      else transaction.expire(key, membersTtl);
    }
    await run(transaction);
  }

  async holdLease(key: string, holder: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.eval(HOLD_LEASE, 1, key, holder, String(ttlMs))) === 1;
  }

  async releaseLease(key: string, holder: string): Promise<void> {
    await this.redis.eval(RELEASE_LEASE, 1, key, holder);
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
