/**
 * What an ordinary post is expected to do, given its platform and its author's followers: the
 * calibrated model behind the relative virality score (see docs/virality.md, "Expected velocity").
 *
 *   E60(F)   = a * (F + c)^b                   weighted engagements an ordinary post has at 60 minutes
 *   h(age)   = (1 - exp(-age/tau)) / (1 - exp(-60 min/tau))   share of E60 reached at `age`
 *   expected = E60(F) * h(min(age, 5 min)) / w,  w = min(5 min, max(1 min, age))   per minute
 *
 * w is the velocity window (assess.ts): 5 minutes, or the post's age while it is younger (at least
 * 1 minute). Past 5 minutes the expectation stays at the first 5 minutes' velocity, the highest an
 * ordinary post's 5-minute velocity gets (engagement grows as 1 - exp(-t/tau), fastest at the
 * start), so a post is never called surprising just because it is old.
 */
import type { Platform } from "../../schemas/types.generated.js";
import { MINUTE_MS } from "./state.js";

export interface PlatformModel {
  /** E60(F) = a * (F + c)^b. */
  a: number;
  b: number;
  c: number;
  /** Growth time constant, minutes. */
  tauMinutes: number;
  /** Standard deviation of ln(observed / expected) among ordinary posts (robust estimate). */
  sigma: number;
}

export interface Calibration {
  /** Per platform; platforms not listed use `fallback`. */
  platforms: Partial<Record<Platform, PlatformModel>>;
  fallback: PlatformModel;
}

/** The velocity window, its shortest length for a young post, and the calibration's horizon. */
export const WINDOW_MS = 5 * MINUTE_MS;
export const MIN_WINDOW_MS = MINUTE_MS;
export const HORIZON_MS = 60 * MINUTE_MS;

/** The window of a velocity at `ageMs`: `maxMs`, or the age when younger, but at least MIN_WINDOW_MS. */
export function windowFor(ageMs: number | null, maxMs: number): number {
  if (ageMs === null) return maxMs;
  return Math.min(maxMs, Math.max(MIN_WINDOW_MS, ageMs));
}

export function platformModel(calibration: Calibration, platform: Platform): PlatformModel {
  return calibration.platforms[platform] ?? calibration.fallback;
}

/** Expected weighted engagements of an ordinary post at 60 minutes. */
export function expectedAt60(model: PlatformModel, followers: number): number {
  return model.a * (Math.max(0, followers) + model.c) ** model.b;
}

/** Share of its 60-minute engagement an ordinary post has reached at `ageMs` (0 before posting). */
export function growthShare(model: PlatformModel, ageMs: number): number {
  if (!(ageMs > 0)) return 0;
  const tau = model.tauMinutes * MINUTE_MS;
  return (1 - Math.exp(-ageMs / tau)) / (1 - Math.exp(-HORIZON_MS / tau));
}

/** Expected velocity (engagements per minute, window as in assess.ts) of an ordinary post at `ageMs`. */
export function expectedVelocity(model: PlatformModel, followers: number, ageMs: number): number {
  const reached = growthShare(model, Math.min(ageMs, WINDOW_MS));
  return (expectedAt60(model, followers) * reached) / (windowFor(ageMs, WINDOW_MS) / MINUTE_MS);
}
