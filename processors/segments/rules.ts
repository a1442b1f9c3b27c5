/**
 * The social technographics segment of an author (Forrester; Li & Bernoff, "Groundswell", 2008),
 * the audience segments PermenPAN-RB 83/2012 (II.F) asks agencies to target, from observed
 * behaviour. Rules, thresholds and their reasons: docs/segments.md.
 */
import type { SegmentTag } from "../../schemas/types.generated.js";
import { type Behaviour, DAY_MS, mentionCount } from "./behaviour.js";

export type Segment =
  | "creators"
  | "conversationalists"
  | "critics"
  | "collectors"
  | "joiners"
  | "spectators"
  | "inactives"
  | "unknown";

/** Every segment but unknown, from the top rung of the ladder down. */
export const SEGMENTS: readonly Exclude<Segment, "unknown">[] = [
  "creators",
  "conversationalists",
  "critics",
  "collectors",
  "joiners",
  "spectators",
  "inactives",
];

export const THRESHOLDS = {
  /** Below either, the author stays unknown (confidence 0). */
  minObservations: 3,
  minDays: 2,
  /** No observation for this long: inactive, with confidence 0.5 rising to 1 at inactiveCertainMs. */
  inactiveAfterMs: 30 * DAY_MS,
  inactiveCertainMs: 90 * DAY_MS,
  /** Evidence is full from this many observations on this many distinct days. */
  fullEvidenceObservations: 10,
  fullEvidenceDays: 3,
  /** No original content and fewer mentions per day since first seen than this: joiner. */
  joinerMaxRate: 0.5,
  /** A rich original (video, long-form) counts as this many items of creation. */
  richWeight: 2,
  /** Responses, at least this share negative among at least criticMinLabelled labelled ones: critic. */
  criticMinNegativeShare: 0.5,
  criticMinLabelled: 2,
  /** Responses, at least this many mentions per active day, and at least this share in conversation: conversationalist. */
  conversationalistMinFrequency: 2,
  conversationMinShare: 0.5,
} as const;

export interface SegmentResult extends SegmentTag {
  name: Segment;
  /** The rule that decided, for analysts and tests. */
  rule: string;
}

/** The author's segment at `now` (epoch ms), with a confidence in [0, 1] (0 exactly when unknown). */
export function segmentOf(state: Behaviour, now: number): SegmentResult {
  const t = THRESHOLDS;
  if (state.lastSeen === null || state.firstSeen === null) return result("unknown", 0, "never observed");

  const idle = now - state.lastSeen;
  if (idle >= t.inactiveAfterMs) {
    const confidence = Math.min(
      1,
      0.5 + (0.5 * (idle - t.inactiveAfterMs)) / (t.inactiveCertainMs - t.inactiveAfterMs),
    );
    return result("inactives", confidence, `not seen for ${Math.floor(idle / DAY_MS)} days`);
  }

  const n = mentionCount(state);
  const observations = n + state.views;
  if (observations < t.minObservations || state.activeDays < t.minDays) {
    return result("unknown", 0, `too little history (${observations} observations on ${state.activeDays} days)`);
  }
  const evidence = Math.sqrt(
    Math.min(1, observations / t.fullEvidenceObservations) * Math.min(1, state.activeDays / t.fullEvidenceDays),
  );

  if (n === 0) return result("spectators", evidence, "views only");

  const originals = state.posts + state.articles;
  const rate = n / Math.max(1, (now - state.firstSeen) / DAY_MS);
  if (originals === 0 && rate < t.joinerMaxRate) {
    return result("joiners", evidence * (1 - rate), `no original content, ${round(rate)} mentions per day`);
  }

  const units = n + (t.richWeight - 1) * state.rich;
  const creation = (originals + (t.richWeight - 1) * state.rich) / units;
  const responses = state.replies + state.comments;
  const reaction = responses / units;
  const collection = state.shares / units;

  // Ties go to the higher rung of the ladder: creation, then reaction, then collection.
  if (creation >= reaction && creation >= collection) {
    return result("creators", evidence * creation, `original content ${round(creation)}`);
  }
  if (collection > reaction) return result("collectors", evidence * collection, `shares ${round(collection)}`);

  if (state.labelledResponses >= t.criticMinLabelled) {
    const negative = state.negativeResponses / state.labelledResponses;
    if (negative >= t.criticMinNegativeShare) {
      return result("critics", evidence * reaction, `responses ${round(reaction)}, ${round(negative)} negative`);
    }
  }
  const frequency = n / state.activeDays;
  const conversation = (state.replies + state.nestedComments) / responses;
  if (frequency >= t.conversationalistMinFrequency && conversation >= t.conversationMinShare) {
    return result(
      "conversationalists",
      evidence * reaction,
      `responses ${round(reaction)}, ${round(frequency)} per active day, ${round(conversation)} in conversation`,
    );
  }
  return result("critics", evidence * reaction, `responses ${round(reaction)}, ${round(frequency)} per active day`);
}

function result(name: Segment, confidence: number, rule: string): SegmentResult {
  return { name, confidence: Math.round(Math.min(1, Math.max(0, confidence)) * 1000) / 1000, rule };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
