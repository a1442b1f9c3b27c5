/**
 * Compiles monitoring queries once into a matcher:
 *
 * 1. each query is parsed, its words folded, and turned into a tree of closures over a
 *    PreparedMention (set lookups for words, position lists for phrases and NEAR);
 * 2. an inverted index maps the query's *anchor* terms (a set of terms such that any mention the
 *    query matches contains at least one of them) to the query; wildcards go to prefix buckets
 *    keyed by their prefix;
 * 3. per mention, only the queries whose anchors occur in it are evaluated.
 *
 * A query without an anchor (one that could match a mention with none of its positive terms,
 * e.g. `NOT spam` or `a OR NOT b`) is refused at load.
 */
import type { Mention, TopicMatch } from "../../schemas/types.generated.js";
import { type PreparedMention, prefixPositions, prepareMention } from "./document.js";
import { type FieldName, parseQuery, positionIn, type QueryNode, QuerySyntaxError } from "./parse.js";
import { type Fold, slangFold } from "./text.js";

export interface QueryDefinition {
  /** Unique in the set; reported as TopicMatch.queryId. */
  id: string;
  /** Reported as TopicMatch.agency; null for queries no agency owns. */
  agency: string | null;
  query: string;
  description?: string;
  /** Where the query text was written, to report errors as file:line:column. */
  origin?: QueryOrigin;
}

export interface QueryOrigin {
  file: string;
  /** 1-based line and column in `file` of an offset in the query text (0 to query.length). */
  position(offset: number): { line: number; column: number };
}

export interface CompileOptions {
  /**
   * Slang folding applied to unquoted words on both sides (query and mention). Default: the small
   * built-in table (`slangFold`); pass e.g. `foldFromTable(bigDictionary)` or `identityFold`.
   */
  fold?: Fold;
}

/** One problem in a query file, located. */
export interface QueryIssue {
  /** The file, or null for queries given without an origin (then line/column are within the query). */
  file: string | null;
  line: number;
  column: number;
  reason: string;
  queryId: string | null;
}

export function formatIssue(issue: QueryIssue): string {
  const where = issue.file ?? `query '${issue.queryId ?? "?"}'`;
  return `${where}:${issue.line}:${issue.column}: ${issue.reason}`;
}

/** Queries (or their file) that cannot be loaded: every problem found, one per line in `message`. */
export class QueryConfigError extends Error {
  constructor(readonly issues: readonly QueryIssue[]) {
    super(issues.map(formatIssue).join("\n"));
    this.name = "QueryConfigError";
  }
}

// ---------------------------------------------------------------------------------------------
// Resolved form: the AST with words folded, shared by the compiled matcher and the naive evaluator.

/** How a word is compared: folded word, exact (normalised) word, or prefix of the normalised word. */
export type WordMode = "folded" | "exact" | "prefix";

export interface ResolvedWord {
  value: string;
  mode: WordMode;
}

export type SetField = "hashtag" | "handle" | FieldName;

export type Resolved =
  | { type: "seq"; words: ResolvedWord[] }
  | { type: "set"; field: SetField; value: string; prefix: boolean }
  | { type: "and"; children: Resolved[] }
  | { type: "or"; children: Resolved[] }
  | { type: "not"; child: Resolved }
  | { type: "near"; left: Resolved; right: Resolved; distance: number; ordered: boolean };

export function resolve(node: QueryNode, fold: Fold): Resolved {
  switch (node.type) {
    case "terms":
      return {
        type: "seq",
        words: node.words.map((word) =>
          word.prefix
            ? { value: word.text, mode: "prefix" }
            : node.exact
              ? { value: word.text, mode: "exact" }
              : { value: fold(word.text) || word.text, mode: "folded" },
        ),
      };
    case "hashtag":
    case "handle":
      return { type: "set", field: node.type, value: node.value, prefix: node.prefix };
    case "field":
      return { type: "set", field: node.field, value: node.value, prefix: node.prefix };
    case "and":
      return { type: "and", children: node.children.map((child) => resolve(child, fold)) };
    case "or":
      return { type: "or", children: node.children.map((child) => resolve(child, fold)) };
    case "not":
      return { type: "not", child: resolve(node.child, fold) };
    case "near":
      return {
        type: "near",
        left: resolve(node.left, fold),
        right: resolve(node.right, fold),
        distance: node.distance,
        ordered: node.ordered,
      };
  }
}

// ---------------------------------------------------------------------------------------------
// Anchors: the inverted index's keys.

/** Index namespaces: which part of the mention a key is looked up in. */
const Ns = { Folded: 0, Token: 1, Hashtag: 2, Handle: 3, Author: 4, Platform: 5, Lang: 6, Kind: 7 } as const;
type Ns = (typeof Ns)[keyof typeof Ns];
const NS_COUNT = 8;
const FIELD_NS: Readonly<Record<SetField, Ns>> = {
  hashtag: Ns.Hashtag,
  handle: Ns.Handle,
  author: Ns.Author,
  platform: Ns.Platform,
  lang: Ns.Lang,
  kind: Ns.Kind,
};
/** Rough share of mentions an anchor lets through; the cheapest anchor set is chosen. */
const FIELD_COST: Readonly<Record<SetField, number>> = {
  hashtag: 1,
  handle: 1,
  author: 1,
  platform: 40,
  lang: 60,
  kind: 30,
};

interface Anchor {
  ns: Ns;
  value: string;
  prefix: boolean;
}

type AnchorSet = { anchors: Anchor[]; cost: number };

function wordAnchor(word: ResolvedWord): AnchorSet {
  const length = word.value.length;
  if (word.mode === "prefix")
    return { anchors: [{ ns: Ns.Token, value: word.value, prefix: true }], cost: 2 + 4 / length };
  return {
    anchors: [{ ns: word.mode === "folded" ? Ns.Folded : Ns.Token, value: word.value, prefix: false }],
    cost: 1 + 1 / length,
  };
}

/** The anchors of a resolved query, or `null` when it can match without any of its positive terms. */
function anchorsOf(node: Resolved): AnchorSet | null {
  switch (node.type) {
    case "seq": {
      let best: AnchorSet | null = null;
      for (const word of node.words) {
        const candidate = wordAnchor(word);
        if (best === null || candidate.cost < best.cost) best = candidate;
      }
      return best;
    }
    case "set":
      return {
        anchors: [{ ns: FIELD_NS[node.field], value: node.value, prefix: node.prefix }],
        cost: node.prefix ? 2 * FIELD_COST[node.field] : FIELD_COST[node.field],
      };
    case "and":
    case "near": {
      const children = node.type === "and" ? node.children : [node.left, node.right];
      let best: AnchorSet | null = null;
      for (const child of children) {
        const candidate = anchorsOf(child);
        if (candidate !== null && (best === null || candidate.cost < best.cost)) best = candidate;
      }
      return best;
    }
    case "or": {
      const anchors: Anchor[] = [];
      let cost = 0;
      for (const child of node.children) {
        const candidate = anchorsOf(child);
        if (candidate === null) return null;
        anchors.push(...candidate.anchors);
        cost += candidate.cost;
      }
      return { anchors, cost };
    }
    case "not":
      return null;
  }
}

/** Offset of the NOT that leaves a query without anchors (for the error message). */
function unanchoredAt(node: QueryNode): number {
  switch (node.type) {
    case "not":
      return node.start;
    case "or":
      for (const child of node.children) if (!hasAnchor(child)) return unanchoredAt(child);
      return node.start;
    case "and":
      return unanchoredAt(node.children[0] as QueryNode);
    default:
      return node.start;
  }
}

function hasAnchor(node: QueryNode): boolean {
  switch (node.type) {
    case "not":
      return false;
    case "or":
      return node.children.every(hasAnchor);
    case "and":
      return node.children.some(hasAnchor);
    default:
      return true;
  }
}

// ---------------------------------------------------------------------------------------------
// Closures.

type Test = (doc: PreparedMention) => boolean;
/**
 * Match spans as a flat list [start0, end0, start1, end1, ...] of word positions (inclusive); with
 * `first`, at most one (a test only asks whether there is any).
 */
type SpansOf = (doc: PreparedMention, first?: boolean) => number[];

const NONE: readonly number[] = [];

function positionsFn(word: ResolvedWord): (doc: PreparedMention) => readonly number[] {
  const { value } = word;
  switch (word.mode) {
    case "folded":
      return (doc) => doc.foldedPositions.get(value) ?? NONE;
    case "exact":
      return (doc) => doc.tokenPositions.get(value) ?? NONE;
    case "prefix":
      return (doc) => prefixPositions(doc, value);
  }
}

function wordAt(word: ResolvedWord): (doc: PreparedMention, position: number) => boolean {
  const { value } = word;
  switch (word.mode) {
    case "folded":
      return (doc, position) => doc.folded[position] === value;
    case "exact":
      return (doc, position) => doc.tokens[position] === value;
    case "prefix":
      return (doc, position) => (doc.tokens[position] ?? "").startsWith(value);
  }
}

function seqSpans(words: readonly ResolvedWord[]): SpansOf {
  if (words.length === 1) {
    const positions = positionsFn(words[0] as ResolvedWord);
    return (doc) => {
      const found = positions(doc);
      const spans = new Array<number>(found.length * 2);
      for (let i = 0; i < found.length; i++) {
        spans[2 * i] = found[i] as number;
        spans[2 * i + 1] = found[i] as number;
      }
      return spans;
    };
  }
  // Anchor the phrase on its most selective word (a whole word before a prefix, longer first).
  let anchor = 0;
  words.forEach((word, i) => {
    const best = words[anchor] as ResolvedWord;
    const rank = (w: ResolvedWord) => (w.mode === "prefix" ? 0 : 1000) + w.value.length;
    if (rank(word) > rank(best)) anchor = i;
  });
  const anchorPositions = positionsFn(words[anchor] as ResolvedWord);
  const checks = words.map(wordAt);
  const last = words.length - 1;
  return (doc, first) => {
    const spans: number[] = [];
    for (const position of anchorPositions(doc)) {
      const start = position - anchor;
      if (start < 0 || start + last >= doc.tokens.length) continue;
      let ok = true;
      for (let i = 0; i < checks.length && ok; i++) {
        if (i !== anchor) ok = (checks[i] as (d: PreparedMention, p: number) => boolean)(doc, start + i);
      }
      if (ok) {
        spans.push(start, start + last);
        if (first) break;
      }
    }
    return spans;
  };
}

/**
 * Spans as sort keys `first * stride + width` (width = end - start < stride), ascending and
 * distinct; `first` is the span's start (`byEnd` false) or its end. Repeated spans add nothing to
 * a NEAR (its result is the same set), so dropping them bounds every list by the text's length
 * times the query's widest span, whatever the nesting.
 */
function spanKeys(spans: readonly number[], stride: number, byEnd: boolean): Float64Array {
  const keys = new Float64Array(spans.length / 2);
  for (let i = 0; i < keys.length; i++) {
    const start = spans[2 * i] as number;
    const end = spans[2 * i + 1] as number;
    keys[i] = (byEnd ? end : start) * stride + (end - start);
  }
  if (!ascending(keys)) keys.sort();
  let distinct = 0;
  for (let i = 0; i < keys.length; i++) {
    if (distinct === 0 || keys[i] !== keys[distinct - 1]) keys[distinct++] = keys[i] as number;
  }
  return keys.subarray(0, distinct);
}

/** Whether the keys are already in order (a phrase's or word's spans are: no sort needed). */
function ascending(keys: Float64Array): boolean {
  for (let i = 1; i < keys.length; i++) if ((keys[i] as number) < (keys[i - 1] as number)) return false;
  return true;
}

/** Index of the first key >= `value` (keys ascending). */
function firstAtLeast(keys: Float64Array, value: number): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((keys[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The most words a span of `node` can cover minus one (its end - start), known at compile time. */
function widthOf(node: Resolved): number {
  switch (node.type) {
    case "seq":
      return node.words.length - 1;
    case "or":
      return Math.max(...node.children.map(widthOf));
    case "near":
      return widthOf(node.left) + widthOf(node.right) + node.distance + 1;
    default:
      throw new Error(`no word positions for a '${node.type}' node`);
  }
}

/**
 * Pairs each distinct left span with the right spans that start within `distance` words after it
 * (and, unordered, end within `distance` words before it), found by binary search in the right
 * spans sorted by start (by end): O((|a| + |b|) log |b| + matches), where the old nested loop was
 * O(|a| * |b|) (a text alternating two query words took seconds).
 */
function nearSpans(left: SpansOf, right: SpansOf, node: Extract<Resolved, { type: "near" }>): SpansOf {
  const { distance, ordered } = node;
  const leftStride = widthOf(node.left) + 1;
  const rightStride = widthOf(node.right) + 1;
  return (doc, first) => {
    const a = left(doc);
    if (a.length === 0) return a;
    const b = right(doc);
    if (b.length === 0) return b;
    const lefts = spanKeys(a, leftStride, false);
    const rightsByStart = spanKeys(b, rightStride, false);
    const rightsByEnd = ordered ? null : spanKeys(b, rightStride, true);
    const spans: number[] = [];
    for (const key of lefts) {
      const aStart = Math.floor(key / leftStride);
      const aEnd = aStart + key - aStart * leftStride;
      // Words strictly between the two spans; overlapping spans do not count.
      for (let j = firstAtLeast(rightsByStart, (aEnd + 1) * rightStride); j < rightsByStart.length; j++) {
        const bKey = rightsByStart[j] as number;
        const bStart = Math.floor(bKey / rightStride);
        if (bStart - aEnd - 1 > distance) break;
        spans.push(aStart, bStart + bKey - bStart * rightStride);
        if (first) return spans;
      }
      if (rightsByEnd === null) continue;
      for (let j = firstAtLeast(rightsByEnd, (aStart - 1 - distance) * rightStride); j < rightsByEnd.length; j++) {
        const bKey = rightsByEnd[j] as number;
        const bEnd = Math.floor(bKey / rightStride);
        if (bEnd >= aStart) break;
        spans.push(bEnd - (bKey - bEnd * rightStride), aEnd);
        if (first) return spans;
      }
    }
    return spans;
  };
}

function spansOf(node: Resolved): SpansOf {
  switch (node.type) {
    case "seq":
      return seqSpans(node.words);
    case "or": {
      const parts = node.children.map(spansOf);
      return (doc) => parts.flatMap((part) => part(doc));
    }
    case "near":
      return nearSpans(spansOf(node.left), spansOf(node.right), node);
    default:
      // The parser only lets words, phrases, ORs of them and NEARs into NEAR.
      throw new Error(`no word positions for a '${node.type}' node`);
  }
}

/** Relative cost of evaluating a node, to test cheap conditions first in an AND. */
function evalCost(node: Resolved): number {
  switch (node.type) {
    case "seq":
      return node.words.length === 1 ? (node.words[0]?.mode === "prefix" ? 3 : 1) : 4 + node.words.length;
    case "set":
      return node.prefix ? 3 : 1;
    case "and":
    case "or":
      return node.children.reduce((sum, child) => sum + evalCost(child), 0);
    case "not":
      return evalCost(node.child) + 0.5;
    case "near":
      return 10 + evalCost(node.left) + evalCost(node.right);
  }
}

function setTest(field: SetField, value: string, prefix: boolean): Test {
  switch (field) {
    case "hashtag":
    case "handle": {
      const pick = field === "hashtag" ? (doc: PreparedMention) => doc.hashtags : (doc: PreparedMention) => doc.handles;
      if (!prefix) return (doc) => pick(doc).has(value);
      return (doc) => {
        for (const entry of pick(doc)) if (entry.startsWith(value)) return true;
        return false;
      };
    }
    case "author":
      return prefix ? (doc) => doc.authors.some((a) => a.startsWith(value)) : (doc) => doc.authors.includes(value);
    case "platform":
      return (doc) => doc.platform === value;
    case "kind":
      return (doc) => doc.kind === value;
    case "lang":
      return (doc) => doc.langs.includes(value);
  }
}

export function compileTest(node: Resolved): Test {
  switch (node.type) {
    case "seq": {
      if (node.words.length === 1) {
        const word = node.words[0] as ResolvedWord;
        const { value } = word;
        if (word.mode === "folded") return (doc) => doc.foldedPositions.has(value);
        if (word.mode === "exact") return (doc) => doc.tokenPositions.has(value);
        return (doc) => prefixPositions(doc, value).length > 0;
      }
      const spans = seqSpans(node.words);
      return (doc) => spans(doc, true).length > 0;
    }
    case "set":
      return setTest(node.field, node.value, node.prefix);
    case "and": {
      const tests = [...node.children].sort((a, b) => evalCost(a) - evalCost(b)).map(compileTest);
      if (tests.length === 2) {
        const [first, second] = tests as [Test, Test];
        return (doc) => first(doc) && second(doc);
      }
      return (doc) => {
        for (const test of tests) if (!test(doc)) return false;
        return true;
      };
    }
    case "or": {
      const tests = [...node.children].sort((a, b) => evalCost(a) - evalCost(b)).map(compileTest);
      return (doc) => {
        for (const test of tests) if (test(doc)) return true;
        return false;
      };
    }
    case "not": {
      const test = compileTest(node.child);
      return (doc) => !test(doc);
    }
    case "near": {
      const spans = spansOf(node);
      return (doc) => spans(doc, true).length > 0;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The compiled set.

export interface CompiledQuery {
  readonly id: string;
  readonly agency: string | null;
  readonly query: string;
  readonly description: string | undefined;
  readonly ast: QueryNode;
  readonly resolved: Resolved;
  readonly test: Test;
}

interface PrefixBucket {
  /** Distinct prefix lengths in the bucket, ascending. */
  lengths: number[];
  byPrefix: Map<string, number[]>;
}

export class QuerySet {
  readonly queries: readonly CompiledQuery[];
  readonly fold: Fold;
  private readonly exact: Map<string, number[]>[] = [];
  private readonly prefixes: PrefixBucket[] = [];
  private readonly stamp: Uint32Array;
  private epoch = 0;

  constructor(queries: readonly CompiledQuery[], anchors: readonly Anchor[][], fold: Fold) {
    this.queries = queries;
    this.fold = fold;
    this.stamp = new Uint32Array(queries.length);
    for (let ns = 0; ns < NS_COUNT; ns++) {
      this.exact.push(new Map());
      this.prefixes.push({ lengths: [], byPrefix: new Map() });
    }
    anchors.forEach((list, query) => {
      for (const anchor of list) {
        const map = anchor.prefix
          ? (this.prefixes[anchor.ns] as PrefixBucket).byPrefix
          : (this.exact[anchor.ns] as Map<string, number[]>);
        const postings = map.get(anchor.value);
        if (!postings) map.set(anchor.value, [query]);
        else if (postings[postings.length - 1] !== query) postings.push(query);
      }
    });
    for (const bucket of this.prefixes) {
      bucket.lengths = [...new Set([...bucket.byPrefix.keys()].map((prefix) => prefix.length))].sort((a, b) => a - b);
    }
  }

  get size(): number {
    return this.queries.length;
  }

  /** Tokenises the mention once for every query of this set (with this set's fold). */
  prepare(mention: Mention): PreparedMention {
    return prepareMention(mention, this.fold);
  }

  /** The queries the mention matches, in the order they were defined. */
  match(mention: Mention): TopicMatch[] {
    const indexes = this.matchPrepared(this.prepare(mention));
    return indexes.map((i) => {
      const query = this.queries[i] as CompiledQuery;
      return { queryId: query.id, agency: query.agency };
    });
  }

  /** Indexes (into `queries`, ascending) of the queries a prepared mention matches. */
  matchPrepared(doc: PreparedMention): number[] {
    const candidates = this.candidates(doc);
    const matched: number[] = [];
    for (const i of candidates) if ((this.queries[i] as CompiledQuery).test(doc)) matched.push(i);
    return matched.sort((a, b) => a - b);
  }

  /** Indexes of the queries sharing at least one anchor with the mention (unordered). */
  candidates(doc: PreparedMention): number[] {
    if (++this.epoch === 0xffffffff) {
      this.stamp.fill(0);
      this.epoch = 1;
    }
    const epoch = this.epoch;
    const stamp = this.stamp;
    const found: number[] = [];
    const add = (postings: readonly number[] | undefined) => {
      if (postings === undefined) return;
      for (const q of postings) {
        if (stamp[q] !== epoch) {
          stamp[q] = epoch;
          found.push(q);
        }
      }
    };
    const lookup = (ns: Ns, values: Iterable<string>) => {
      const exact = this.exact[ns] as Map<string, number[]>;
      const { lengths, byPrefix } = this.prefixes[ns] as PrefixBucket;
      const checkExact = exact.size > 0;
      for (const value of values) {
        if (checkExact) add(exact.get(value));
        for (const length of lengths) {
          if (length > value.length) break;
          add(byPrefix.get(length === value.length ? value : value.slice(0, length)));
        }
      }
    };
    lookup(Ns.Folded, doc.foldedPositions.keys());
    lookup(Ns.Token, doc.tokenPositions.keys());
    lookup(Ns.Hashtag, doc.hashtags);
    lookup(Ns.Handle, doc.handles);
    lookup(Ns.Author, doc.authors);
    add((this.exact[Ns.Platform] as Map<string, number[]>).get(doc.platform));
    add((this.exact[Ns.Kind] as Map<string, number[]>).get(doc.kind));
    lookup(Ns.Lang, doc.langs);
    return found;
  }

  /** Index statistics, for the README's performance notes and the benchmark. */
  stats(): { queries: number; exactKeys: number; prefixKeys: number } {
    return {
      queries: this.queries.length,
      exactKeys: this.exact.reduce((sum, map) => sum + map.size, 0),
      prefixKeys: this.prefixes.reduce((sum, bucket) => sum + bucket.byPrefix.size, 0),
    };
  }
}

function issueAt(definition: QueryDefinition, offset: number, reason: string): QueryIssue {
  const { line, column } = definition.origin?.position(offset) ?? positionIn(definition.query, offset);
  return { file: definition.origin?.file ?? null, line, column, reason, queryId: definition.id };
}

/** A position formatter for reasons that refer to other places in the same query. */
function positionNamer(definition: QueryDefinition): (offset: number) => string {
  return (offset) => {
    const { line, column } = definition.origin?.position(offset) ?? positionIn(definition.query, offset);
    return `${line}:${column}`;
  };
}

/**
 * Compiles query definitions into a QuerySet. Throws QueryConfigError listing every query that
 * does not parse or cannot be indexed, and every duplicate id.
 */
export function compileQueries(definitions: readonly QueryDefinition[], options: CompileOptions = {}): QuerySet {
  const fold = options.fold ?? slangFold;
  const issues: QueryIssue[] = [];
  const queries: CompiledQuery[] = [];
  const anchors: Anchor[][] = [];
  const seen = new Set<string>();
  for (const definition of definitions) {
    if (seen.has(definition.id)) {
      issues.push(issueAt(definition, 0, `duplicate query id '${definition.id}'`));
      continue;
    }
    seen.add(definition.id);
    let ast: QueryNode;
    try {
      ast = parseQuery(definition.query);
    } catch (error) {
      if (!(error instanceof QuerySyntaxError)) throw error;
      issues.push(issueAt(definition, error.offset, error.describe(positionNamer(definition))));
      continue;
    }
    const resolved = resolve(ast, fold);
    const anchorSet = anchorsOf(resolved);
    if (anchorSet === null) {
      issues.push(
        issueAt(
          definition,
          unanchoredAt(ast),
          "query can match a mention without any of its positive terms ('NOT x' alone, or 'a OR NOT b'); " +
            "combine NOT with a positive term, e.g. 'a AND NOT b'",
        ),
      );
      continue;
    }
    queries.push({
      id: definition.id,
      agency: definition.agency,
      query: definition.query,
      description: definition.description,
      ast,
      resolved,
      test: compileTest(resolved),
    });
    anchors.push(anchorSet.anchors);
  }
  if (issues.length > 0) throw new QueryConfigError(issues);
  return new QuerySet(queries, anchors, fold);
}
