/**
 * The virality assessment of one root post at one moment: velocities from its engagement
 * snapshots, what its author's audience predicts, a relative score and the viral flag.
 * Pure: the same state and `now` always give the same answer. See docs/virality.md.
 */
import type { ViralityTag } from "../../schemas/types.generated.js";
import { CALIBRATION } from "./calibration.js";
import { type Calibration, expectedVelocity, HORIZON_MS, platformModel, WINDOW_MS, windowFor } from "./model.js";
import { type EngagementSnapshot, MINUTE_MS, type PostVirality } from "./state.js";

/**
 * Weights of the engagement count. A share puts the post in front of a new audience (the
 * mechanism of a cascade), a reply is a conversation, a like is the cheapest signal; views are
 * excluded (estimated differently by every platform, and driven by feeds rather than people) and
 * so are clicks (only posts with links have them).
 */
export const ENGAGEMENT_WEIGHTS = { likes: 1, replies: 2, shares: 3, views: 0, clicks: 0 } as const;

/** Velocity (engagements per minute) added to both observed and expected before taking the ratio. */
export const VELOCITY_PSEUDOCOUNT = 1;
/**
 * score = 100 / (1 + exp(-(z - SCORE_MIDPOINT_Z))): 50 at 3.75 sigma above what the audience
 * predicts (about 1 ordinary post in 11 000 if log-normal), 70 at z = 4.6, 90 at z = 5.95.
 */
export const SCORE_MIDPOINT_Z = 3.75;

/** The viral flag's thresholds (all must hold). */
export const VIRAL_RULE = {
  /** Relative surprise: 70 is z = 4.6, about 1 ordinary post in 470 000 if log-normal. */
  minScore: 70,
  /** Absolute floor: at least 100 weighted engagements in the last 5 minutes. */
  minVelocity: 20,
  /** Evidence of spread: cascade members seen, or the platform's own shares + replies count. */
  minSpread: 20,
} as const;

const WINDOW_MINUTES = WINDOW_MS / MINUTE_MS;
const LONG_WINDOW_MS = 15 * MINUTE_MS;

export interface ViralityAssessment {
  /** 0-100, relative to what the author's audience predicts (50: 3.75 sigma above it, 70: 4.6). */
  score: number;
  /** Weighted engagements per minute over (now - w, now], w = 5 min (the age if younger, at least 1 min). */
  velocity: number;
  /** The same over 15 minutes (the age if younger, at least 1 min). */
  velocity15: number;
  /** (velocity(now) - velocity(now - 5 min)) / 5, engagements per minute per minute. */
  acceleration: number;
  /** What an ordinary post by this author on this platform does at this age, engagements per minute. */
  expectedVelocity: number;
  /** (velocity + 1) / (expectedVelocity + 1). */
  ratio: number;
  /** ln(ratio) / sigma of the platform: how many standard deviations above expectation. */
  z: number;
  /** Distinct cascade members seen (shares, replies, comments at any depth). */
  cascadeSize: number;
  /** Largest depth seen in the cascade (1 = direct responses only). */
  cascadeDepth: number;
  /** New cascade members per minute over the last 5 minutes (minute buckets; see docs). */
  cascadeVelocity: number;
  /** Sum of the cascade members' followers. */
  cascadeReach: number;
  /** max(cascadeSize, shares + replies of the latest snapshot): the spread evidence of the rule. */
  spread: number;
  /** now - post time, ms; null while the root post is unseen. */
  ageMs: number | null;
  viral: boolean;
}

export interface AssessOptions {
  calibration?: Calibration;
}

/** Weighted engagement of one snapshot (views and clicks weigh 0). */
export function weightedEngagement(s: Omit<EngagementSnapshot, "t">): number {
  return (
    ENGAGEMENT_WEIGHTS.likes * s.likes +
    ENGAGEMENT_WEIGHTS.replies * s.replies +
    ENGAGEMENT_WEIGHTS.shares * s.shares +
    ENGAGEMENT_WEIGHTS.views * s.views +
    ENGAGEMENT_WEIGHTS.clicks * s.clicks
  );
}

/**
 * Weighted engagement at time `t` as known at `now`: linear between the snapshots taken up to
 * `now`, 0 at the post time, held at the latest snapshot after it (nothing is extrapolated).
 * Before the earliest snapshot kept: from 0 at the post time if that snapshot is the first ever
 * (nothing older was dropped), else held at its value.
 */
export function engagementAt(state: PostVirality, t: number, now: number): number {
  const points = state.snapshots;
  let last = -1;
  while (last + 1 < points.length && (points[last + 1] as EngagementSnapshot).t <= now) last++;
  if (last < 0) return 0;
  const first = points[0] as EngagementSnapshot;
  if (t >= (points[last] as EngagementSnapshot).t) return weightedEngagement(points[last] as EngagementSnapshot);
  if (t < first.t) {
    const newest = points[points.length - 1] as EngagementSnapshot;
    const isFirstEver = first.t > newest.t - HORIZON_MS;
    if (!isFirstEver || state.postTime === null || state.postTime >= first.t) return weightedEngagement(first);
    if (t <= state.postTime) return 0;
    return (weightedEngagement(first) * (t - state.postTime)) / (first.t - state.postTime);
  }
  // first.t <= t < points[last].t: find the segment.
  let i = 0;
  while ((points[i + 1] as EngagementSnapshot).t <= t) i++;
  const a = points[i] as EngagementSnapshot;
  const b = points[i + 1] as EngagementSnapshot;
  const ea = weightedEngagement(a);
  return ea + ((weightedEngagement(b) - ea) * (t - a.t)) / (b.t - a.t);
}

/**
 * Engagements per minute over (end - w, end] as known at `now`, where w = maxWindowMs, or the
 * post's age at `end` when it is younger (at least 1 minute); 0 before the post exists.
 */
export function velocityAt(state: PostVirality, end: number, maxWindowMs: number, now: number): number {
  const age = state.postTime === null ? null : end - state.postTime;
  if (age !== null && age < 0) return 0;
  const w = windowFor(age, maxWindowMs);
  return (engagementAt(state, end, now) - engagementAt(state, end - w, now)) / (w / MINUTE_MS);
}

/** The relative score for a velocity, an expected velocity and the platform's sigma; increasing in velocity. */
export function viralityScore(velocity: number, expected: number, sigma: number): number {
  const z =
    Math.log((Math.max(0, velocity) + VELOCITY_PSEUDOCOUNT) / (Math.max(0, expected) + VELOCITY_PSEUDOCOUNT)) / sigma;
  return 100 / (1 + Math.exp(-(z - SCORE_MIDPOINT_Z)));
}

export function assessVirality(state: PostVirality, now: number, options: AssessOptions = {}): ViralityAssessment {
  const calibration = options.calibration ?? CALIBRATION;
  const model = platformModel(calibration, state.platform);
  const velocity = velocityAt(state, now, WINDOW_MS, now);
  const previous = velocityAt(state, now - WINDOW_MS, WINDOW_MS, now);
  const velocity15 = velocityAt(state, now, LONG_WINDOW_MS, now);
  const acceleration = (velocity - previous) / WINDOW_MINUTES;
  const latest = latestSnapshot(state, now);
  const spread = Math.max(state.cascadeSize, latest === undefined ? 0 : latest.shares + latest.replies);
  const ageMs = state.postTime === null ? null : now - state.postTime;
  // Completed with Object.assign, not `{ ...common, more }`: that literal costs microseconds a call
  // on Node 20's V8 (measured), and this runs for every mention and snapshot.
  const common = {
    velocity,
    velocity15,
    acceleration,
    cascadeSize: state.cascadeSize,
    cascadeDepth: state.cascadeDepth,
    cascadeVelocity: cascadeVelocity(state, now),
    cascadeReach: state.cascadeReach,
    spread,
    ageMs,
  };
  if (state.authorFollowers === null || ageMs === null) {
    return Object.assign(common, { score: 0, expectedVelocity: 0, ratio: 1, z: 0, viral: false });
  }
  const expected = expectedVelocity(model, state.authorFollowers, ageMs);
  const ratio = (velocity + VELOCITY_PSEUDOCOUNT) / (expected + VELOCITY_PSEUDOCOUNT);
  const z = Math.log(ratio) / model.sigma;
  const score = viralityScore(velocity, expected, model.sigma);
  const viral = score >= VIRAL_RULE.minScore && velocity >= VIRAL_RULE.minVelocity && spread >= VIRAL_RULE.minSpread;
  return Object.assign(common, { score, expectedVelocity: expected, ratio, z, viral });
}

/**
 * Why `assessment` (of `state`) is or is not viral, in words: the rules it fails and the evidence.
 * Apart from assessVirality because the enrich stage and the tagger assess at every signal but
 * only the published updates carry the text (its number formatting was 2% of the enrich stage's CPU).
 */
export function viralityReason(state: PostVirality, assessment: ViralityAssessment): string {
  if (state.authorFollowers === null || assessment.ageMs === null) {
    return "not viral: the root post has not been seen, so its audience is unknown";
  }
  const { score, velocity, spread, ratio, expectedVelocity: expected, z } = assessment;
  const failed: string[] = [];
  if (!(score >= VIRAL_RULE.minScore)) failed.push(`score ${fmt(score)} < ${VIRAL_RULE.minScore}`);
  if (!(velocity >= VIRAL_RULE.minVelocity))
    failed.push(`velocity ${fmt(velocity)}/min < ${VIRAL_RULE.minVelocity}/min`);
  if (!(spread >= VIRAL_RULE.minSpread)) failed.push(`spread ${spread} < ${VIRAL_RULE.minSpread}`);
  const evidence =
    `${fmt(velocity)}/min is ${fmt(ratio)}x the ${fmt(expected)}/min expected ` +
    `for ${state.authorFollowers} followers on ${state.platform} (z ${fmt(z)}, score ${fmt(score)}); ` +
    `spread ${spread}, cascade ${state.cascadeSize} deep ${state.cascadeDepth}`;
  return failed.length === 0 ? `viral: ${evidence}` : `not viral (${failed.join("; ")}): ${evidence}`;
}

/** The tag carried on mentions (schemas ViralityTag). */
export function toViralityTag(assessment: ViralityAssessment): ViralityTag {
  return {
    score: Math.round(assessment.score * 10) / 10,
    velocity: Math.round(assessment.velocity * 100) / 100,
    viral: assessment.viral,
  };
}

function latestSnapshot(state: PostVirality, now: number): EngagementSnapshot | undefined {
  let latest: EngagementSnapshot | undefined;
  for (const s of state.snapshots) if (s.t <= now) latest = s;
  return latest;
}

/**
 * New cascade members per minute over the minute buckets that overlap (now - 5 min, now]: the
 * count in buckets floor(now/min) - 4 .. floor(now/min), over the time they span up to now.
 */
function cascadeVelocity(state: PostVirality, now: number): number {
  const current = Math.floor(now / MINUTE_MS);
  const from = current - (WINDOW_MINUTES - 1);
  let n = 0;
  for (const [minute, count] of state.cascadeMinutes) if (minute >= from && minute <= current) n += count;
  const spanMinutes = (now - from * MINUTE_MS) / MINUTE_MS;
  return spanMinutes > 0 ? n / spanMinutes : 0;
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  return abs >= 100 ? x.toFixed(0) : abs >= 10 ? x.toFixed(1) : x.toFixed(2);
}
