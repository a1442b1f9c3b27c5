/**
 * PageRank (Brin & Page 1998) by power iteration over a weighted, directed edge list: an edge goes
 * from the account that amplified (shared, replied to, mentioned) to the account it amplified, so
 * rank flows to the accounts others amplify. Pure and deterministic: nodes are sorted, duplicate
 * edges are merged, and the same edges in any order give the same ranks.
 *
 * Transition: a node passes `damping` of its rank along its out-edges in proportion to their
 * weights. Dangling nodes (no out-edges: accounts that are amplified but amplify no one, which is
 * most of them) spread their rank uniformly over all nodes, as does the teleport `1 - damping`
 * (Langville & Meyer 2004, "Deeper Inside PageRank"; the same convention as networkx.pagerank).
 */

export interface Edge {
  from: string;
  to: string;
  /** Finite and >= 0; edges of weight 0 add their nodes but no transition. */
  weight: number;
}

export interface PageRankOptions {
  /** Probability of following an edge rather than teleporting. Default 0.85 (Brin & Page). */
  damping?: number;
  /** Stop when the L1 distance between two iterations is below this. Default 1e-9. */
  tolerance?: number;
  /** Give up (converged: false) after this many iterations. Default 200. */
  maxIterations?: number;
}

export interface PageRankResult {
  /** Every node id that occurs in an edge, sorted (UTF-16 code unit order). */
  nodes: string[];
  /** Rank of nodes[i]; the ranks sum to 1. */
  ranks: Float64Array;
  iterations: number;
  converged: boolean;
  /** L1 distance between the last two iterations. */
  delta: number;
}

export const PAGERANK_DEFAULTS = { damping: 0.85, tolerance: 1e-9, maxIterations: 200 } as const;

/** A rank this many times the uniform 1/N or more counts as 1 in `normalisedRanks`. */
export const RANK_SATURATION = 1000;

/**
 * A graph's edges as they arrive, compact: each node id kept once, edges as indices and weights in
 * typed arrays. Lets the sink stream millions of edges out of ClickHouse into PageRank without an
 * object per edge.
 */
export class EdgeList {
  private readonly index = new Map<string, number>();
  private readonly names: string[] = [];
  private src = new Int32Array(1024);
  private dst = new Int32Array(1024);
  private weights = new Float64Array(1024);
  private size = 0;

  /** Adds the edge (its nodes even when it is a self-loop or weighs 0, which carry no transition). */
  add(from: string, to: string, weight: number): void {
    if (!(Number.isFinite(weight) && weight >= 0)) {
      throw new RangeError(`edge ${from} -> ${to}: weight must be finite and >= 0, got ${weight}`);
    }
    const u = this.node(from);
    const v = this.node(to);
    // A self-loop is an account amplifying itself: not influence.
    if (u === v || weight === 0) return;
    if (this.size === this.src.length) {
      this.src = grown(this.src, new Int32Array(this.size * 2));
      this.dst = grown(this.dst, new Int32Array(this.size * 2));
      this.weights = grown(this.weights, new Float64Array(this.size * 2));
    }
    this.src[this.size] = u;
    this.dst[this.size] = v;
    this.weights[this.size] = weight;
    this.size++;
  }

  private node(id: string): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.names.length;
      this.index.set(id, i);
      this.names.push(id);
    }
    return i;
  }

  /** Node ids sorted, and the edges renumbered to match (the list is used up). */
  sorted(): { nodes: string[]; src: Int32Array; dst: Int32Array; weights: Float64Array } {
    const n = this.names.length;
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) =>
      compareStrings(this.names[a] as string, this.names[b] as string),
    );
    const position = new Int32Array(n);
    order.forEach((old, i) => {
      position[old] = i;
    });
    const src = this.src.subarray(0, this.size);
    const dst = this.dst.subarray(0, this.size);
    for (let e = 0; e < this.size; e++) {
      src[e] = position[src[e] as number] as number;
      dst[e] = position[dst[e] as number] as number;
    }
    this.index.clear();
    return {
      nodes: order.map((old) => this.names[old] as string),
      src,
      dst,
      weights: this.weights.subarray(0, this.size),
    };
  }
}

function grown<T extends Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

export function pageRank(edges: Iterable<Edge> | EdgeList, options: PageRankOptions = {}): PageRankResult {
  const damping = options.damping ?? PAGERANK_DEFAULTS.damping;
  const tolerance = options.tolerance ?? PAGERANK_DEFAULTS.tolerance;
  const maxIterations = options.maxIterations ?? PAGERANK_DEFAULTS.maxIterations;
  if (!(damping >= 0 && damping < 1)) throw new RangeError(`damping must be in [0, 1), got ${damping}`);
  if (!(tolerance > 0)) throw new RangeError(`tolerance must be > 0, got ${tolerance}`);
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1)) {
    throw new RangeError(`maxIterations must be an integer >= 1, got ${maxIterations}`);
  }

  let list: EdgeList;
  if (edges instanceof EdgeList) list = edges;
  else {
    list = new EdgeList();
    for (const { from, to, weight } of edges) list.add(from, to, weight);
  }
  // Node ids sorted, so that the result does not depend on the edges' order.
  const { nodes, src, dst, weights } = list.sorted();
  const n = nodes.length;
  if (n === 0) return { nodes, ranks: new Float64Array(0), iterations: 0, converged: true, delta: 0 };

  const graph = compressedRows(n, src, dst, weights);
  const { rowStart, target } = graph;
  const share = graph.weight; // becomes the share of the source's out-weight
  const outWeight = new Float64Array(n);
  for (let u = 0; u < n; u++) {
    let sum = 0;
    for (let e = rowStart[u] as number; e < (rowStart[u + 1] as number); e++) sum += share[e] as number;
    outWeight[u] = sum;
    for (let e = rowStart[u] as number; e < (rowStart[u + 1] as number); e++) share[e] = (share[e] as number) / sum;
  }
  const dangling: number[] = [];
  for (let u = 0; u < n; u++) if (outWeight[u] === 0) dangling.push(u);

  let rank = new Float64Array(n).fill(1 / n);
  let next = new Float64Array(n);
  let iterations = 0;
  let delta = Number.POSITIVE_INFINITY;
  while (iterations < maxIterations) {
    iterations++;
    let danglingRank = 0;
    for (const u of dangling) danglingRank += rank[u] as number;
    next.fill((1 - damping) / n + (damping * danglingRank) / n);
    for (let u = 0; u < n; u++) {
      const end = rowStart[u + 1] as number;
      let e = rowStart[u] as number;
      if (e === end) continue;
      const flow = damping * (rank[u] as number);
      for (; e < end; e++) {
        const v = target[e] as number;
        next[v] = (next[v] as number) + flow * (share[e] as number);
      }
    }
    delta = 0;
    for (let i = 0; i < n; i++) delta += Math.abs((next[i] as number) - (rank[i] as number));
    [rank, next] = [next, rank];
    if (delta < tolerance) break;
  }
  // Rounding drifts the sum by ~1e-15 per iteration; put it back to 1.
  let total = 0;
  for (let i = 0; i < n; i++) total += rank[i] as number;
  for (let i = 0; i < n; i++) rank[i] = (rank[i] as number) / total;
  return { nodes, ranks: rank, iterations, converged: delta < tolerance, delta };
}

/** The ranks as a map from node id. */
export function rankMap(result: PageRankResult): Map<string, number> {
  const map = new Map<string, number>();
  result.nodes.forEach((node, i) => {
    map.set(node, result.ranks[i] as number);
  });
  return map;
}

/**
 * Ranks mapped to [0, 1] for the influence score, relative to the uniform rank 1/N:
 * `min(1, ln(1 + rank·N) / ln(1 + RANK_SATURATION))`. A node with the average rank gets
 * ln 2 / ln 1001 ≈ 0.10, a node with 1000 times the average or more gets 1. Log-scaled because
 * PageRank on social graphs is heavy-tailed; relative to 1/N so that the value does not shrink as
 * the graph grows.
 */
export function normalisedRanks(result: PageRankResult): Map<string, number> {
  const n = result.nodes.length;
  const scale = Math.log1p(RANK_SATURATION);
  const map = new Map<string, number>();
  result.nodes.forEach((node, i) => {
    map.set(node, Math.min(1, Math.log1p((result.ranks[i] as number) * n) / scale));
  });
  return map;
}

interface CompressedRows {
  /** Edges of node u are rowStart[u] .. rowStart[u + 1] - 1. */
  rowStart: Int32Array;
  target: Int32Array;
  weight: Float64Array;
}

/** Edges grouped by source, each row sorted by target with duplicate edges merged (weights summed). */
function compressedRows(n: number, src: Int32Array, dst: Int32Array, weights: Float64Array): CompressedRows {
  const m = src.length;
  const counts = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) {
    const u = src[e] as number;
    counts[u + 1] = (counts[u + 1] as number) + 1;
  }
  for (let u = 0; u < n; u++) counts[u + 1] = (counts[u + 1] as number) + (counts[u] as number);
  // Counting sort by source.
  const fill = counts.slice(0, n);
  const order = new Int32Array(m);
  for (let e = 0; e < m; e++) {
    const u = src[e] as number;
    order[fill[u] as number] = e;
    fill[u] = (fill[u] as number) + 1;
  }
  const rowStart = new Int32Array(n + 1);
  const target = new Int32Array(m);
  const weight = new Float64Array(m);
  let out = 0;
  const row: number[] = [];
  for (let u = 0; u < n; u++) {
    rowStart[u] = out;
    row.length = 0;
    for (let k = counts[u] as number; k < (counts[u + 1] as number); k++) row.push(order[k] as number);
    // By target, then weight, so that merged sums do not depend on the input order.
    if (row.length > 1) {
      row.sort((a, b) => (dst[a] as number) - (dst[b] as number) || (weights[a] as number) - (weights[b] as number));
    }
    for (const e of row) {
      const v = dst[e] as number;
      if (out > (rowStart[u] as number) && target[out - 1] === v) {
        weight[out - 1] = (weight[out - 1] as number) + (weights[e] as number);
      } else {
        target[out] = v;
        weight[out] = weights[e] as number;
        out++;
      }
    }
  }
  rowStart[n] = out;
  return { rowStart, target: target.subarray(0, out), weight: weight.subarray(0, out) };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
