/**
 * An amplification network drawn as SVG, laid out in the browser by a small force simulation
 * (Fruchterman-Reingold with collision): a fixed number of iterations from positions seeded by
 * each account's id, so the same network always gets the same picture, and an account keeps its
 * place when the network around it changes a little. Nodes are circles sized by reach (square
 * root, so area follows followers), filled with the sentiment palette, ringed black when the
 * account is a member of a coordinated campaign; edges are lines with an arrow from who shared
 * (solid) or replied (dashed) to whose post, thicker with more interactions.
 */
import type { NetworkGraph, NetworkNode } from "../shared/types.js";
import { SENTIMENT_COLOURS, SENTIMENT_LABELS } from "./charts.js";
import { formatNumber } from "./format.js";
import { t } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";
export const GRAPH_WIDTH = 960;
export const GRAPH_HEIGHT = 540;
/** Iterations of the simulation: enough to settle 150 nodes, a few tens of milliseconds. */
const ITERATIONS = 300;
const MIN_RADIUS = 7;
const MAX_RADIUS = 28;
const SPRING_LENGTH = 150;
/** Room left around the drawing for the handles of nodes at its edge. */
const MARGIN = 36;
/** Handles written beside the nodes: the accounts reaching most, so the picture stays legible. */
const LABELLED_NODES = 20;
/** Width a handle may take beside its node. */
const LABEL_ROOM = 130;
export const MEMBER_RING = "#1a1a1a";

export interface Point {
  x: number;
  y: number;
}

/** A number in [0, 1) from a string (FNV-1a), the same in every browser. */
function unitHash(text: string, salt: number): number {
  let hash = 0x811c9dc5 ^ salt;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 2 ** 32;
}

export function nodeRadius(reach: number, largestReach: number): number {
  return MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * Math.sqrt(largestReach > 0 ? reach / largestReach : 0);
}

/** Positions in [MARGIN, size - MARGIN] for every node; `links` pull, every pair pushes, circles never overlap. */
export function forceLayout(
  nodes: readonly { id: string; radius: number }[],
  links: readonly { source: string; target: string; weight: number }[],
  width = GRAPH_WIDTH,
  height = GRAPH_HEIGHT,
): Map<string, Point> {
  const n = nodes.length;
  const xs = nodes.map(({ id }) => MARGIN + unitHash(id, 1) * (width - 2 * MARGIN));
  const ys = nodes.map(({ id }) => MARGIN + unitHash(id, 2) * (height - 2 * MARGIN));
  const index = new Map(nodes.map(({ id }, i) => [id, i]));
  const pairs = links.flatMap(({ source, target, weight }) => {
    const a = index.get(source);
    const b = index.get(target);
    return a === undefined || b === undefined ? [] : [{ a, b, strength: 1 + Math.log2(weight) }];
  });
  // The ideal edge length: the space each node would have, but no longer than SPRING_LENGTH, so a
  // small network stays together in the middle rather than spread to the corners.
  const k = Math.min(SPRING_LENGTH, 0.9 * Math.sqrt(((width - 2 * MARGIN) * (height - 2 * MARGIN)) / Math.max(n, 1)));
  // Gravity towards the middle, as strong as the push of n nodes (about n k² / R at a distance R
  // from the middle) at the drawing's half width: the network fills the box rather than piling up
  // against its border, and accounts without links stay in. Vertically it is weaker by the box's
  // proportions only (not their square, which left the top and bottom empty).
  const halfWidth = width / 2 - MARGIN;
  const halfHeight = height / 2 - MARGIN;
  const gravityX = (n * k * k) / (halfWidth * halfWidth);
  const gravityY = (n * k * k) / (halfWidth * halfHeight);
  const dx = new Float64Array(n);
  const dy = new Float64Array(n);
  for (let step = 0; step < ITERATIONS; step++) {
    const temperature = (width / 8) * (1 - step / ITERATIONS) + 0.5;
    dx.fill(0);
    dy.fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const ex = (xs[i] as number) - (xs[j] as number);
        const ey = (ys[i] as number) - (ys[j] as number);
        const distance = Math.max(Math.sqrt(ex * ex + ey * ey), 0.01);
        const push = (k * k) / distance / distance;
        dx[i] = (dx[i] as number) + ex * push;
        dy[i] = (dy[i] as number) + ey * push;
        dx[j] = (dx[j] as number) - ex * push;
        dy[j] = (dy[j] as number) - ey * push;
      }
    }
    for (const { a, b, strength } of pairs) {
      const ex = (xs[a] as number) - (xs[b] as number);
      const ey = (ys[a] as number) - (ys[b] as number);
      const pull = (Math.sqrt(ex * ex + ey * ey) / k) * strength;
      dx[a] = (dx[a] as number) - ex * pull;
      dy[a] = (dy[a] as number) - ey * pull;
      dx[b] = (dx[b] as number) + ex * pull;
      dy[b] = (dy[b] as number) + ey * pull;
    }
    for (let i = 0; i < n; i++) {
      const gx = (dx[i] as number) + (width / 2 - (xs[i] as number)) * gravityX;
      const gy = (dy[i] as number) + (height / 2 - (ys[i] as number)) * gravityY;
      const length = Math.max(Math.sqrt(gx * gx + gy * gy), 0.01);
      const move = Math.min(length, temperature) / length;
      xs[i] = Math.min(width - MARGIN, Math.max(MARGIN, (xs[i] as number) + gx * move));
      ys[i] = Math.min(height - MARGIN, Math.max(MARGIN, (ys[i] as number) + gy * move));
    }
    separate(nodes, xs, ys);
  }
  return new Map(nodes.map(({ id }, i) => [id, { x: xs[i] as number, y: ys[i] as number }]));
}

/** Moves overlapping circles apart (each half the overlap, and a little gap). */
function separate(nodes: readonly { radius: number }[], xs: number[], ys: number[]): void {
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      const ex = (xs[i] as number) - (xs[j] as number);
      const ey = (ys[i] as number) - (ys[j] as number);
      const distance = Math.max(Math.sqrt(ex * ex + ey * ey), 0.01);
      const overlap = (nodes[i] as { radius: number }).radius + (nodes[j] as { radius: number }).radius + 4 - distance;
      if (overlap <= 0) continue;
      const shift = overlap / 2 / distance;
      xs[i] = (xs[i] as number) + ex * shift;
      ys[i] = (ys[i] as number) + ey * shift;
      xs[j] = (xs[j] as number) - ex * shift;
      ys[j] = (ys[j] as number) - ey * shift;
    }
  }
}

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

/** What hovering (and a screen reader) tells of an account. */
function describe(node: NetworkNode): string {
  const mix = (["positive", "neutral", "negative"] as const)
    .map((label) => `${t(SENTIMENT_LABELS[label])} ${formatNumber(node.sentimentMix[label])}`)
    .join(", ");
  const member = node.campaigns.length ? ` · ${t("networkMemberOf")} ${node.campaigns.length}` : "";
  return `@${node.handle} · ${t("networkReach")} ${formatNumber(node.reach)} · ${mix}${member}`;
}

/** The network as an SVG; `onSelect` gets the node clicked (or chosen with Enter). */
export function networkSvg(graph: NetworkGraph, onSelect: (node: NetworkNode) => void): SVGSVGElement {
  const root = svg("svg", {
    class: "network-graph",
    viewBox: `0 0 ${GRAPH_WIDTH} ${GRAPH_HEIGHT}`,
    role: "group",
    "aria-label": t("network"),
    "data-nodes": graph.nodes.length,
    "data-edges": graph.edges.length,
  });
  const largest = Math.max(0, ...graph.nodes.map(({ reach }) => reach));
  const sized = graph.nodes.map((node) => ({ node, id: node.id, radius: nodeRadius(node.reach, largest) }));
  const positions = forceLayout(sized, graph.edges);
  const radius = new Map(sized.map(({ id, radius: r }) => [id, r]));
  const arrow = svg("marker", {
    id: "network-arrow",
    viewBox: "0 0 10 10",
    refX: 10,
    refY: 5,
    // The same size on every edge, however thick.
    markerUnits: "userSpaceOnUse",
    markerWidth: 9,
    markerHeight: 9,
    orient: "auto-start-reverse",
  });
  arrow.append(svg("path", { d: "M0,0 L10,5 L0,10 z", fill: "#6b7280" }));
  const defs = svg("defs", {});
  defs.append(arrow);
  root.append(defs);
  for (const edge of graph.edges) {
    const from = positions.get(edge.source) as Point;
    const to = positions.get(edge.target) as Point;
    const length = Math.max(Math.hypot(to.x - from.x, to.y - from.y), 0.01);
    // Ends at the target's rim, so the arrow shows.
    const back = ((radius.get(edge.target) ?? 0) + 2) / length;
    const line = svg("line", {
      class: `network-edge edge-${edge.kind}`,
      x1: from.x.toFixed(1),
      y1: from.y.toFixed(1),
      x2: (to.x - (to.x - from.x) * back).toFixed(1),
      y2: (to.y - (to.y - from.y) * back).toFixed(1),
      stroke: "#9ca3af",
      "stroke-width": (1 + Math.log2(edge.weight)).toFixed(1),
      "marker-end": "url(#network-arrow)",
      "data-source": edge.source,
      "data-target": edge.target,
    });
    if (edge.kind === "reply") line.setAttribute("stroke-dasharray", "5 3");
    root.append(line);
  }
  const labelled = new Set(
    [...graph.nodes]
      .sort((a, b) => b.reach - a.reach)
      .slice(0, LABELLED_NODES)
      .map(({ id }) => id),
  );
  const labels: SVGTextElement[] = [];
  for (const { node, radius: r } of sized) {
    const at = positions.get(node.id) as Point;
    const member = node.campaigns.length > 0;
    const circle = svg("circle", {
      class: `network-node sentiment-${node.sentiment}${member ? " campaign-member" : ""}`,
      cx: at.x.toFixed(1),
      cy: at.y.toFixed(1),
      r: r.toFixed(1),
      fill: SENTIMENT_COLOURS[node.sentiment],
      stroke: member ? MEMBER_RING : "#ffffff",
      "stroke-width": member ? 3 : 1.5,
      tabindex: 0,
      role: "button",
      "aria-label": describe(node),
      "data-account": node.id,
    });
    const title = svg("title", {});
    title.textContent = describe(node);
    circle.append(title);
    circle.addEventListener("click", () => onSelect(node));
    circle.addEventListener("keydown", (event) => {
      if ((event as KeyboardEvent).key === "Enter") onSelect(node);
    });
    root.append(circle);
    if (!labelled.has(node.id)) continue;
    // Left of the nodes near the right edge, so no handle is cut off.
    const leftward = at.x > GRAPH_WIDTH - LABEL_ROOM;
    const label = svg("text", {
      class: "network-label",
      x: (leftward ? at.x - r - 3 : at.x + r + 3).toFixed(1),
      y: (at.y + 4).toFixed(1),
      "text-anchor": leftward ? "end" : "start",
    });
    label.textContent = `@${node.handle}`;
    labels.push(label);
  }
  // Over every circle, so no later node hides a handle.
  root.append(...labels);
  return root;
}
