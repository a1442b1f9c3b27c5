/**
 * Where author state lives in the state store. The enrich stage writes it; the process stage's
 * authors tagger and the sink's PageRank job read and write their parts. `prefix` isolates
 * deployments sharing one store (the topic prefix).
 */
const DAY_SECONDS = 86_400;
/** An author's state: the segments' inactivity horizon (docs/segments.md). */
export const AUTHOR_TTL_SECONDS = 90 * DAY_SECONDS;
/**
 * The ids of the items applied to an author: as long as an item can be delivered again (the enrich
 * topics keep 2 days; the in-process bus redelivers within seconds), not as long as the author.
 */
export const APPLIED_ITEMS_TTL_SECONDS = 2 * DAY_SECONDS;
/**
 * A post's author, and the signals waiting for a post not seen yet: the replies, shares and
 * snapshots of a post come in its first hours (docs/virality.md), so a day covers them; one later
 * still counts for its own author, not as amplification of the post's. A waiting set expires a day
 * after its first signal, however many follow (a post that never arrives is not waited for forever).
 */
export const POST_AUTHOR_TTL_SECONDS = DAY_SECONDS;

export function authorKeys(prefix: string) {
  const ns = `${prefix}simak:authors:`;
  return {
    /** The author's AuthorState JSON; `authorKey` is `platform:authorId` or `platform:@handle`. */
    state: (authorKey: string) => `${ns}state:${authorKey}`,
    /** Ids of the items already applied to the author's state, one set per day of their event time. */
    items: (authorKey: string, day: number) => `${ns}items:${authorKey}:${day}`,
    /** The author key of a post (`postKey`): who a reply, share or snapshot of it is about. */
    postAuthor: (postKey: string) => `${ns}post-author:${postKey}`,
    /** Signals waiting for the author of a post not seen yet, as JSON AuthorSignal templates. */
    pending: (postKey: string) => `${ns}pending:${postKey}`,
    /** The author's normalised PageRank from the latest run. */
    rank: (authorKey: string) => `${ns}rank:${authorKey}`,
    /** Set once a PageRank run has completed: an author without a rank then has 0, not null. */
    ranked: () => `${ns}ranked`,
    /** The lease of the sink instance that runs PageRank (one at a time). */
    rankLeader: () => `${ns}rank-leader`,
  };
}
