/**
 * Filtered-stream rules (and recent-search queries: the same syntax) built from the monitoring
 * queries (processors/topics), one or more per query, tagged with the query id so a matched post
 * names the queries it answers. X's syntax: space = AND, OR, -, "phrases", parentheses, #tag,
 * @handle. What X cannot express is widened, never narrowed (the topics tagger applies the exact
 * query to every post later): NEAR becomes AND, field filters other than the platform are dropped.
 * A wildcard becomes its stem (X has none: this is the one place a rule can miss a form). A query
 * limited to other platforms gets no rule. A rule longer than X accepts is split along its
 * top-level ORs; one that cannot be split is reported.
 */
import type { QueryDefinition } from "../../processors/topics/compile.js";
import { parseQuery, type QueryNode } from "../../processors/topics/parse.js";

export interface StreamRule {
  value: string;
  /** The query id. */
  tag: string;
}

/** A query that gets no rule, and why. */
export interface RuleProblem {
  tag: string;
  reason: string;
}

/** The X rule text, or null when the query cannot match a post on X. */
export function xRule(node: QueryNode): string | null {
  const render = (n: QueryNode, parent: "and" | "or" | "top"): string | null => {
    switch (n.type) {
      case "terms": {
        const words = n.words.map((word) => word.text);
        return words.length > 1 || n.exact ? `"${words.join(" ")}"` : (words[0] ?? null);
      }
      case "hashtag":
        return `#${n.value}`;
      case "handle":
        return `@${n.value}`;
      case "field":
        if (n.field === "platform") return n.value === "x" ? "" : null;
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
        const kept = parts.filter((part) => part !== "");
        // X refuses a rule of negations only.
        if (kept.length > 0 && kept.every((part) => part?.startsWith("-"))) return "";
        return kept.join(" ");
      }
      case "or": {
        const parts = n.children.map((child) => render(child, "or")).filter((part) => part !== null);
        if (parts.length === 0) return null;
        if (parts.includes("")) return "";
        const joined = parts.join(" OR ");
        return parent === "and" ? `(${joined})` : joined;
      }
    }
  };
  const rendered = render(node, "top");
  return rendered === null || rendered.trim() === "" ? null : rendered;
}

/** The top-level OR branches of a query, rendered; a query that is not an OR is one branch. */
function branches(node: QueryNode): string[] {
  if (node.type !== "or") {
    const single = xRule(node);
    return single === null ? [] : [single];
  }
  return node.children.flatMap((child) => {
    const rendered = xRule(child);
    return rendered === null ? [] : [rendered.includes(" ") && !rendered.startsWith('"') ? `(${rendered})` : rendered];
  });
}

/** The rules of the queries, in the queries' order, each at most `maxLength` characters. */
export function buildRules(
  queries: readonly QueryDefinition[],
  options: { maxLength: number; suffix?: string },
): { rules: StreamRule[]; problems: RuleProblem[] } {
  const rules: StreamRule[] = [];
  const problems: RuleProblem[] = [];
  const suffix = options.suffix?.trim() ? ` ${options.suffix.trim()}` : "";
  for (const query of queries) {
    const node = parseQuery(query.query);
    const whole = xRule(node);
    if (whole === null) continue; // limited to other platforms
    const fits = (value: string) => value.length + suffix.length <= options.maxLength;
    const wrap = (value: string) => (suffix && / OR /.test(value) && !value.startsWith("(") ? `(${value})` : value);
    if (fits(wrap(whole))) {
      rules.push({ value: `${wrap(whole)}${suffix}`, tag: query.id });
      continue;
    }
    // Too long: one rule per group of top-level OR branches that fits.
    const parts = branches(node);
    const groups: string[][] = [];
    for (const part of parts) {
      const last = groups.at(-1);
      if (last && fits(`(${[...last, part].join(" OR ")})`)) last.push(part);
      else groups.push([part]);
    }
    const values = groups.map((group) => (group.length === 1 ? (group[0] as string) : `(${group.join(" OR ")})`));
    if (values.length < 2 || values.some((value) => !fits(value))) {
      problems.push({
        tag: query.id,
        reason: `query ${query.id}: its X rule is ${whole.length + suffix.length} characters, more than ${options.maxLength}, and cannot be split along its ORs; shorten it`,
      });
      continue;
    }
    for (const value of values) rules.push({ value: `${value}${suffix}`, tag: query.id });
  }
  return { rules, problems };
}

export interface ActiveRule extends StreamRule {
  id: string;
}

/** What to change on X so its rules are `wanted`: rules to add, and ids of stale ones to delete. */
export function ruleChanges(
  active: readonly ActiveRule[],
  wanted: readonly StreamRule[],
): { add: StreamRule[]; deleteIds: string[] } {
  const key = (rule: StreamRule) => `${rule.tag}\u0000${rule.value}`;
  const wantedKeys = new Set(wanted.map(key));
  const activeKeys = new Set(active.map(key));
  return {
    add: wanted.filter((rule) => !activeKeys.has(key(rule))),
    deleteIds: active.filter((rule) => !wantedKeys.has(key(rule))).map((rule) => rule.id),
  };
}
