/**
 * The author half of the enrich stage (processors/authors): influence and audience-segment state
 * per author.
 *
 * The router turns tagged mentions and engagement snapshots into AuthorSignals about an author.
 * A signal about the author of another post (a reply's parent, a snapshot's post) is resolved
 * through the post -> author map; when that post has not arrived yet, the signal waits in a set
 * under the post, and the post's own arrival releases it. Each side writes first and reads second
 * (the post: its author, then the waiting set; the signal: its membership, then the author), so on
 * one Redis at least one of them sees the other, whatever the interleaving; a signal released
 * twice is applied once, by its item id. Results therefore do not depend on arrival order.
 *
 * `planAuthors` applies a batch's signals to the author states as read, and returns the new
 * states with the applied item ids, for the stage to write only if no other writer changed those
 * states meanwhile (StateStore.writeIfUnchanged): any instance may apply any author's signals.
 */
import {
  APPLIED_ITEMS_TTL_SECONDS,
  AUTHOR_TTL_SECONDS,
  type AuthorState,
  type AwaitingSignal,
  appliedItemId,
  applyAuthorSignal,
  authorKeys,
  emptyAuthor,
  POST_AUTHOR_TTL_SECONDS,
  routeMention,
  routeSnapshot,
} from "../../processors/authors/index.js";
import { authorKey } from "../../processors/influence/index.js";
import { dayOf } from "../../processors/segments/behaviour.js";
import type { IncomingRecord, OutgoingRecord, RecordBatch } from "../../runtime/bus/bus.js";
import { mapIsolated, type PipelineContext } from "../../runtime/context.js";
import type { ReadEntry, StateEntry, StateWrite } from "../../runtime/state/state.js";
import type { ReadState, WrittenStates } from "../../runtime/state/written-states.js";
import { postKey } from "../../schemas/topics.js";
import type { AuthorSignal, EngagementEvent, TaggedMention } from "../../schemas/types.generated.js";

const STAGE = "enrich";

export type RoutedInput = { tagged: TaggedMention } | { snapshot: EngagementEvent };

/** Values with the record each came from (same index), as mapIsolated takes them. */
export interface FromRecords<T> {
  values: T[];
  records: IncomingRecord[];
}

/**
 * The router: the AuthorSignals of a batch of inputs, each with the record it came from (for a
 * released waiting signal: the record of the post that released it).
 */
export function authorRouter(ctx: PipelineContext) {
  const { state } = ctx;
  const keys = authorKeys(ctx.config.topicPrefix);
  return async ({ values: inputs, records }: FromRecords<RoutedInput>): Promise<FromRecords<AuthorSignal>> => {
    const signals: AuthorSignal[] = [];
    const from: IncomingRecord[] = [];
    const awaiting: AwaitingSignal[] = [];
    const awaitingFrom: IncomingRecord[] = [];
    const authors = new Map<string, string>();
    const postRecords = new Map<string, IncomingRecord>();
    inputs.forEach((input, i) => {
      const record = records[i] as IncomingRecord;
      if ("tagged" in input) {
        const { mention } = input.tagged;
        const post = postKey(mention.platform, mention.id);
        authors.set(post, authorKey(mention.platform, mention.author.id));
        postRecords.set(post, record);
        const routed = routeMention(input.tagged);
        for (const signal of routed.signals) {
          signals.push(signal);
          from.push(record);
        }
        for (const item of routed.awaiting) {
          awaiting.push(item);
          awaitingFrom.push(record);
        }
      } else {
        awaiting.push(routeSnapshot(input.snapshot));
        awaitingFrom.push(record);
      }
    });
    const origin = new Map(awaiting.map((item, i) => [item, awaitingFrom[i] as IncomingRecord]));
    const add = (signal: AuthorSignal, record: IncomingRecord) => {
      signals.push(signal);
      from.push(record);
    };
    const posts = [...authors.keys()];
    const remote = awaiting.filter((item) => !authors.has(item.post));
    // One round trip: the post -> author entries, then (in this order, on one connection) the
    // signals waiting for those posts, and the authors of the posts this batch does not have.
    const [, released, remoteAuthors] = await Promise.all([
      state.setMany(
        posts.map((post) => ({ key: keys.postAuthor(post), value: authors.get(post) as string })),
        POST_AUTHOR_TTL_SECONDS,
      ),
      state.membersOf(posts.map(keys.pending)),
      state.getMany(remote.map(({ post }) => keys.postAuthor(post))),
    ]);
    posts.forEach((post, i) => {
      for (const text of released[i] as string[]) {
        add(
          { ...(JSON.parse(text) as AuthorSignal), authorKey: authors.get(post) as string },
          postRecords.get(post) as IncomingRecord,
        );
      }
    });

    const resolveWith = (waiting: AwaitingSignal[], stored: (string | null)[]) => {
      const unresolved: AwaitingSignal[] = [];
      waiting.forEach((item, i) => {
        const author = stored[i];
        if (author) add({ ...item.signal, authorKey: author }, origin.get(item) as IncomingRecord);
        else unresolved.push(item);
      });
      return unresolved;
    };
    const resolve = async (waiting: AwaitingSignal[]) =>
      resolveWith(waiting, await state.getMany(waiting.map(({ post }) => keys.postAuthor(post))));
    for (const item of awaiting) {
      const author = authors.get(item.post);
      if (author) add({ ...item.signal, authorKey: author }, origin.get(item) as IncomingRecord);
    }
    const unresolved = resolveWith(remote, remoteAuthors);
    if (unresolved.length > 0) {
      await state.writeAtomically(
        [],
        unresolved.map(({ post, signal }) => ({ key: keys.pending(post), value: JSON.stringify(signal) })),
        POST_AUTHOR_TTL_SECONDS,
        { fixedExpiry: true },
      );
      await resolve(unresolved);
    }
    // A reply to one's own post is no amplification.
    const relevant: FromRecords<AuthorSignal> = { values: [], records: [] };
    signals.forEach((signal, i) => {
      if (signal.amplified?.by === signal.authorKey) return;
      relevant.values.push(signal);
      relevant.records.push(from[i] as IncomingRecord);
    });
    return relevant;
  };
}

/** What applying a batch's signals to the stored states gives: to write unless they changed since read. */
export interface StatePlan {
  /** The signals the states could not take, as dead letters. */
  failed: OutgoingRecord[];
  /** The states read, as read: the writes hold only if they still are. */
  read: ReadEntry[];
  writes: StateWrite[];
  /** Once written: keeps the new states in the process's WrittenStates. */
  remember: () => void;
}

/** Signals from one consumed batch (whose records their dead letters name). */
export interface BatchPart<T> {
  batch: RecordBatch;
  signals: FromRecords<T>;
}

/**
 * Applies AuthorSignals to the author states (as `cache` has them, else as the state store has
 * them; writes nothing), the signals of several batches at once.
 */
export function authorPlanner(ctx: PipelineContext, cache: WrittenStates<AuthorState>) {
  const { state } = ctx;
  const keys = authorKeys(ctx.config.topicPrefix);
  return async (parts: BatchPart<AuthorSignal>[]): Promise<StatePlan> => {
    const all = parts.flatMap((part) => part.signals.values);
    const authors = [...new Set(all.map((signal) => signal.authorKey))];
    const memberOf = (signal: AuthorSignal): StateEntry | null => {
      const id = appliedItemId(signal);
      return id === null ? null : { key: keys.items(signal.authorKey, dayOf(signal.at)), value: id };
    };
    const candidates = all.map(memberOf);
    const probes = candidates.filter((entry): entry is StateEntry => entry !== null);
    const [stored, known] = await Promise.all([cache.read(state, authors.map(keys.state)), state.hasMembers(probes)]);
    const storedStates = new Map(authors.map((author, i) => [author, stored[i] as ReadState<AuthorState>]));
    const states = new Map<string, AuthorState>();
    // Parsed at the author's first signal, inside its isolation: a corrupt state fails its signals only.
    const stateOf = (author: string): AuthorState => {
      const known = states.get(author);
      if (known) return known;
      const { text, state } = storedStates.get(author) as ReadState<AuthorState>;
      return state ?? (text ? (JSON.parse(text) as AuthorState) : emptyAuthor(author));
    };
    const applied = new Set(probes.filter((_, i) => known[i]).map((entry) => `${entry.key}\n${entry.value}`));
    const newMembers: StateEntry[] = [];
    const members = new Map(all.map((signal, i) => [signal, candidates[i]]));
    // One signal at a time: one the state cannot take is a dead letter, and the batch goes on.
    const failed = parts.flatMap(({ batch, signals }) => mapIsolated(ctx, STAGE, batch, signals, apply).failed);
    function apply(signal: AuthorSignal): void {
      const member = members.get(signal);
      const id = member ? `${member.key}\n${member.value}` : null;
      const isNew = id === null || !applied.has(id);
      states.set(signal.authorKey, applyAuthorSignal(stateOf(signal.authorKey), signal, isNew));
      if (member && isNew) {
        applied.add(id as string);
        newMembers.push(member);
      }
    }
    const written = [...states].map(([author, state]) => ({
      key: keys.state(author),
      value: JSON.stringify(state),
      read: storedStates.get(author)?.text ?? null,
      state,
    }));
    return {
      failed,
      read: written.map(({ key, read }) => ({ key, value: read })),
      writes: [
        {
          values: written,
          members: newMembers,
          ttlSeconds: AUTHOR_TTL_SECONDS,
          membersTtlSeconds: APPLIED_ITEMS_TTL_SECONDS,
        },
      ],
      remember: () => {
        for (const { key, value, state } of written) cache.remember(key, value, state);
      },
    };
  };
}
