/**
 * A tagger adds one kind of tag (sentiment, topics, virality, ...) to a batch of mentions in place.
 * The process stage runs its taggers in order on every batch, after validation and deduplication.
 */
import type { TaggedMention } from "../schemas/types.generated.js";

export interface Tagger {
  readonly name: string;
  tag(batch: TaggedMention[]): void | Promise<void>;
}

export function untagged(): TaggedMention["tags"] {
  return { sentiment: null, topics: [], virality: null, influence: null, segment: null, account: null, place: null };
}
