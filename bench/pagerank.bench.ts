/**
 * PageRank benchmark (not a test): a synthetic amplification graph of 100 000 accounts and 500 000
 * edges, amplifiers drawn uniformly and targets by a heavy-tailed (Zipf-like) popularity, as on
 * social media. Prints build + iteration time. Run: npx tsx processors/influence/bench-pagerank.ts [nodes] [edges]
 */
import { Random } from "../ingestors/synthetic/random.js";
import { type Edge, pageRank } from "../processors/influence/pagerank.js";

const nodes = Number(process.argv[2] ?? 100_000);
const edgeCount = Number(process.argv[3] ?? 500_000);
const random = new Random(1, "pagerank-bench");
const ids = Array.from({ length: nodes }, (_, i) => `x:${(i * 2_654_435_761) % 4_294_967_296}`);
const edges: Edge[] = [];
for (let e = 0; e < edgeCount; e++) {
  const from = ids[random.int(nodes)] as string;
  // Target index log-uniform over [1, nodes]: popularity ~ 1 / rank (Zipf).
  const to = ids[Math.min(nodes - 1, Math.floor(nodes ** random.next()) - 1)] as string;
  edges.push({ from, to, weight: 1 + random.int(3) });
}

const runs: number[] = [];
let last = pageRank(edges);
for (let run = 0; run < 5; run++) {
  const start = performance.now();
  last = pageRank(edges);
  runs.push(performance.now() - start);
}
runs.sort((a, b) => a - b);
let top = 0;
for (let i = 1; i < last.ranks.length; i++) if ((last.ranks[i] as number) > (last.ranks[top] as number)) top = i;
console.log(
  JSON.stringify({
    nodes: last.nodes.length,
    edges: edgeCount,
    iterations: last.iterations,
    converged: last.converged,
    delta: last.delta,
    medianMs: Math.round(runs[2] as number),
    minMs: Math.round(runs[0] as number),
    maxMs: Math.round(runs[4] as number),
    topRank: last.ranks[top],
    node: process.version,
  }),
);
