/**
 * Google News search feeds built from the monitoring queries (processors/topics): the query
 * written in Simak's grammar becomes a Google search string (space = AND, OR, -, "phrases",
 * parentheses). What Google cannot express is widened, never narrowed, since the topics tagger
 * applies the exact query to every item later: NEAR becomes AND, a wildcard its stem, a handle or
 * hashtag its word; field filters other than the platform are dropped. A query limited to
 * platforms other than news gets no feed. The search URL format is undocumented but stable:
 * https://news.google.com/rss/search?q=<query>+when:1d&hl=id&gl=ID&ceid=ID:id.
 */
import type { QueryDefinition } from "../../processors/topics/compile.js";
import { parseQuery, type QueryNode } from "../../processors/topics/parse.js";

export interface GoogleNewsEdition {
  hl: string;
  gl: string;
  ceid: string;
  when: string;
}

/** The Google search string, or null when the query cannot match news. */
export function googleQuery(node: QueryNode): string | null {
  const render = (n: QueryNode, parent: "and" | "or" | "top"): string | null => {
    switch (n.type) {
      case "terms": {
        const words = n.words.map((word) => word.text);
        return words.length > 1 || n.exact ? `"${words.join(" ")}"` : (words[0] ?? null);
      }
      case "hashtag":
      case "handle":
        return n.value;
      case "field":
        // platform:x cannot match a news item; any other field filter is left to the tagger.
        if (n.field === "platform") return n.value === "news" || n.value === "blog" ? "" : null;
        return "";
      case "not": {
        const inner = render(n.child, "and");
        if (!inner) return "";
        const grouped = /\s/.test(inner) && !inner.startsWith('"') && !inner.startsWith("(");
        return `-${grouped ? `(${inner})` : inner}`;
      }
      case "near":
        return render({ ...n, type: "and", children: [n.left, n.right] }, parent);
      case "and": {
        const parts = n.children.map((child) => render(child, "and"));
        if (parts.some((part) => part === null)) return null;
        return parts.filter((part) => part !== "").join(" ");
      }
      case "or": {
        const parts = n.children.map((child) => render(child, "or")).filter((part) => part !== null);
        if (parts.length === 0) return null;
        if (parts.includes("")) return ""; // one branch matches anything: the whole OR does
        const joined = parts.join(" OR ");
        return parent === "and" ? `(${joined})` : joined;
      }
    }
  };
  const rendered = render(node, "top");
  return rendered === null || rendered.trim() === "" ? null : rendered;
}

export interface GoogleNewsFeed {
  url: string;
  queryId: string;
}

/** One search feed per query (those that can match news), in the queries' order. */
export function googleNewsFeeds(
  baseUrl: string,
  queries: readonly QueryDefinition[],
  edition: GoogleNewsEdition,
): GoogleNewsFeed[] {
  return queries.flatMap((query) => {
    const search = googleQuery(parseQuery(query.query));
    if (search === null) return [];
    const url = new URL("/rss/search", baseUrl);
    url.searchParams.set("q", `${search} when:${edition.when}`);
    url.searchParams.set("hl", edition.hl);
    url.searchParams.set("gl", edition.gl);
    url.searchParams.set("ceid", edition.ceid);
    return [{ url: url.toString(), queryId: query.id }];
  });
}
