/**
 * Tags each mention with the virality of the post it belongs to (itself, or the root of the thread
 * or cascade it is part of), as the enrich stage last stored it, assessed at the mention's time.
 * Read-only: one MGET per batch; a root the enrich stage has not seen yet leaves the tag null.
 */
import type { StateStore } from "../../runtime/state/state.js";
import { postKey } from "../../schemas/topics.js";
import type { Tagger } from "../tagger.js";
import { assessVirality, toViralityTag } from "./assess.js";
import { viralityKeys } from "./keys.js";
import type { PostVirality } from "./state.js";

export function viralityTagger(state: StateStore, prefix: string): Tagger {
  const keys = viralityKeys(prefix);
  return {
    name: "virality",
    async tag(batch) {
      const stored = await state.getMany(
        batch.map(({ mention }) =>
          keys.post(postKey(mention.platform, mention.rootId ?? mention.parentId ?? mention.id)),
        ),
      );
      batch.forEach((item, i) => {
        const text = stored[i];
        item.tags.virality = text
          ? toViralityTag(assessVirality(JSON.parse(text) as PostVirality, item.mention.eventTime))
          : null;
      });
    },
  };
}
