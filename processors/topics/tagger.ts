/**
 * The topics tagger: fills `tags.topics` of every mention in a batch with the monitoring queries
 * it matches (`{ queryId, agency }`, in the order the queries are defined). The query set is read
 * once per batch, so a reload in the middle of a batch takes effect from the next one.
 */
import type { Tagger } from "../tagger.js";
import { QuerySet } from "./compile.js";
import type { QuerySource } from "./registry.js";

export function topicsTagger(queries: QuerySource | QuerySet): Tagger {
  const current = queries instanceof QuerySet ? () => queries : () => queries.current();
  return {
    name: "topics",
    tag(batch) {
      const set = current();
      for (const item of batch) item.tags.topics = set.match(item.mention);
    },
  };
}
