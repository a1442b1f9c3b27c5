import { createHash } from "node:crypto";
import type { ChainableCommander } from "ioredis";
import { Redis } from "ioredis";
import type { MemberTtl, ReadEntry, StateEntry, StateStore, StateWrite } from "./state.js";

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

/**
 * writeIfUnchanged. KEYS: the n keys read, then each write's value keys and member keys, in order.
 * ARGV: n; the SHA-1 (hex) each read key held, '' for absent; the number of writes; then per
 * write its counts of values and members, TTL, members' TTL, fixed expiry (1/0), its values and
 * its members. Compares digests, not values: a state is kilobytes, its digest 40 bytes. A write's
 * members go to their sets with one SADD (per 1 000) and one EXPIRE per set, not per member: a
 * command called from Lua costs Redis a few microseconds, and the EXPIREs alone were an eighth of
 * its CPU in bench:enrichment (a root's replies, an author's items of a day share a set).
 */
const WRITE_IF_UNCHANGED = `
local n = tonumber(ARGV[1])
local changed = {}
for i = 1, n do
  local current = redis.call('GET', KEYS[i])
  local expected = ARGV[1 + i]
  if current == false then
    if expected ~= '' then changed[#changed + 1] = KEYS[i] end
  elseif expected == '' or redis.sha1hex(current) ~= expected then
    changed[#changed + 1] = KEYS[i]
  end
end
if #changed > 0 then return changed end
local k = n
local a = n + 2
for _ = 1, tonumber(ARGV[a]) do
  local values, members = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  local ttl, membersTtl, fixed = ARGV[a + 3], ARGV[a + 4], ARGV[a + 5]
  a = a + 5
  for _ = 1, values do
    k = k + 1
    a = a + 1
    redis.call('SET', KEYS[k], ARGV[a], 'EX', ttl)
  end
  local sets, order = {}, {}
  for _ = 1, members do
    k = k + 1
    a = a + 1
    local set = sets[KEYS[k]]
    if set == nil then
      set = {}
      sets[KEYS[k]] = set
      order[#order + 1] = KEYS[k]
    end
    set[#set + 1] = ARGV[a]
  end
  for _, key in ipairs(order) do
    local set = sets[key]
    for i = 1, #set, 1000 do redis.call('SADD', key, unpack(set, i, math.min(i + 999, #set))) end
    if fixed == '1' then redis.call('EXPIRE', key, membersTtl, 'NX') else redis.call('EXPIRE', key, membersTtl) end
  end
end
return changed`;

/** setMany: sets each of KEYS to ARGV[i + 1], expiring after ARGV[1] seconds. */
const SET_MANY = `
for i = 1, #KEYS do redis.call('SET', KEYS[i], ARGV[i + 1], 'EX', ARGV[1]) end`;

/** membersOf: the members of each of KEYS. */
const MEMBERS_OF = `
local out = {}
for i = 1, #KEYS do out[i] = redis.call('SMEMBERS', KEYS[i]) end
return out`;

/** hasMembers: per i, 1 if ARGV[i] is a member of the set at KEYS[i], else 0. */
const HAS_MEMBERS = `
local out = {}
for i = 1, #KEYS do out[i] = redis.call('SISMEMBER', KEYS[i], ARGV[i]) end
return out`;

interface Script {
  text: string;
  sha: string;
}

function script(text: string): Script {
  return { text, sha: sha1(text) };
}

/**
 * Many keys' worth of one command as one script: per command, ioredis's Command object, its timers
 * and its reply cost the client far more CPU than the command costs Redis (a SISMEMBER or SMEMBERS
 * per record was much of the enrich stage's CPU, bench:enrichment).
 */
const SCRIPTS = {
  writeIfUnchanged: script(WRITE_IF_UNCHANGED),
  membersOf: script(MEMBERS_OF),
  hasMembers: script(HAS_MEMBERS),
};

export interface RedisStateOptions {
  /** A command without a reply this long fails (the batch is redelivered), ms. Default 5000. */
  commandTimeoutMs?: number;
  /** Connecting (and each reconnect) gives up after this long, ms. Default 5000. */
  connectTimeoutMs?: number;
  /** How often a PING checks that Redis answers, ms. Default 2000. */
  probeIntervalMs?: number;
  /** What the connection reports (it reconnects by itself); counted and logged by the caller. */
  onError?: (error: Error) => void;
}

/**
 * Redis-backed state: one MGET or script per read, one script per write (a command per call, not
 * per key). Every command times out, so a Redis that stops answering (hung, or the network drops
 * its packets) fails the batch instead of hanging it past the consumer's session; a PING every
 * probe interval, with the same timeout, makes the store report unhealthy meanwhile.
 */
export class RedisStateStore implements StateStore {
  readonly kind = "redis" as const;
  private readonly redis: Redis;
  private readonly probeIntervalMs: number;
  private probe: NodeJS.Timeout | undefined;
  private probing = false;
  /** Whether the last PING was answered in time. */
  private answering = true;

  constructor(url: string, options: RedisStateOptions = {}) {
    this.redis = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 5,
      enableAutoPipelining: true,
      // Scripts go on their own: ioredis 5.x's auto-pipelining of EVALSHA let a pipeline resolve
      // with fewer results than it had commands (TypeError "results[i] is not iterable", uncaught:
      // the process died) under heavy load in the enrichment benchmark.
      autoPipeliningIgnoredCommands: ["eval", "evalsha"],
      commandTimeout: options.commandTimeoutMs ?? 5000,
      connectTimeout: options.connectTimeoutMs ?? 5000,
    });
    this.probeIntervalMs = options.probeIntervalMs ?? 2000;
    this.redis.on("error", options.onError ?? (() => {}));
  }

  async connect(): Promise<void> {
    await this.redis.connect();
    this.probe = setInterval(() => {
      if (this.probing) return;
      this.probing = true;
      this.redis
        .ping()
        .then(
          () => {
            this.answering = true;
          },
          () => {
            this.answering = false;
          },
        )
        .finally(() => {
          this.probing = false;
        });
    }, this.probeIntervalMs);
    this.probe.unref();
  }

  async getMany(keys: string[]): Promise<(string | null)[]> {
    if (keys.length === 0) return [];
    return this.redis.mget(keys);
  }

  async setMany(entries: StateEntry[], ttlSeconds: number): Promise<void> {
    if (entries.length === 0) return;
    // The script's text rather than its digest: a NOSCRIPT retry would write after reads that
    // callers send next and that must see this write (enrich-authors: a post's author, then the
    // signals waiting for it). A few dozen bytes more per call.
    const keys = entries.map(({ key }) => key);
    const values = entries.map(({ value }) => value);
    await this.redis.eval(SET_MANY, keys.length, keys.concat([String(ttlSeconds)], values));
  }

  async membersOf(keys: string[]): Promise<string[][]> {
    if (keys.length === 0) return [];
    return (await this.evalScript(SCRIPTS.membersOf, keys, [])) as string[][];
  }

  async hasMembers(entries: StateEntry[]): Promise<boolean[]> {
    if (entries.length === 0) return [];
    const reply = await this.evalScript(
      SCRIPTS.hasMembers,
      entries.map(({ key }) => key),
      entries.map(({ value }) => value),
    );
    return (reply as number[]).map((member) => member === 1);
  }

  async writeAtomically(
    values: StateEntry[],
    members: StateEntry[],
    ttlSeconds: number,
    options: MemberTtl = {},
  ): Promise<void> {
    // A compare-and-set that compares nothing: one script (atomic) instead of a MULTI of a command per key.
    await this.writeIfUnchanged([], [{ values, members, ttlSeconds, ...options }]);
  }

  async replaceAtomically(values: StateEntry[], deletes: string[], renew: string[], ttlSeconds: number): Promise<void> {
    if (values.length === 0 && deletes.length === 0 && renew.length === 0) return;
    const transaction = this.redis.multi();
    if (deletes.length > 0) transaction.del(...deletes);
    for (const { key, value } of values) transaction.set(key, value, "EX", ttlSeconds);
    for (const key of renew) transaction.expire(key, ttlSeconds);
    await run(transaction);
  }

  async writeIfUnchanged(read: ReadEntry[], writes: StateWrite[]): Promise<string[]> {
    if (writes.every(({ values, members }) => values.length === 0 && members.length === 0)) return [];
    const keys = read.map(({ key }) => key);
    const args: string[] = [String(read.length), ...read.map(({ value }) => (value === null ? "" : sha1(value)))];
    args.push(String(writes.length));
    for (const { values, members, ttlSeconds, membersTtlSeconds, fixedExpiry } of writes) {
      args.push(String(values.length), String(members.length), String(ttlSeconds));
      args.push(String(membersTtlSeconds ?? ttlSeconds), fixedExpiry ? "1" : "0");
      for (const { key, value } of [...values, ...members]) {
        keys.push(key);
        args.push(value);
      }
    }
    return (await this.evalScript(SCRIPTS.writeIfUnchanged, keys, args)) as string[];
  }

  /**
   * Runs a script by its digest; the script itself only when Redis does not have it yet (NOSCRIPT),
   * so it is sent once per Redis rather than with every call. The command is written at once, in
   * the order of the calls, but its NOSCRIPT retry comes later: only reads, and writes that nothing
   * sent meanwhile depends on, go through here (not setMany).
   */
  private evalScript({ text, sha }: Script, keys: string[], args: string[]): Promise<unknown> {
    // One array argument, not spread ones: a call's arguments have a limit (the stack) that a large
    // group of batches could reach; ioredis flattens the array.
    const keysAndArgs = keys.concat(args);
    return this.redis.evalsha(sha, keys.length, keysAndArgs).catch((error) => {
      if (!String(error?.message).startsWith("NOSCRIPT")) throw error;
      return this.redis.eval(text, keys.length, keysAndArgs);
    });
  }

  async holdLease(key: string, holder: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.eval(HOLD_LEASE, 1, key, holder, String(ttlMs))) === 1;
  }

  async releaseLease(key: string, holder: string): Promise<void> {
    await this.redis.eval(RELEASE_LEASE, 1, key, holder);
  }

  healthy(): boolean {
    return this.redis.status === "ready" && this.answering;
  }

  async close(): Promise<void> {
    clearInterval(this.probe);
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

function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}
