/**
 * Where author state lives in the state store. The enrich stage writes it; the process stage's
 * authors tagger and the sink's PageRank job read and write their parts. `prefix` isolates
 * deployments sharing one store (the topic prefix).
 */
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
