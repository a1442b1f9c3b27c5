/**
 * The amplification graph: who shared, replied to, commented on or mentioned whom. Each mention
 * gives zero or more edges from its author (the amplifier) to the accounts it amplifies; the
 * plumbing keeps them with their time for a rolling window, and `windowEdges` turns the window into
 * the weighted edge list `pageRank` takes. Accounts are keyed per platform: ids are only unique on
 * their own platform.
 */
import type { Mention, Platform } from "../../schemas/types.generated.js";
import type { Edge } from "./pagerank.js";

export const DAY_MS = 86_400_000;
/** Edges older than this are out of the graph. */
export const EDGE_WINDOW_MS = 7 * DAY_MS;
/** Within the window an edge's weight halves every EDGE_HALF_LIFE_MS (and amplification does in the state). */
export const EDGE_HALF_LIFE_MS = 3 * DAY_MS;

export type AmplificationKind = "share" | "reply" | "comment" | "mention";

/** Weight of one edge by kind. All 1: we have no evidence that one kind moves an audience more than another. */
export const EDGE_WEIGHTS: Readonly<Record<AmplificationKind, number>> = { share: 1, reply: 1, comment: 1, mention: 1 };

export interface AmplificationEdge extends Edge {
  kind: AmplificationKind;
  /** The amplifying mention's eventTime. */
  at: number;
  /** The amplifying mention's id: with the target, the idempotency key for `applyAmplification`. */
  itemId: string;
  /** The amplifier's followers, for `applyAmplification`'s reach weighting. */
  byFollowers: number;
}

/** A timed edge as the plumbing stores it. */
export interface TimedEdge extends Edge {
  at: number;
}

/** The key of an account: `platform:authorId`. */
export function authorKey(platform: Platform, authorId: string): string {
  return `${platform}:${authorId}`;
}

/** The key of an account known only by its handle: `platform:@handle` (lower case). */
export function handleKey(platform: Platform, handle: string): string {
  return `${platform}:@${handle.replace(/^@/, "").toLowerCase()}`;
}

/** Maps a mentioned handle to an author key, undefined when the account is not known. */
export type HandleResolver = (platform: Platform, handle: string) => string | undefined;

const RETWEET_PREFIX = /^RT @([A-Za-z0-9_]+):/;

/**
 * The edges a mention contributes, from `authorKey(mention)`:
 * - a share, reply or comment: to its parent's author (`parentAuthor`, looked up by the plumbing
 *   from the parent's mention; null or undefined when unknown). A share whose parent's author is
 *   unknown falls back to the handle of an X retweet's "RT @handle:" prefix;
 * - a post, article, reply or comment: to each account in `mentionedHandles` (not for shares: a
 *   retweet's text and its @handles are the original author's);
 * each target once (the parent's edge wins, so an X reply's leading @handle is not counted twice),
 * never the author itself. Handles resolve through `resolveHandle`; unresolved ones become
 * `handleKey` nodes.
 */
export function amplificationEdges(
  mention: Mention,
  parentAuthor?: string | null,
  resolveHandle?: HandleResolver,
): AmplificationEdge[] {
  const { platform, kind } = mention;
  const from = authorKey(platform, mention.author.id);
  const resolve = (handle: string): string => resolveHandle?.(platform, handle) ?? handleKey(platform, handle);
  const edges: AmplificationEdge[] = [];
  const targets = new Set<string>([from]);
  const add = (to: string, edgeKind: AmplificationKind): void => {
    if (targets.has(to)) return;
    targets.add(to);
    edges.push({
      from,
      to,
      weight: EDGE_WEIGHTS[edgeKind],
      kind: edgeKind,
      at: mention.eventTime,
      itemId: mention.id,
      byFollowers: mention.author.followers,
    });
  };
  if (kind === "share" || kind === "reply" || kind === "comment") {
    if (parentAuthor) add(parentAuthor, kind);
    else if (kind === "share") {
      const retweeted = RETWEET_PREFIX.exec(mention.text)?.[1];
      if (retweeted !== undefined) add(resolve(retweeted), kind);
    }
  }
  if (kind !== "share") for (const handle of mention.mentionedHandles) add(resolve(handle), "mention");
  return edges;
}

const LEADING_ADDRESSEES = /^(?:\s*@([A-Za-z0-9_.]+))+/;

/**
 * The handles (lower case, without "@") a mention amplifies by naming them, each once: none for a
 * share (a retweet's text and its @handles are the original author's), never the author's own,
 * and for a reply or comment not the handles it opens with (an X reply starts with "@parent": the
 * reply itself is that amplification). Depends on the mention alone, so on no arrival order.
 */
export function mentionedAccounts(mention: Mention): string[] {
  if (mention.kind === "share") return [];
  const skip = new Set([mention.author.handle.replace(/^@/, "").toLowerCase()]);
  if (mention.kind === "reply" || mention.kind === "comment") {
    const opening = LEADING_ADDRESSEES.exec(mention.text)?.[0] ?? "";
    for (const match of opening.matchAll(/@([A-Za-z0-9_.]+)/g)) skip.add((match[1] as string).toLowerCase());
  }
  const handles = new Set<string>();
  for (const handle of mention.mentionedHandles) {
    const lower = handle.replace(/^@/, "").toLowerCase();
    if (lower !== "" && !skip.has(lower)) handles.add(lower);
  }
  return [...handles];
}

export interface WindowOptions {
  windowMs?: number;
  halfLifeMs?: number;
}

/**
 * The weighted edge list of the window ending at `now`: edges with `now - windowMs < at` (edges
 * stamped after `now` count as age 0), each weighted `weight · 2^(-age / halfLifeMs)`, the same
 * (from, to) merged by summing, self-loops dropped, sorted by (from, to).
 */
export function windowEdges(edges: Iterable<TimedEdge>, now: number, options: WindowOptions = {}): Edge[] {
  const windowMs = options.windowMs ?? EDGE_WINDOW_MS;
  const halfLifeMs = options.halfLifeMs ?? EDGE_HALF_LIFE_MS;
  const merged = new Map<string, Map<string, number>>();
  for (const { from, to, weight, at } of edges) {
    const age = Math.max(0, now - at);
    if (from === to || age >= windowMs) continue;
    const decayed = weight * 2 ** (-age / halfLifeMs);
    let row = merged.get(from);
    if (!row) {
      row = new Map();
      merged.set(from, row);
    }
    row.set(to, (row.get(to) ?? 0) + decayed);
  }
  const out: Edge[] = [];
  for (const from of [...merged.keys()].sort()) {
    const row = merged.get(from) as Map<string, number>;
    for (const to of [...row.keys()].sort()) out.push({ from, to, weight: row.get(to) as number });
  }
  return out;
}
