/**
 * The author half of the enrich stage (processors/authors): influence and audience-segment state
 * per author.
 *
 * The router turns tagged mentions and engagement snapshots into AuthorSignals keyed by the author
 * they are about. A signal about the author of another post (a reply's parent, a snapshot's post)
 * is resolved through the post -> author map; when that post has not arrived yet, the signal waits
 * in a set under the post, and the post's own arrival releases it. Each side writes first and reads
 * second (the post: its author, then the waiting set; the signal: its membership, then the author),
 * so on one Redis at least one of them sees the other, whatever the interleaving; a signal released
 * twice is applied once, by its item id. Results therefore do not depend on arrival order.
 *
 * The owner applies a batch's signals to the author states and writes the new states together
 * with the applied item ids, atomically (as the post owner does for virality).
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
import { contracts } from "../../schemas/contracts.js";
import { postKey } from "../../schemas/topics.js";
import type { AuthorSignal, EngagementEvent, TaggedMention } from "../../schemas/types.generated.js";
import type { OutgoingRecord, RecordBatch } from "../bus/bus.js";
import { decodeBatch, encodeFor, mapIsolated, type PipelineContext, topicName } from "../context.js";
import type { StateEntry } from "../state/state.js";

const STAGE = "enrich";

export type RoutedInput = { tagged: TaggedMention } | { snapshot: EngagementEvent };

/** The router: AuthorSignals (as records for simak.enrich.authors) for a batch of inputs. */
export function authorRouter(ctx: PipelineContext) {
  const { state } = ctx;
  const keys = authorKeys(ctx.config.topicPrefix);
  return async (inputs: RoutedInput[]): Promise<OutgoingRecord[]> => {
    const signals: AuthorSignal[] = [];
    const awaiting: AwaitingSignal[] = [];
    const authors = new Map<string, string>();
    for (const input of inputs) {
      if ("tagged" in input) {
        const { mention } = input.tagged;
        authors.set(postKey(mention.platform, mention.id), authorKey(mention.platform, mention.author.id));
        const routed = routeMention(input.tagged);
        signals.push(...routed.signals);
        awaiting.push(...routed.awaiting);
      } else awaiting.push(routeSnapshot(input.snapshot));
    }
    const posts = [...authors.keys()];
    await state.setMany(
      posts.map((post) => ({ key: keys.postAuthor(post), value: authors.get(post) as string })),
      POST_AUTHOR_TTL_SECONDS,
    );
    const released = await state.membersOf(posts.map(keys.pending));
    posts.forEach((post, i) => {
      for (const text of released[i] as string[]) {
        signals.push({ ...(JSON.parse(text) as AuthorSignal), authorKey: authors.get(post) as string });
      }
    });

    const resolve = async (waiting: AwaitingSignal[]) => {
      const stored = await state.getMany(waiting.map(({ post }) => keys.postAuthor(post)));
      const unresolved: AwaitingSignal[] = [];
      waiting.forEach((item, i) => {
        const author = stored[i];
        if (author) signals.push({ ...item.signal, authorKey: author });
        else unresolved.push(item);
      });
      return unresolved;
    };
    const remote = awaiting.filter((item) => {
      const author = authors.get(item.post);
      if (author) signals.push({ ...item.signal, authorKey: author });
      return !author;
    });
    const unresolved = await resolve(remote);
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
    const relevant = signals.filter((signal) => signal.amplified?.by !== signal.authorKey);
    return relevant.map((signal) => encodeFor(ctx, "enrichAuthors", signal.authorKey, signal));
  };
}

/** The owner: applies a batch of AuthorSignals to the author states in the state store. */
export function authorOwner(ctx: PipelineContext) {
  const { state, codec } = ctx;
  const keys = authorKeys(ctx.config.topicPrefix);
  const deadLetters = topicName(ctx.config, "deadLetter");
  return async (batch: RecordBatch, producer: { send(topic: string, records: OutgoingRecord[]): Promise<void> }) => {
    const decoded = await decodeBatch(ctx, STAGE, batch, (record) =>
      codec.decode<AuthorSignal>(record.value, contracts.AuthorSignal),
    );
    const signals = decoded.values;
    const authors = [...new Set(signals.map((signal) => signal.authorKey))];
    const stored = await state.getMany(authors.map(keys.state));
    const storedStates = new Map(authors.map((author, i) => [author, stored[i]]));
    const states = new Map<string, AuthorState>();
    // Parsed at the author's first signal, inside its isolation: a corrupt state fails its signals only.
    const stateOf = (author: string): AuthorState => {
      const known = states.get(author);
      if (known) return known;
      const text = storedStates.get(author);
      return text ? (JSON.parse(text) as AuthorState) : emptyAuthor(author);
    };
    const memberOf = (signal: AuthorSignal): StateEntry | null => {
      const id = appliedItemId(signal);
      return id === null ? null : { key: keys.items(signal.authorKey, dayOf(signal.at)), value: id };
    };
    const candidates = signals.map(memberOf);
    const probes = candidates.filter((entry): entry is StateEntry => entry !== null);
    const known = await state.hasMembers(probes);
    const applied = new Set(probes.filter((_, i) => known[i]).map((entry) => `${entry.key}\n${entry.value}`));
    const newMembers: StateEntry[] = [];
    const members = new Map(signals.map((signal, i) => [signal, candidates[i]]));
    // One signal at a time: one the state cannot take is a dead letter, and the batch goes on.
    const { failed } = mapIsolated(ctx, STAGE, batch, decoded, (signal) => {
      const member = members.get(signal);
      const id = member ? `${member.key}\n${member.value}` : null;
      const isNew = id === null || !applied.has(id);
      states.set(signal.authorKey, applyAuthorSignal(stateOf(signal.authorKey), signal, isNew));
      if (member && isNew) {
        applied.add(id as string);
        newMembers.push(member);
      }
    });
    await producer.send(deadLetters, [...decoded.failed, ...failed]);
    await state.writeAtomically(
      [...states].map(([author, updated]) => ({ key: keys.state(author), value: JSON.stringify(updated) })),
      newMembers,
      AUTHOR_TTL_SECONDS,
      { membersTtlSeconds: APPLIED_ITEMS_TTL_SECONDS },
    );
  };
}
