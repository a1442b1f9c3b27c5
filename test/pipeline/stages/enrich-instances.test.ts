/**
 * The enrich stage needs no owner per root post or author: two instances sharing one state store,
 * each given part of the input, end in the states one instance reaches with all of it, even when
 * one writes a root's and an author's state between the other's read and write (its compare-and-set
 * sees the change, and it applies its batch again to the new states); and the same input delivered
 * again changes no state (idempotence by item id).
 */

import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline } from "../../../pipeline/app.js";
import { authorKeys } from "../../../processors/authors/index.js";
import { untagged } from "../../../processors/tagger.js";
import { viralityKeys } from "../../../processors/virality/index.js";
import { loadConfig } from "../../../runtime/config.js";
import { encodeFor, topicName } from "../../../runtime/context.js";
import { MemoryStateStore } from "../../../runtime/state/memory-state.js";
import type { StateStore } from "../../../runtime/state/state.js";
import { postKey } from "../../../schemas/topics.js";
import type { EngagementEvent, Mention } from "../../../schemas/types.generated.js";
import { postWith } from "../../fixtures/mentions.js";
import { embeddedPipeline } from "../../support/embedded.js";

const T0 = Date.UTC(2026, 10, 20, 3);
const MIN = 60_000;
const person = (id: string, handle: string, followers: number) => ({
  id,
  handle,
  name: null,
  followers,
  verified: false,
  location: null,
});

const post = postWith({ id: "p1", author: person("a", "agus", 1_000), eventTime: T0 });
const reply = postWith({
  id: "r1",
  kind: "reply",
  parentId: "p1",
  rootId: "p1",
  author: person("b", "budi", 50_000),
  eventTime: T0 + MIN,
  mentionedHandles: ["agus"],
});
const share = postWith({
  id: "s1",
  kind: "share",
  parentId: "p1",
  rootId: "p1",
  author: person("c", "cici", 300),
  eventTime: T0 + 2 * MIN,
});
const nested = postWith({
  id: "r2",
  kind: "reply",
  parentId: "r1",
  rootId: "p1",
  author: person("d", "dodi", 20),
  eventTime: T0 + 3 * MIN,
});
const snapshot: EngagementEvent = {
  platform: "x",
  postId: "p1",
  eventTime: T0 + 5 * MIN,
  likes: 40,
  shares: 1,
  replies: 2,
  views: 900,
  clicks: 0,
  source: "test",
};
type Input = Mention | EngagementEvent;
const STATES = [
  ...["x:a", "x:b", "x:c", "x:d", "x:@agus"].map((author) => authorKeys("").state(author)),
  viralityKeys("").post("x:p1"),
];

/**
 * Sends the inputs to the pipeline's enrich stage, keyed by their root post so that they make one
 * batch per topic, and waits until it is done.
 */
async function feed(pipeline: Pipeline, inputs: Input[]): Promise<void> {
  const { context } = pipeline;
  const producer = await context.bus.producer();
  await producer.sendMany([
    {
      topic: topicName(context.config, "mentionsTagged"),
      records: inputs.flatMap((input) =>
        "id" in input
          ? [
              encodeFor(context, "mentionsTagged", postKey(input.platform, input.rootId ?? input.id), {
                mention: input,
                tags: untagged(),
                processedTime: 0,
              }),
            ]
          : [],
      ),
    },
    {
      topic: topicName(context.config, "engagementRaw"),
      records: inputs.flatMap((input) =>
        "postId" in input ? [encodeFor(context, "engagementRaw", postKey(input.platform, input.postId), input)] : [],
      ),
    },
  ]);
  await pipeline.drained();
}

/** The stored states, parsed, with fractions to 9 significant digits (decayed sums added in another order differ in their last bits). */
async function statesIn(store: StateStore): Promise<unknown[]> {
  const stored = await store.getMany(STATES);
  return stored.map((text) =>
    text === null
      ? null
      : JSON.parse(text, (_, value) => (typeof value === "number" ? Number(value.toPrecision(9)) : value)),
  );
}

/** A new in-process store, with one of its methods replaced by `replace(the original)`. */
function storeWith<K extends "getMany" | "writeIfUnchanged">(
  method: K,
  replace: (original: MemoryStateStore[K]) => MemoryStateStore[K],
): StateStore {
  const shared = new MemoryStateStore();
  const replaced = replace(shared[method].bind(shared) as MemoryStateStore[K]);
  return new Proxy(shared, {
    get(target, property) {
      if (property === method) return replaced;
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("enrich stage, two instances on one state store", () => {
  const pipelines: Pipeline[] = [];
  afterAll(async () => {
    for (const pipeline of pipelines) await pipeline.stop();
  });
  /** An instance of the enrich stage on `store`. */
  const instance = async (store: StateStore) => {
    const config = loadConfig({ SIMAK_LOG_LEVEL: "silent" });
    const pipeline = await startPipeline({
      config,
      stages: ["enrich"],
      http: false,
      logger: pino({ level: "silent" }),
      state: store,
    });
    pipelines.push(pipeline);
    return pipeline;
  };

  it("ends in the states of one instance, when the other writes between its read and its write, and a redelivery changes nothing", async () => {
    const alone = await embeddedPipeline(["enrich"], pipelines);
    await feed(alone, [post, reply]);
    await feed(alone, [share, nested, snapshot]);
    const expected = await statesIn(alone.context.state);
    expect(expected.every((state) => state !== null)).toBe(true);

    /** Runs once, at the first compare-and-set: the other instance's whole batch. */
    let meanwhile: (() => Promise<void>) | undefined;
    const changed: string[][] = [];
    const store = storeWith("writeIfUnchanged", (writeIfUnchanged) => async (read, writes) => {
      const other = meanwhile;
      meanwhile = undefined;
      await other?.();
      const result = await writeIfUnchanged(read, writes);
      changed.push(result);
      return result;
    });
    const first = await instance(store);
    const second = await instance(store);
    meanwhile = () => feed(second, [share, nested, snapshot]);
    await feed(first, [post, reply]);

    // The second instance's writes (its mentions, its snapshot), then the first one's: refused (the
    // root, its author and the reply's author, whom the nested reply amplified, changed), then done again.
    expect(changed.map((keys) => keys.sort())).toEqual([
      [],
      [],
      [authorKeys("").state("x:a"), authorKeys("").state("x:b"), viralityKeys("").post("x:p1")],
      [],
    ]);
    expect(await statesIn(store)).toEqual(expected);

    await feed(first, [post, reply, share]);
    changed.length = 0;
    await feed(second, [nested, snapshot, share]);
    // The second instance applies to the states as it last wrote them (WrittenStates), not as read:
    // the first one rewrote three of them since, so its first compare-and-set is refused, and it
    // applies again to what the store holds (its snapshot may come in a group of its own).
    const [refused, ...after] = changed.map((keys) => keys.sort());
    expect(refused).toEqual([authorKeys("").state("x:a"), authorKeys("").state("x:b"), viralityKeys("").post("x:p1")]);
    expect(after).toEqual(after.map(() => []));
    expect(await statesIn(store)).toEqual(expected);
  });

  it("reads a state from the store only until it has written it", async () => {
    const read: string[] = [];
    const pipeline = await instance(
      storeWith("getMany", (getMany) => (keys) => {
        read.push(...keys.filter((key) => STATES.includes(key)));
        return getMany(keys);
      }),
    );
    await feed(pipeline, [post]);
    expect(read.sort()).toEqual([authorKeys("").state("x:a"), viralityKeys("").post("x:p1")]);
    read.length = 0;
    await feed(pipeline, [reply, snapshot]);
    // The root's and its author's states as written: only the reply's author and the handle it names are read.
    expect(read.sort()).toEqual([authorKeys("").state("x:@agus"), authorKeys("").state("x:b")]);
  });
});
