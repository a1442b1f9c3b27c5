/**
 * The enrich stage: post virality (processors/virality) from engagement snapshots and cascades,
 * and author influence and behaviour (processors/authors, in enrich-authors.ts).
 *
 * Two consumers. The router re-keys what happens to a post (the post itself, its engagement
 * snapshots, the shares/replies/comments below it) by the root post onto simak.enrich.posts, so
 * that one instance owns each root's state and its read-modify-write on the state store is safe.
 * The owner applies a batch's signals to the states, emits a ViralityUpdate per root touched (and
 * one at every moment a post turns viral or stops being so), and writes the new states together
 * with the ids of the cascade members they count, atomically: a redelivered member is recognised
 * and never counted twice.
 */

import { engagementProblem, throwIfRejected } from "../../processors/normalise/index.js";
import {
  applyCascade,
  applyRoot,
  applySnapshot,
  assessVirality,
  emptyPostState,
  type PostVirality,
  VIRALITY_TTL_SECONDS,
  type ViralityAssessment,
  viralityKeys,
} from "../../processors/virality/index.js";
import { contracts } from "../../schemas/contracts.js";
import { postKey } from "../../schemas/topics.js";
import type { EngagementEvent, PostSignal, TaggedMention, ViralityUpdate } from "../../schemas/types.generated.js";
import type { RecordBatch } from "../bus/bus.js";
import {
  decodeBatch,
  encodeFor,
  instrumented,
  mapIsolated,
  type PipelineContext,
  type StageHandle,
  topicName,
} from "../context.js";
import type { StateEntry } from "../state/state.js";
import { authorOwner, authorRouter, type RoutedInput } from "./enrich-authors.js";

const STAGE = "enrich";

function signalOf(input: RoutedInput): PostSignal {
  if ("tagged" in input) {
    const { mention } = input.tagged;
    if (mention.parentId === null) {
      return {
        platform: mention.platform,
        rootId: mention.id,
        kind: "root",
        at: mention.eventTime,
        root: mention,
        snapshot: null,
        cascade: null,
      };
    }
    return {
      platform: mention.platform,
      rootId: mention.rootId ?? mention.parentId,
      kind: "cascade",
      at: mention.eventTime,
      root: null,
      snapshot: null,
      cascade: { itemId: mention.id, parentId: mention.parentId, authorFollowers: mention.author.followers },
    };
  }
  const { snapshot } = input;
  return {
    platform: snapshot.platform,
    rootId: snapshot.postId,
    kind: "snapshot",
    at: snapshot.eventTime,
    root: null,
    snapshot,
    cascade: null,
  };
}

function updateOf(state: PostVirality, assessedAt: number, assessment: ViralityAssessment): ViralityUpdate {
  return {
    platform: state.platform,
    postId: state.postId,
    assessedAt,
    score: assessment.score,
    velocity: assessment.velocity,
    acceleration: assessment.acceleration,
    expectedVelocity: assessment.expectedVelocity,
    cascadeSize: assessment.cascadeSize,
    cascadeDepth: assessment.cascadeDepth,
    cascadeVelocity: assessment.cascadeVelocity,
    cascadeReach: assessment.cascadeReach,
    viral: assessment.viral,
    reason: assessment.reason,
  };
}

export async function startEnrichStage(ctx: PipelineContext): Promise<StageHandle> {
  const { codec, config, state } = ctx;
  const taggedTopic = topicName(config, "mentionsTagged");
  const engagementTopic = topicName(config, "engagementRaw");
  const signalsTopic = topicName(config, "enrichPosts");
  const authorsTopic = topicName(config, "enrichAuthors");
  const viralityTopic = topicName(config, "virality");
  const deadLetters = topicName(config, "deadLetter");
  const { post: stateKey, members: membersKey, depth: depthKey } = viralityKeys(config.topicPrefix);
  const producer = await ctx.bus.producer();
  const routeAuthors = authorRouter(ctx);
  const ownAuthors = authorOwner(ctx);

  const route = async (batch: RecordBatch) => {
    const decoded = await decodeBatch(ctx, STAGE, batch, (record): RoutedInput => {
      if (batch.topic === taggedTopic) {
        return { tagged: codec.decode<TaggedMention>(record.value, contracts.TaggedMention) };
      }
      const snapshot = codec.decode<EngagementEvent>(record.value, contracts.EngagementEvent);
      throwIfRejected(engagementProblem(snapshot, Date.now()));
      return { snapshot };
    });
    const { values: signals, failed } = mapIsolated(ctx, STAGE, batch, decoded, (input) => {
      const signal = signalOf(input);
      return encodeFor(ctx, "enrichPosts", postKey(signal.platform, signal.rootId), signal);
    });
    const authorSignals = await routeAuthors(decoded.values);
    await producer.sendMany([
      { topic: signalsTopic, records: signals },
      { topic: authorsTopic, records: authorSignals },
      { topic: deadLetters, records: [...decoded.failed, ...failed] },
    ]);
    ctx.metrics.eventsOut.inc({ stage: STAGE, target: signalsTopic }, signals.length);
    ctx.metrics.eventsOut.inc({ stage: STAGE, target: authorsTopic }, authorSignals.length);
  };

  const own = async (batch: RecordBatch) => {
    const decoded = await decodeBatch(ctx, STAGE, batch, (record) =>
      codec.decode<PostSignal>(record.value, contracts.PostSignal),
    );
    const signals = decoded.values;
    const roots = [...new Set(signals.map((signal) => postKey(signal.platform, signal.rootId)))];
    const stored = await state.getMany(roots.map(stateKey));
    const storedStates = new Map(roots.map((key, i) => [key, stored[i]]));
    const states = new Map<string, PostVirality>();
    // Parsed at the root's first signal, inside its isolation: a corrupt state fails its signals only.
    const stateOf = (key: string, signal: PostSignal): PostVirality => {
      const known = states.get(key);
      if (known) return known;
      const text = storedStates.get(key);
      return text ? (JSON.parse(text) as PostVirality) : emptyPostState(signal.platform, signal.rootId);
    };

    const cascade = signals.filter((signal) => signal.cascade !== null);
    const known = await state.hasMembers(
      cascade.map((signal) => ({
        key: membersKey(postKey(signal.platform, signal.rootId)),
        value: (signal.cascade as NonNullable<PostSignal["cascade"]>).itemId,
      })),
    );
    const alreadyCounted = new Set(cascade.filter((_, i) => known[i]).map((signal) => signal.cascade?.itemId));
    const parentDepths = await state.getMany(
      cascade.map((signal) =>
        depthKey(signal.platform, (signal.cascade as NonNullable<PostSignal["cascade"]>).parentId),
      ),
    );
    const depths = new Map<string, number>();
    cascade.forEach((signal, i) => {
      const depth = parentDepths[i];
      if (depth)
        depths.set(
          postKey(signal.platform, (signal.cascade as NonNullable<PostSignal["cascade"]>).parentId),
          Number(depth),
        );
    });

    const updates: ViralityUpdate[] = [];
    const newMembers: StateEntry[] = [];
    const newDepths: StateEntry[] = [];
    const lastAt = new Map<string, number>();
    const viralNow = new Map<string, boolean>();
    /** Per root, the time of the last update already emitted in this batch. */
    const emittedAt = new Map<string, number>();
    // One signal at a time: a signal the state cannot take (a "root" that is a reply) is a dead
    // letter, and the batch goes on.
    const { failed } = mapIsolated(ctx, STAGE, batch, decoded, (signal) => {
      const key = postKey(signal.platform, signal.rootId);
      let post = stateOf(key, signal);
      if (!viralNow.has(key)) viralNow.set(key, assessVirality(post, signal.at).viral);
      if (signal.root) post = applyRoot(post, signal.root);
      if (signal.snapshot) post = applySnapshot(post, signal.snapshot);
      if (signal.cascade) {
        const { itemId, parentId, authorFollowers } = signal.cascade;
        // A parent not seen yet is below the root (it has a parent of its own): depth at least 2.
        const depth = parentId === signal.rootId ? 1 : (depths.get(postKey(signal.platform, parentId)) ?? 1) + 1;
        const isNew = !alreadyCounted.has(itemId);
        post = applyCascade(post, { itemId, depth, at: signal.at, authorFollowers, isNew });
        if (isNew) {
          alreadyCounted.add(itemId);
          depths.set(postKey(signal.platform, itemId), depth);
          newMembers.push({ key: membersKey(key), value: itemId });
          newDepths.push({ key: depthKey(signal.platform, itemId), value: String(depth) });
        }
      }
      states.set(key, post);
      lastAt.set(key, Math.max(lastAt.get(key) ?? signal.at, signal.at));
      // Turning viral (or back) is reported at the moment it happens, not only at the batch's end.
      const assessment = assessVirality(post, signal.at);
      if (assessment.viral !== viralNow.get(key)) {
        viralNow.set(key, assessment.viral);
        updates.push(updateOf(post, signal.at, assessment));
        emittedAt.set(key, signal.at);
      }
    });
    for (const [key, at] of lastAt) {
      const post = states.get(key) as PostVirality;
      if (emittedAt.get(key) !== at) updates.push(updateOf(post, at, assessVirality(post, at)));
    }

    await producer.sendMany([
      {
        topic: viralityTopic,
        records: updates.map((update) => encodeFor(ctx, "virality", postKey(update.platform, update.postId), update)),
      },
      { topic: deadLetters, records: [...decoded.failed, ...failed] },
    ]);
    await state.writeAtomically(
      [
        ...[...lastAt.keys()].map((key) => ({ key: stateKey(key), value: JSON.stringify(states.get(key)) })),
        ...newDepths,
      ],
      newMembers,
      VIRALITY_TTL_SECONDS,
    );
    ctx.metrics.eventsOut.inc({ stage: STAGE, target: viralityTopic }, updates.length);
  };

  const router = await ctx.bus.consume({
    groupId: `${config.topicPrefix}simak-enrich-router`,
    topics: [taggedTopic, engagementTopic],
    onBatch: instrumented(ctx, STAGE, route),
  });
  const owner = await ctx.bus.consume({
    groupId: `${config.topicPrefix}simak-enrich-posts`,
    topics: [signalsTopic],
    onBatch: instrumented(ctx, STAGE, own),
  });
  const authorOwnerConsumer = await ctx.bus.consume({
    groupId: `${config.topicPrefix}simak-enrich-authors`,
    topics: [authorsTopic],
    onBatch: instrumented(ctx, STAGE, (batch) => ownAuthors(batch, producer)),
  });
  ctx.logger.info({ stage: STAGE, consumes: [taggedTopic, engagementTopic], produces: viralityTopic }, "stage started");
  return {
    name: STAGE,
    healthy: () => router.healthy() && owner.healthy() && authorOwnerConsumer.healthy() && state.healthy(),
    stop: async () => {
      await router.stop();
      await owner.stop();
      await authorOwnerConsumer.stop();
      await producer.close();
    },
  };
}
