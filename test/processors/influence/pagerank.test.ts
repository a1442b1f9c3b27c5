import { describe, expect, it } from "vitest";
import { Random } from "../../../ingestors/synthetic/random.js";
import {
  type Edge,
  normalisedRanks,
  type PageRankResult,
  pageRank,
  RANK_SATURATION,
  rankMap,
} from "../../../processors/influence/index.js";

const exact = { tolerance: 1e-14, maxIterations: 1000 };

function ranks(result: PageRankResult): Record<string, number> {
  return Object.fromEntries(rankMap(result));
}

function expectRanks(result: PageRankResult, expected: Record<string, number>): void {
  const actual = ranks(result);
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [node, value] of Object.entries(expected)) expect(actual[node]).toBeCloseTo(value, 9);
}

const e = (from: string, to: string, weight = 1): Edge => ({ from, to, weight });

/** The stationary distribution solved directly: r = (1-d)/N + d·(Pᵀr + dangling(r)/N), by Gaussian elimination. */
function solveDirectly(edges: readonly Edge[], damping = 0.85): Map<string, number> {
  const nodes = [...new Set(edges.flatMap((edge) => [edge.from, edge.to]))].sort();
  const n = nodes.length;
  const at = new Map(nodes.map((node, i) => [node, i]));
  const out = new Array<number>(n).fill(0);
  const w = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const { from, to, weight } of edges) {
    if (from === to) continue;
    const [u, v] = [at.get(from) as number, at.get(to) as number];
    (w[u] as number[])[v] = ((w[u] as number[])[v] as number) + weight;
    out[u] = (out[u] as number) + weight;
  }
  // Row i of A r = b: r_i - d·Σ_u r_u·T[u][i] = (1-d)/N, with T[u] uniform for dangling u.
  const a = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, u) => {
      const t = out[u] === 0 ? 1 / n : ((w[u] as number[])[i] as number) / (out[u] as number);
      return (i === u ? 1 : 0) - damping * t;
    }),
  );
  const b = new Array<number>(n).fill((1 - damping) / n);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) {
      if (Math.abs((a[row] as number[])[col] as number) > Math.abs((a[pivot] as number[])[col] as number)) pivot = row;
    }
    [a[col], a[pivot]] = [a[pivot] as number[], a[col] as number[]];
    [b[col], b[pivot]] = [b[pivot] as number, b[col] as number];
    const p = a[col] as number[];
    for (let row = 0; row < n; row++) {
      if (row === col) continue;
      const r = a[row] as number[];
      const f = (r[col] as number) / (p[col] as number);
      if (f === 0) continue;
      for (let k = col; k < n; k++) r[k] = (r[k] as number) - f * (p[k] as number);
      b[row] = (b[row] as number) - f * (b[col] as number);
    }
  }
  return new Map(nodes.map((node, i) => [node, (b[i] as number) / ((a[i] as number[])[i] as number)]));
}

describe("pageRank on hand-computed graphs", () => {
  it("gives every node of a 3-cycle 1/3", () => {
    expectRanks(pageRank([e("a", "b"), e("b", "c"), e("c", "a")], exact), { a: 1 / 3, b: 1 / 3, c: 1 / 3 });
  });

  it("star: three leaves amplify a dangling centre (centre 71/131, leaves 20/131)", () => {
    // Centre c has no out-edges: its rank is spread over all four nodes.
    // r_l = 0.15/4 + 0.85·r_c/4, r_c = 1 - 3·r_l  =>  r_c = 0.8875 / 1.6375 = 71/131.
    const result = pageRank([e("l1", "c"), e("l2", "c"), e("l3", "c")], exact);
    expectRanks(result, { c: 71 / 131, l1: 20 / 131, l2: 20 / 131, l3: 20 / 131 });
    expect(result.converged).toBe(true);
  });

  it("chain a -> b -> c with a dangling end: a = 1/5.4225, b = 1.85a, c = 2.5725a", () => {
    // r_a = 0.05 + 0.85·r_c/3, r_b = r_a + 0.85·r_a, r_c = r_a + 0.85·r_b.
    const a = 1 / 5.4225;
    expectRanks(pageRank([e("a", "b"), e("b", "c")], exact), { a, b: 1.85 * a, c: 2.5725 * a });
    expect(a).toBeCloseTo(0.184416782, 9);
  });

  it("splits a node's rank by edge weight: a -> b (3), a -> c (1), b -> a, c -> a", () => {
    // r_a = 0.05 + 0.85(r_b + r_c), r_b = 0.05 + 0.6375 r_a, r_c = 0.05 + 0.2125 r_a  =>  r_a = 18/37.
    const result = pageRank([e("a", "b", 3), e("a", "c", 1), e("b", "a"), e("c", "a")], exact);
    expectRanks(result, { a: 18 / 37, b: 13.325 / 37, c: 5.675 / 37 });
  });

  it("values match a direct linear solve to 1e-6 on a random weighted graph with dangling nodes", () => {
    const random = new Random(3, "pagerank-test");
    const edges: Edge[] = [];
    for (let i = 0; i < 150; i++) {
      edges.push(e(`n${random.int(40)}`, `n${random.int(50)}`, 0.5 + random.int(4)));
    }
    const expected = solveDirectly(edges);
    const result = pageRank(edges);
    expect(result.converged).toBe(true);
    for (const [node, value] of rankMap(result))
      expect(Math.abs(value - (expected.get(node) as number))).toBeLessThan(1e-9);
  });
});

describe("pageRank: input handling and determinism", () => {
  it("merges duplicate edges: two edges of weight 1 equal one of weight 2", () => {
    const twice = pageRank([e("a", "b"), e("a", "b"), e("a", "c"), e("c", "a")], exact);
    const once = pageRank([e("a", "b", 2), e("a", "c"), e("c", "a")], exact);
    expect(ranks(twice)).toEqual(ranks(once));
  });

  it("ignores self-loops and zero weights but keeps their nodes", () => {
    const result = pageRank([e("a", "a", 5), e("b", "c", 0), e("a", "b"), e("b", "a")], exact);
    // c has no edges at all: it only receives the teleport and dangling shares.
    expect(result.nodes).toEqual(["a", "b", "c"]);
    const withoutNoise = pageRank([e("a", "b"), e("b", "a"), e("c", "c")], exact);
    expect(ranks(result)).toEqual(ranks(withoutNoise));
  });

  it("gives the same ranks, bit for bit, whatever the order of the edges", () => {
    const random = new Random(9, "order");
    const edges = Array.from({ length: 500 }, () => e(`n${random.int(100)}`, `n${random.int(100)}`, random.next()));
    const shuffled = [...edges].reverse();
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j] as Edge, shuffled[i] as Edge];
    }
    expect(Array.from(pageRank(shuffled).ranks)).toEqual(Array.from(pageRank(edges).ranks));
  });

  it("ranks sum to 1 and reports its iterations", () => {
    const result = pageRank([e("a", "b"), e("b", "c"), e("c", "a"), e("d", "a")]);
    expect(result.ranks.reduce((sum, r) => sum + r, 0)).toBeCloseTo(1, 12);
    expect(result.converged).toBe(true);
    expect(result.delta).toBeLessThan(1e-9);
    expect(result.iterations).toBeGreaterThan(1);
  });

  it("stops at maxIterations without converging", () => {
    const result = pageRank([e("a", "b"), e("b", "c")], { maxIterations: 2, tolerance: 1e-15 });
    expect(result.iterations).toBe(2);
    expect(result.converged).toBe(false);
  });

  it("handles the empty graph", () => {
    expect(pageRank([])).toEqual({ nodes: [], ranks: new Float64Array(0), iterations: 0, converged: true, delta: 0 });
  });

  it("rejects bad weights and options", () => {
    expect(() => pageRank([e("a", "b", -1)])).toThrow(RangeError);
    expect(() => pageRank([e("a", "b", Number.NaN)])).toThrow(RangeError);
    expect(() => pageRank([e("a", "b")], { damping: 1 })).toThrow(RangeError);
    expect(() => pageRank([e("a", "b")], { tolerance: 0 })).toThrow(RangeError);
    expect(() => pageRank([e("a", "b")], { maxIterations: 0 })).toThrow(RangeError);
  });
});

describe("normalisedRanks", () => {
  it("maps rank·N through ln(1 + x) / ln(1 + RANK_SATURATION), capped at 1", () => {
    const star = pageRank([e("l1", "c"), e("l2", "c"), e("l3", "c")], exact);
    const scale = Math.log1p(RANK_SATURATION);
    const normalised = normalisedRanks(star);
    expect(normalised.get("c")).toBeCloseTo(Math.log1p((4 * 71) / 131) / scale, 12);
    expect(normalised.get("l1")).toBeCloseTo(Math.log1p((4 * 20) / 131) / scale, 12);
    // A 3-cycle: every node has the average rank.
    const cycle = normalisedRanks(pageRank([e("a", "b"), e("b", "c"), e("c", "a")], exact));
    expect(cycle.get("a")).toBeCloseTo(Math.log(2) / scale, 12);
  });

  it("gives 1 to a node holding far more than RANK_SATURATION times the average", () => {
    const edges = Array.from({ length: 5000 }, (_, i) => e(`fan${i}`, "idol"));
    const normalised = normalisedRanks(pageRank(edges));
    expect(normalised.get("idol")).toBe(1);
    expect(normalised.get("fan0")).toBeLessThan(0.2);
  });
});
