/**
 * The scopes a tagged mention counts in: each monitoring query it matched, each distinct agency of
 * those queries, and "all" (every mention once). Aggregates are kept per scope, platform and
 * sentiment label, so a mention matching two queries of one agency counts once for that agency.
 */
import type { TaggedMention } from "../../schemas/types.generated.js";

export type ScopeKind = "query" | "agency" | "all";
export type SentimentBucket = "positive" | "neutral" | "negative" | "unknown";

export interface Scope {
  kind: ScopeKind;
  /** The query id, the agency, or "" for "all". */
  id: string;
  /** The agency of a query ("" when it has none), the agency itself, or "" for "all". */
  agency: string;
}

export function scopesOf({ tags }: TaggedMention): Scope[] {
  const scopes: Scope[] = [{ kind: "all", id: "", agency: "" }];
  const agencies = new Set<string>();
  const queries = new Set<string>();
  for (const topic of tags.topics) {
    if (queries.has(topic.queryId)) continue;
    queries.add(topic.queryId);
    scopes.push({ kind: "query", id: topic.queryId, agency: topic.agency ?? "" });
    if (topic.agency) agencies.add(topic.agency);
  }
  for (const agency of agencies) scopes.push({ kind: "agency", id: agency, agency });
  return scopes;
}

/**
 * The province cell a mention counts in for a scope: the agency and "all" scopes are kept per
 * province of the mention's place (the province rollups, "" without a place); query scopes are
 * not (no rollup needs them per province, and they are the most numerous).
 */
export function provinceOf({ tags }: TaggedMention, scope: Scope): string {
  return scope.kind === "query" ? "" : (tags.place?.provinceCode ?? "");
}

export function sentimentOf({ tags }: TaggedMention): SentimentBucket {
  return tags.sentiment?.label ?? "unknown";
}
