/**
 * The enrich stage: post virality (processors/virality) from engagement snapshots and cascades,
 * and author influence and behaviour (processors/authors, in enrich-authors.ts).
 *
 * One consumer of the tagged mentions and the engagement snapshots, any instance any partition:
 * a batch's signals are applied to the post states (by root post) and author states they concern
 * as read from the state store, and the new states are written with the ids of the items they
 * count (cascade members, applied author items) in one compare-and-set (writeIfUnchanged): only if
 * no other writer changed those states since they were read; otherwise the batch's signals are
 * applied again to the states as they are now. A state this process wrote is then taken as it
 * wrote it, not read again (WrittenStates): if another writer changed it since, the same
 * compare-and-set refuses, and it is read afresh. A redelivered item is recognised by its id and
 * never counted twice, whatever moment a crash interrupts, so no instance needs to own a root or
 * an author, and nothing is re-keyed through Kafka. Within one process, batches apply one at a
 * time, so only instances in different processes ever retry. The stage emits a ViralityUpdate per
 * root touched (and one at every moment a post turns viral or stops being so), before its write.
 */

import type { AuthorState } from "../../processors/authors/index.js";
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
  viralityReason,
} from "../../processors/virality/index.js";
import type { IncomingRecord, RecordBatch } from "../../runtime/bus/bus.js";
import {
  decodeBatch,
  encodeFor,
  instrumented,
  mapIsolated,
  type PipelineContext,
  type StageHandle,
  topicName,
} from "../../runtime/context.js";
import type { StateEntry } from "../../runtime/state/state.js";
import { type ReadState, WrittenStates } from "../../runtime/state/written-states.js";
import { contracts } from "../../schemas/contracts.js";
import { postKey } from "../../schemas/topics.js";
import type {
  AuthorSignal,
  EngagementEvent,
  PostSignal,
  TaggedMention,
  ViralityUpdate,
} from "../../schemas/types.generated.js";
import {
  authorPlanner,
  authorRouter,
  type BatchPart,
  type FromRecords,
  type RoutedInput,
  type StatePlan,
} from "./enrich-authors.js";

const STAGE = "enrich";
/** Compare-and-set attempts per batch before it fails (and is redelivered): other writers keep changing its states. */
const MAX_ATTEMPTS = 20;
/**
 * Text of the post states, and of the author states, this process keeps as it last wrote them (see
 * WrittenStates), each: 8 Mi characters hold some 15 000 states of a few hundred bytes, parsed
 * ones taking about twice that again.
 */
const WRITTEN_STATES_CHARS = 8 * 2 ** 20;

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
    reason: viralityReason(state, assessment),
  };
}

/** A consumed batch's signals for the post states and for the author states. */
interface BatchParts {
  batch: RecordBatch;
  posts: FromRecords<PostSignal>;
  authors: FromRecords<AuthorSignal>;
}

/**
 * Applies PostSignals to the post states (as `cache` has them, else as the state store has them;
 * writes nothing), the signals of several batches at once.
 */
function postPlanner(ctx: PipelineContext, cache: WrittenStates<PostVirality>) {
  const { state, config } = ctx;
  const { post: stateKey, members: membersKey, depth: depthKey } = viralityKeys(config.topicPrefix);
  return async (parts: BatchPart<PostSignal>[]): Promise<StatePlan & { updates: ViralityUpdate[] }> => {
    const signals = parts.flatMap((part) => part.signals.values);
    const roots = [...new Set(signals.map((signal) => postKey(signal.platform, signal.rootId)))];
    const cascade = signals.filter((signal) => signal.cascade !== null);
    const cascadeOf = (signal: PostSignal) => signal.cascade as NonNullable<PostSignal["cascade"]>;
    const [stored, known, parentDepths] = await Promise.all([
      cache.read(state, roots.map(stateKey)),
      state.hasMembers(
        cascade.map((signal) => ({
          key: membersKey(postKey(signal.platform, signal.rootId)),
          value: cascadeOf(signal).itemId,
        })),
      ),
      state.getMany(cascade.map((signal) => depthKey(signal.platform, cascadeOf(signal).parentId))),
    ]);
    const storedStates = new Map(roots.map((key, i) => [key, stored[i] as ReadState<PostVirality>]));
    const states = new Map<string, PostVirality>();
    // Parsed at the root's first signal, inside its isolation: a corrupt state fails its signals only.
    const stateOf = (key: string, signal: PostSignal): PostVirality => {
      const known = states.get(key);
      if (known) return known;
      const { text, state } = storedStates.get(key) as ReadState<PostVirality>;
      return state ?? (text ? (JSON.parse(text) as PostVirality) : emptyPostState(signal.platform, signal.rootId));
    };
    const alreadyCounted = new Set(cascade.filter((_, i) => known[i]).map((signal) => cascadeOf(signal).itemId));
    const depths = new Map<string, number>();
    cascade.forEach((signal, i) => {
      const depth = parentDepths[i];
      if (depth) depths.set(postKey(signal.platform, cascadeOf(signal).parentId), Number(depth));
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
    // In the order of their time across the group's batches (a partition's snapshot may be
    // later than another's replies): a post turns viral at the first moment its signals say so.
    const inTimeOrder = parts
      .flatMap(({ batch, signals }) =>
        signals.values.map((signal, i) => ({ batch, signal, record: signals.records[i] as IncomingRecord })),
      )
      .sort((a, b) => a.signal.at - b.signal.at);
    const failed = inTimeOrder.flatMap(
      ({ batch, signal, record }) =>
        mapIsolated(ctx, STAGE, batch, { values: [signal], records: [record] }, apply).failed,
    );
    function apply(signal: PostSignal): void {
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
    }
    for (const [key, at] of lastAt) {
      const post = states.get(key) as PostVirality;
      if (emittedAt.get(key) !== at) updates.push(updateOf(post, at, assessVirality(post, at)));
    }
    const written = [...lastAt.keys()].map((key) => ({
      key: stateKey(key),
      value: JSON.stringify(states.get(key)),
      read: storedStates.get(key)?.text ?? null,
      state: states.get(key) as PostVirality,
    }));
    return {
      updates,
      failed,
      read: written.map(({ key, read }) => ({ key, value: read })),
      writes: [{ values: [...written, ...newDepths], members: newMembers, ttlSeconds: VIRALITY_TTL_SECONDS }],
      remember: () => {
        for (const { key, value, state } of written) cache.remember(key, value, state);
      },
    };
  };
}

export async function startEnrichStage(ctx: PipelineContext): Promise<StageHandle> {
  const { codec, config, state } = ctx;
  const taggedTopic = topicName(config, "mentionsTagged");
  const engagementTopic = topicName(config, "engagementRaw");
  const viralityTopic = topicName(config, "virality");
  const deadLetters = topicName(config, "deadLetter");
  const producer = await ctx.bus.producer();
  const routeAuthors = authorRouter(ctx);
  const postStates = new WrittenStates<PostVirality>(WRITTEN_STATES_CHARS);
  const authorStates = new WrittenStates<AuthorState>(WRITTEN_STATES_CHARS);
  const planPosts = postPlanner(ctx, postStates);
  const planAuthors = authorPlanner(ctx, authorStates);
  /**
   * Batches apply in turn within this process (so only other processes ever change their states
   * meanwhile), and those that arrive while one applies wait and then apply together: one read,
   * one produce and one write for all of them, so the round trips are paid per group, not per batch.
   */
  let waiting: (BatchParts & { done: (error?: unknown) => void })[] = [];
  let applying = false;
  const applyInTurn = (parts: BatchParts) =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ ...parts, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!applying) void applyWaiting();
    });
  const applyWaiting = async () => {
    applying = true;
    while (waiting.length > 0) {
      const group = waiting;
      waiting = [];
      try {
        await apply(group);
        for (const { done } of group) done();
      } catch (error) {
        for (const { done } of group) done(error ?? new Error("enrich: applying failed"));
      }
    }
    applying = false;
  };
  const apply = async (group: BatchParts[]) => {
    for (let attempt = 1; ; attempt++) {
      const [posts, authors] = await Promise.all([
        planPosts(group.map(({ batch, posts }) => ({ batch, signals: posts }))),
        planAuthors(group.map(({ batch, authors }) => ({ batch, signals: authors }))),
      ]);
      await producer.sendMany([
        {
          topic: viralityTopic,
          records: posts.updates.map((update) =>
            encodeFor(ctx, "virality", postKey(update.platform, update.postId), update),
          ),
        },
        { topic: deadLetters, records: [...posts.failed, ...authors.failed] },
      ]);
      ctx.metrics.eventsOut.inc({ stage: STAGE, target: viralityTopic }, posts.updates.length);
      const changed = await state.writeIfUnchanged(
        [...posts.read, ...authors.read],
        [...posts.writes, ...authors.writes],
      );
      if (changed.length === 0) {
        posts.remember();
        authors.remember();
        return;
      }
      // Another instance wrote some of these states since they were read: apply to its result.
      postStates.forget(changed);
      authorStates.forget(changed);
      ctx.logger.debug({ stage: STAGE, attempt, changed: changed.length }, "states changed meanwhile, applying again");
      if (attempt >= MAX_ATTEMPTS) {
        throw new Error(`${changed.length} states kept changing during ${MAX_ATTEMPTS} attempts, e.g. ${changed[0]}`);
      }
    }
  };

  const handle = async (batch: RecordBatch) => {
    const decoded = await decodeBatch(ctx, STAGE, batch, (record): RoutedInput => {
      if (batch.topic === taggedTopic) {
        return { tagged: codec.decode<TaggedMention>(record.value, contracts.TaggedMention) };
      }
      const snapshot = codec.decode<EngagementEvent>(record.value, contracts.EngagementEvent);
      throwIfRejected(engagementProblem(snapshot, Date.now()));
      return { snapshot };
    });
    const posts = mapIsolated(ctx, STAGE, batch, decoded, signalOf);
    const authors = await routeAuthors(decoded);
    await producer.send(deadLetters, [...decoded.failed, ...posts.failed]);
    await applyInTurn({ batch, posts, authors });
  };

  const consumer = await ctx.bus.consume({
    // The group of the former router, which read these topics: its committed offsets carry over.
    groupId: `${config.topicPrefix}simak-enrich-router`,
    topics: [taggedTopic, engagementTopic],
    onBatch: instrumented(ctx, STAGE, handle),
  });
  ctx.logger.info({ stage: STAGE, consumes: [taggedTopic, engagementTopic], produces: viralityTopic }, "stage started");
  return {
    name: STAGE,
    healthy: () => consumer.healthy() && state.healthy(),
    stop: async () => {
      await consumer.stop();
      await producer.close();
    },
  };
}
