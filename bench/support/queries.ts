/**
 * Monitoring queries for benchmarks: the example file's, then generated ones in the same shapes
 * (OR lists of agency names and issue words, phrases, wildcards, NEAR, NOT, hashtags, handles,
 * field filters) over the simulator's own vocabulary, weighted by frequency so both common and
 * rare words appear.
 */
import { readFileSync } from "node:fs";
import { stringify } from "yaml";
import { Random } from "../../ingestors/synthetic/random.js";
import { parseQueryFile, type QueryDefinition } from "../../processors/topics/index.js";
import { normaliseText, textWords } from "../../processors/topics/text.js";
import type { Mention } from "../../schemas/types.generated.js";

/** The simulator's most frequent words, left out of generated queries. */
const STOPWORD_RANKS = 150;

/** Example-file queries first, then generated ones, `count` in all. */
export function buildQueries(mentions: readonly Mention[], count: number): QueryDefinition[] {
  const examples = parseQueryFile(readFileSync("config/examples/queries.yaml", "utf8"), "queries.yaml");
  const frequency = new Map<string, number>();
  const tags = new Map<string, number>();
  const handles = new Map<string, number>();
  for (const mention of mentions.slice(0, 5000)) {
    for (const word of textWords(mention.text))
      if (word.length >= 3 && !/^\d+$/.test(word)) frequency.set(word, (frequency.get(word) ?? 0) + 1);
    for (const tag of mention.hashtags) tags.set(tag, (tags.get(tag) ?? 0) + 1);
    for (const handle of mention.mentionedHandles)
      if (/^[a-z0-9_]+$/.test(handle)) handles.set(handle, (handles.get(handle) ?? 0) + 1);
  }
  const rng = new Random(7, "queries");
  const next = () => rng.next();
  // Monitoring queries name things, not function words: the most frequent words ("kak", "soal",
  // "di", "yang", ...) are left out; the rest is weighted by sqrt(frequency), so common words still
  // appear (expensive for an index) while rarer ones dominate.
  const sampler = (table: Map<string, number>, skipTop = 0) => {
    const entries = [...table.entries()].sort((a, b) => b[1] - a[1]).slice(skipTop);
    const cumulative: number[] = [];
    let sum = 0;
    for (const [, n] of entries) {
      sum += Math.sqrt(n);
      cumulative.push(sum);
    }
    return () => {
      const r = next() * sum;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((cumulative[mid] as number) < r) lo = mid + 1;
        else hi = mid;
      }
      return normaliseText((entries[lo] as [string, number])[0]);
    };
  };
  const word = sampler(frequency, STOPWORD_RANKS);
  const tag = sampler(tags);
  const handle = sampler(handles);
  const orList = (n: number) => Array.from({ length: n }, () => word()).join(" OR ");
  const prefix = () => {
    const w = word();
    return w.length >= 5 ? `${w.slice(0, Math.max(3, w.length - 2))}*` : w;
  };
  const shapes = [
    () => `(${orList(3)}) AND (${orList(2)} OR ${prefix()})`,
    () => `"${word()} ${word()}" OR #${tag()} OR @${handle()}`,
    () => `${word()} NEAR/3 ${prefix()} NOT ${word()}`,
    () => `platform:x (${orList(2)}) AND NOT ${word()}`,
    () => `(${orList(2)}) AND (${orList(2)}) NOT (${orList(2)})`,
    () => `(${word()} OR ${word()}) NEAR/2 (${word()} OR "${word()} ${word()}")`,
    () => `#${tag()} OR (${orList(4)}) lang:id`,
  ];
  const definitions: QueryDefinition[] = examples
    .slice(0, count)
    .map(({ id, agency, query }) => ({ id, agency, query }));
  for (let i = 0; definitions.length < count; i++) {
    const shape = shapes[i % shapes.length] as () => string;
    definitions.push({ id: `generated/${i}`, agency: null, query: shape() });
  }
  return definitions;
}

/** The definitions as a query file (agencies.<agency>.<key>, general.<id>). */
export function queryFileText(definitions: readonly QueryDefinition[]): string {
  const agencies: Record<string, Record<string, string>> = {};
  const general: Record<string, string> = {};
  for (const { id, agency, query } of definitions) {
    if (agency === null) general[id.replace("/", "-")] = query;
    else {
      const queries = agencies[agency] ?? {};
      queries[id.slice(agency.length + 1)] = query;
      agencies[agency] = queries;
    }
  }
  return stringify({ agencies, general });
}
