/**
 * Issues of one scope (an agency or a monitoring query) in one window: the terms significantly more
 * frequent in the window's posts than in the scope's own baseline (Dunning's log-likelihood G2 on
 * document counts, with a minimum support), grouped into issues by how often they occur in the
 * same posts. Pure and deterministic: the same posts and baseline give the same issues, in the same
 * order, whichever process computes them. Cost: linear in the window's posts and their terms.
 */

export type SentimentBucket = "positive" | "neutral" | "negative" | "unknown";

/** A post of the current window, as the detector needs it. */
export interface IssuePost {
  /** Unique within the scope, e.g. "x:1790000". */
  id: string;
  /** Event time, epoch ms. */
  time: number;
  /** Its distinct terms (terms.ts). */
  terms: readonly string[];
  sentiment: SentimentBucket;
}

/** The scope's history: how many posts, and in how many of them each term occurred. */
export interface Baseline {
  docs: number;
  /** Posts of the baseline with the term; a term it lacks counts 0. */
  count: (term: string) => number;
}

export interface IssueParameters {
  /** Least number of the window's posts a term must occur in. */
  minSupport: number;
  /** Least G2 (10.83: p < 0.001 for one degree of freedom). */
  minScore: number;
  /** Least baseline posts before anything is called significant (a new scope has no history). */
  minBaselineDocs: number;
  /** The most significant terms considered for grouping. */
  maxCandidates: number;
  maxIssues: number;
  maxTermsPerIssue: number;
  /** A term joins an issue when at least this share of the rarer one's posts contain both. */
  cooccurrence: number;
  /** Representative posts per issue, near-duplicates collapsed. */
  examples: number;
  /** Two posts whose content words overlap this much (Jaccard) are near-duplicates. */
  duplicateJaccard: number;
}

export const DEFAULT_ISSUE_PARAMETERS: IssueParameters = {
  minSupport: 5,
  minScore: 10.83,
  minBaselineDocs: 200,
  maxCandidates: 40,
  maxIssues: 10,
  maxTermsPerIssue: 6,
  cooccurrence: 0.5,
  examples: 5,
  duplicateJaccard: 0.6,
};

export interface IssueTerm {
  term: string;
  /** Window posts with the term. */
  count: number;
  /** Baseline posts with the term. */
  baseline: number;
  /** G2 of count / window posts against baseline / baseline posts. */
  score: number;
}

export interface Issue {
  /** The issue's most significant term: stable from one window to the next while the issue lasts. */
  key: string;
  /** Up to three terms, most significant first, a word left out when a pair of the issue contains it. */
  label: string;
  terms: IssueTerm[];
  /** Window posts about the issue: with its key term, or with two of its terms. */
  volume: number;
  sentiment: Record<SentimentBucket, number>;
  /** The key term's share of the window's posts over its share of the baseline's (+1 smoothed). */
  growth: number;
  /** The key term's G2. */
  score: number;
  /** The earliest event time among its posts in the window. */
  firstPostTime: number;
  /** Representative posts (most issue terms first, near-duplicates collapsed). */
  exampleIds: string[];
}

function plogp(observed: number, expected: number): number {
  return observed > 0 ? observed * Math.log(observed / expected) : 0;
}

/**
 * Dunning's G2 for a term in `a` of `n1` window posts and `b` of `n2` baseline posts (2x2 table);
 * positive, 0 when both shares are equal. Over- or under-represented alike: callers check which.
 */
export function logLikelihood(a: number, n1: number, b: number, n2: number): number {
  const total = n1 + n2;
  const withTerm = a + b;
  if (total === 0 || withTerm === 0 || withTerm === total) return 0;
  const without = total - withTerm;
  return (
    2 *
    (plogp(a, (n1 * withTerm) / total) +
      plogp(b, (n2 * withTerm) / total) +
      plogp(n1 - a, (n1 * without) / total) +
      plogp(n2 - b, (n2 * without) / total))
  );
}

/** Each term of `posts` with the number of posts that have it. */
export function termCounts(posts: readonly IssuePost[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const post of posts) for (const term of post.terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

/** The terms of `counts` with at least `minSupport` posts. */
export function supportedTerms(counts: ReadonlyMap<string, number>, minSupport: number): Map<string, number> {
  const supported = new Map<string, number>();
  for (const [term, count] of counts) if (count >= minSupport) supported.set(term, count);
  return supported;
}

/**
 * The window's significant terms, most significant first (ties by term, for determinism).
 * `counts`: termCounts(posts), when the caller has it already.
 */
export function significantTerms(
  posts: readonly IssuePost[],
  baseline: Baseline,
  parameters: IssueParameters = DEFAULT_ISSUE_PARAMETERS,
  counts: ReadonlyMap<string, number> = termCounts(posts),
): IssueTerm[] {
  const n1 = posts.length;
  const n2 = baseline.docs;
  if (n1 === 0 || n2 < parameters.minBaselineDocs) return [];
  const found: IssueTerm[] = [];
  for (const [term, count] of supportedTerms(counts, parameters.minSupport)) {
    const before = Math.min(baseline.count(term), n2);
    if (count / n1 <= before / n2) continue;
    const score = logLikelihood(count, n1, before, n2);
    if (score >= parameters.minScore) found.push({ term, count, baseline: before, score });
  }
  found.sort((x, y) => y.score - x.score || (x.term < y.term ? -1 : x.term > y.term ? 1 : 0));
  return found.slice(0, parameters.maxCandidates);
}

/** Up to three terms, most significant first; a word is left out when a pair of the issue contains it. */
function labelOf(terms: readonly IssueTerm[]): string {
  const inPairs = new Set(terms.flatMap(({ term }) => (term.includes(" ") ? term.split(" ") : [])));
  return terms
    .map(({ term }) => term)
    .filter((term) => !inPairs.has(term))
    .slice(0, 3)
    .join(", ");
}

function contentWords(post: IssuePost): Set<string> {
  return new Set(post.terms.filter((term) => !term.includes(" ") && !term.startsWith("#")));
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const word of a) if (b.has(word)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 1 : shared / union;
}

/** The window's issues, most significant first; `counts`: termCounts(posts), when the caller has it. */
export function detectIssues(
  posts: readonly IssuePost[],
  baseline: Baseline,
  parameters: IssueParameters = DEFAULT_ISSUE_PARAMETERS,
  counts?: ReadonlyMap<string, number>,
): Issue[] {
  const significant = significantTerms(posts, baseline, parameters, counts);
  if (significant.length === 0) return [];
  // Posts (indexes) of each significant term.
  const postsOf = new Map<string, number[]>(significant.map(({ term }) => [term, []]));
  posts.forEach((post, index) => {
    for (const term of post.terms) postsOf.get(term)?.push(index);
  });
  // Greedy grouping: each term, most significant first, joins the first issue whose key term it
  // co-occurs with, else starts an issue.
  const groups: IssueTerm[][] = [];
  const keySets: Set<number>[] = [];
  for (const candidate of significant) {
    const own = postsOf.get(candidate.term) as number[];
    let joined = false;
    for (let g = 0; g < groups.length; g++) {
      const keyPosts = keySets[g] as Set<number>;
      let shared = 0;
      for (const index of own) if (keyPosts.has(index)) shared++;
      if (shared / Math.min(own.length, keyPosts.size) >= parameters.cooccurrence) {
        const group = groups[g] as IssueTerm[];
        if (group.length < parameters.maxTermsPerIssue) group.push(candidate);
        joined = true;
        break;
      }
    }
    if (!joined && groups.length < parameters.maxIssues) {
      groups.push([candidate]);
      keySets.push(new Set(own));
    }
  }
  return groups.map((terms, g) => {
    const key = (terms[0] as IssueTerm).term;
    const termSet = new Set(terms.map(({ term }) => term));
    const members: Array<{ post: IssuePost; matched: number }> = [];
    posts.forEach((post, index) => {
      let matched = 0;
      for (const term of post.terms) if (termSet.has(term)) matched++;
      if ((keySets[g] as Set<number>).has(index) || matched >= 2) members.push({ post, matched });
    });
    const sentiment: Record<SentimentBucket, number> = { positive: 0, neutral: 0, negative: 0, unknown: 0 };
    let firstPostTime = Number.POSITIVE_INFINITY;
    for (const { post } of members) {
      sentiment[post.sentiment]++;
      firstPostTime = Math.min(firstPostTime, post.time);
    }
    members.sort((x, y) => y.matched - x.matched || x.post.time - y.post.time || (x.post.id < y.post.id ? -1 : 1));
    const exampleIds: string[] = [];
    const exampleWords: Set<string>[] = [];
    for (const { post } of members) {
      if (exampleIds.length === parameters.examples) break;
      const words = contentWords(post);
      if (exampleWords.some((other) => jaccard(words, other) >= parameters.duplicateJaccard)) continue;
      exampleIds.push(post.id);
      exampleWords.push(words);
    }
    const top = terms[0] as IssueTerm;
    return {
      key,
      label: labelOf(terms),
      terms,
      volume: members.length,
      sentiment,
      growth: top.count / posts.length / ((top.baseline + 1) / (baseline.docs + 1)),
      score: top.score,
      firstPostTime,
      exampleIds,
    };
  });
}

/** A negative issue: most of its posts with a sentiment are negative. */
export function negativeShare(issue: Pick<Issue, "sentiment">): number {
  const { positive, neutral, negative } = issue.sentiment;
  const known = positive + neutral + negative;
  return known === 0 ? 0 : negative / known;
}
