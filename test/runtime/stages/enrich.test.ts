/**
 * The enrich stage on the in-process bus and state: a signal the virality state cannot take (a
 * "root" post that names another root, straight onto the tagged topic), or an author whose stored
 * state is corrupt, is a dead letter with a code, and the other signals of its batch are applied.
 */
import { afterAll, describe, expect, it } from "vitest";
import { authorKeys } from "../../../processors/authors/index.js";
import { untagged } from "../../../processors/tagger.js";
import { viralityKeys } from "../../../processors/virality/index.js";
import type { Pipeline } from "../../../runtime/app.js";
import { encodeFor, topicName } from "../../../runtime/context.js";
import { contracts } from "../../../schemas/contracts.js";
import type { DeadLetter, Mention } from "../../../schemas/types.generated.js";
import { postWith } from "../../fixtures/mentions.js";
import { embeddedPipeline } from "../../support/embedded.js";

const T0 = Date.UTC(2026, 10, 20, 3);
const author = { id: "a", handle: "agus", name: null, followers: 1_000, verified: false, location: null };

describe("enrich stage, one record at a time", () => {
  const pipelines: Pipeline[] = [];
  afterAll(async () => {
    for (const pipeline of pipelines) await pipeline.stop();
  });

  /** The enrich stage alone, and the dead letters it produces. */
  const start = async () => {
    const pipeline = await embeddedPipeline(["enrich"], pipelines);
    const { context } = pipeline;
    const { config } = context;
    const letters: DeadLetter[] = [];
    await context.bus.consume({
      groupId: "test-dead-letters",
      topics: [topicName(config, "deadLetter")],
      onBatch: async (batch) => {
        await context.codec.prepare(batch.records.map((record) => record.value));
        for (const record of batch.records) {
          letters.push(context.codec.decode<DeadLetter>(record.value, contracts.DeadLetter));
        }
      },
    });
    const producer = await context.bus.producer();
    const send = async (mentions: Mention[]) => {
      await producer.send(
        topicName(config, "mentionsTagged"),
        mentions.map((mention) =>
          encodeFor(context, "mentionsTagged", "x:p1", { mention, tags: untagged(), processedTime: 0 }),
        ),
      );
      await pipeline.drained();
    };
    return { config, context, letters, send };
  };

  it("dead-letters a signal that throws and applies the rest of its batch", async () => {
    const { config, context, letters, send } = await start();
    const post = postWith({ id: "p1", author, eventTime: T0 });
    // The same post id, claiming another root while having no parent: applyRoot refuses it.
    const inconsistent = postWith({ id: "p1", author, eventTime: T0, rootId: "other" });
    const reply = postWith({ id: "r1", kind: "reply", parentId: "p1", rootId: "p1", author, eventTime: T0 + 60_000 });
    await send([post, inconsistent, reply]);

    expect(letters.map((letter) => [letter.stage, letter.errorCode])).toEqual([["enrich", "RECORD_FAILED"]]);
    expect(letters[0]?.reason).toBe("mention x:p1 is not a root post (rootId other)");
    const keys = viralityKeys(config.topicPrefix);
    const [stored] = await context.state.getMany([keys.post("x:p1")]);
    expect(JSON.parse(stored as string)).toMatchObject({ postId: "p1", authorFollowers: 1_000, postTime: T0 });
    expect(await context.state.hasMembers([{ key: keys.members("x:p1"), value: "r1" }])).toEqual([true]);
  });

  it("dead-letters the signals of an author whose stored state is corrupt, and applies the others", async () => {
    const { config, context, letters, send } = await start();
    const keys = authorKeys(config.topicPrefix);
    await context.state.setMany([{ key: keys.state("x:a"), value: "{corrupt" }], 60);
    const other = { ...author, id: "b", handle: "bayu" };
    await send([postWith({ id: "p1", author, eventTime: T0 }), postWith({ id: "p2", author: other, eventTime: T0 })]);

    expect(letters.map((letter) => [letter.stage, letter.errorCode])).toEqual([["enrich", "RECORD_FAILED"]]);
    const [corrupt, applied] = await context.state.getMany([keys.state("x:a"), keys.state("x:b")]);
    expect(corrupt).toBe("{corrupt");
    expect(JSON.parse(applied as string)).toMatchObject({ influence: { followers: 1_000, authored: 1 } });
  });
});
