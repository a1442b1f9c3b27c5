/**
 * Tags each mention with its author's influence and audience segment, from the author's state as
 * the enrich stage last stored it (before this mention) and the latest PageRank run. Read-only:
 * one MGET per batch. An author not seen yet still gets an influence from the mention's own
 * follower count, and the segment "unknown".
 */
import type { StateStore } from "../../runtime/state/state.js";
import { applyAuthored, authorKey, handleKey, influenceOf, mergeAmplification } from "../influence/index.js";
import { segmentOf } from "../segments/index.js";
import type { Tagger } from "../tagger.js";
import { authorKeys } from "./keys.js";
import { type AuthorState, emptyAuthor } from "./state.js";

export function authorsTagger(state: StateStore, prefix: string): Tagger {
  const keys = authorKeys(prefix);
  return {
    name: "authors",
    async tag(batch) {
      const lookups = batch.flatMap(({ mention }) => {
        const id = authorKey(mention.platform, mention.author.id);
        return [keys.state(id), keys.state(handleKey(mention.platform, mention.author.handle)), keys.rank(id)];
      });
      const stored = await state.getMany([keys.ranked(), ...lookups]);
      const ranked = stored[0] !== null;
      batch.forEach((item, i) => {
        const { mention } = item;
        const [byId, byHandle, rank] = stored.slice(1 + 3 * i, 4 + 3 * i);
        const author = byId
          ? (JSON.parse(byId) as AuthorState)
          : emptyAuthor(authorKey(mention.platform, mention.author.id));
        let influence = applyAuthored(author.influence, mention, false);
        if (byHandle) influence = mergeAmplification(influence, (JSON.parse(byHandle) as AuthorState).influence);
        const pagerank = ranked ? Number(rank ?? 0) : null;
        const { score, tier } = influenceOf(influence, pagerank, mention.eventTime);
        item.tags.influence = { score, tier };
        const segment = segmentOf(author.behaviour, mention.eventTime);
        item.tags.segment = { name: segment.name, confidence: segment.confidence };
      });
    },
  };
}
