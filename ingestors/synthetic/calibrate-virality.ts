/**
 * Calibration of the expected-velocity model (model.ts) on the simulator's ordinary posts, and a
 * check of the result: how surprising ordinary posts look to assessVirality.
 *
 *   npx tsx ingestors/synthetic/calibrate-virality.ts            print the fit and the check
 *   npx tsx ingestors/synthetic/calibrate-virality.ts --write    also rewrite calibration.ts
 *
 * Method (docs/virality.md, "Calibration"): run the simulator without scenarios on CALIBRATION_SEEDS;
 * keep every top post whose 60-minute snapshot was seen; per platform (and pooled, for the fallback):
 *   1. E60 = weighted engagement of the 60-minute snapshot. Bin posts by log10(followers) in
 *      quarter decades; fit ln(median E60) = ln a + b ln(F + c) by least squares over the bins
 *      with at least MIN_BIN_POSTS posts and a median of at least MIN_BIN_MEDIAN, every bin
 *      weighing the same, choosing c from a log grid (0, 1 .. 10 000) by the smallest residual.
 *   2. tau: among posts with E60 >= MIN_PROFILE_E60, the medians of E(1)/E60, E(5)/E60 and
 *      E(15)/E60; tau minimises the squared log error of (1 - e^(-age/tau)) / (1 - e^(-60/tau)).
 *   3. sigma: 1.4826 x the median absolute deviation of ln(E60 / expected E60) among posts whose
 *      expected E60 is at least MIN_SIGMA_EXPECTED (at least the MIN_SIGMA_POSTS largest).
 * The fallback (platforms the simulator does not write) is the same fit over the social platforms
 * pooled. The check then assesses every post with the result (peakScores) and prints the spread.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { assessVirality, weightedEngagement } from "../../processors/virality/assess.js";
import type { Calibration, PlatformModel } from "../../processors/virality/model.js";
import { emptyPostState, MINUTE_MS, type PostVirality } from "../../processors/virality/state.js";
import type { Platform } from "../../schemas/types.generated.js";
import { createSyntheticIngestor } from "./index.js";

export const CALIBRATION_SEEDS = [101, 102, 103, 104] as const;
export const CALIBRATION_MENTIONS = 300_000;
const MIN_BIN_POSTS = 10;
const MIN_BIN_MEDIAN = 5;
const MIN_PROFILE_E60 = 100;
const MIN_SIGMA_EXPECTED = 100;
const MIN_SIGMA_POSTS = 100;
const PROFILE_AGES_MIN = [1, 5, 15] as const;
const C_GRID = [0, ...Array.from({ length: 41 }, (_, i) => 10 ** (i / 10))]; // 0, 1 .. 10 000

/** One ordinary top post and its weighted engagement at the simulator's snapshot ages. */
export interface CalibrationPost {
  platform: Platform;
  followers: number;
  postTime: number;
  /** Weighted engagement by age in whole minutes (1, 5, 15, 60). */
  engagement: Record<number, number>;
}

/** Top posts of a run without scenarios whose 60-minute snapshot was seen. */
export async function collectPosts(seed: number, maxMentions: number): Promise<CalibrationPost[]> {
  const posts = new Map<string, CalibrationPost>();
  const ingestor = createSyntheticIngestor({ seed, speed: 0, maxMentions, scenarios: [] });
  for await (const event of ingestor.events(new AbortController().signal)) {
    if (event.type === "mention") {
      const m = event.mention;
      if (m.rootId !== null) continue;
      posts.set(`${m.platform}:${m.id}`, {
        platform: m.platform,
        followers: m.author.followers,
        postTime: m.eventTime,
        engagement: {},
      });
    } else if (event.type === "engagement") {
      const e = event.engagement;
      const post = posts.get(`${e.platform}:${e.postId}`);
      if (post) post.engagement[Math.round((e.eventTime - post.postTime) / MINUTE_MS)] = weightedEngagement(e);
    }
  }
  return [...posts.values()].filter((post) => post.engagement[60] !== undefined);
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

interface Bin {
  followers: number;
  e60: number;
  n: number;
}

function bins(posts: CalibrationPost[]): Bin[] {
  const groups = new Map<number, CalibrationPost[]>();
  for (const post of posts) {
    const key = Math.floor(Math.log10(Math.max(1, post.followers)) * 4);
    const group = groups.get(key);
    if (group) group.push(post);
    else groups.set(key, [post]);
  }
  return [...groups.values()]
    .filter((group) => group.length >= MIN_BIN_POSTS)
    .map((group) => ({
      followers: median(group.map((p) => p.followers)),
      e60: median(group.map((p) => p.engagement[60] as number)),
      n: group.length,
    }))
    .filter((bin) => bin.e60 >= MIN_BIN_MEDIAN);
}

/** Weighted least squares of y on x: [intercept, slope, weighted squared error]. */
function wls(x: number[], y: number[], w: number[]): [number, number, number] {
  let sw = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    sw += w[i] as number;
    sx += (w[i] as number) * (x[i] as number);
    sy += (w[i] as number) * (y[i] as number);
  }
  const mx = sx / sw;
  const my = sy / sw;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < x.length; i++) {
    sxx += (w[i] as number) * ((x[i] as number) - mx) ** 2;
    sxy += (w[i] as number) * ((x[i] as number) - mx) * ((y[i] as number) - my);
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  const intercept = my - slope * mx;
  let error = 0;
  for (let i = 0; i < x.length; i++) {
    error += (w[i] as number) * ((y[i] as number) - intercept - slope * (x[i] as number)) ** 2;
  }
  return [intercept, slope, error];
}

function growthShareMinutes(ageMin: number, tau: number): number {
  return (1 - Math.exp(-ageMin / tau)) / (1 - Math.exp(-60 / tau));
}

export interface FitReport {
  model: PlatformModel;
  posts: number;
  bins: number;
  profile: Record<number, number>;
}

/** Fits one platform's model (see the file's comment); throws when there is too little data. */
export function fitModel(posts: CalibrationPost[], label: string): FitReport {
  const usable = bins(posts);
  if (usable.length < 2) throw new Error(`${label}: too few usable follower bins (${usable.length})`);
  const y = usable.map((bin) => Math.log(bin.e60));
  // Every quarter decade counts the same, so the many small accounts do not decide the slope alone.
  const w = usable.map(() => 1);
  let best: { a: number; b: number; c: number; error: number } | undefined;
  for (const c of C_GRID) {
    const [intercept, slope, error] = wls(
      usable.map((bin) => Math.log(bin.followers + c)),
      y,
      w,
    );
    if (best === undefined || error < best.error - 1e-12) best = { a: Math.exp(intercept), b: slope, c, error };
  }
  const { a, b, c } = best as { a: number; b: number; c: number };

  const big = posts.filter((post) => (post.engagement[60] as number) >= MIN_PROFILE_E60);
  const profile: Record<number, number> = {};
  for (const age of PROFILE_AGES_MIN) {
    profile[age] = median(big.map((post) => (post.engagement[age] ?? 0) / (post.engagement[60] as number)));
  }
  let tauMinutes = 1;
  let tauError = Number.POSITIVE_INFINITY;
  for (let tau = 1; tau <= 600; tau += 0.5) {
    let error = 0;
    for (const age of PROFILE_AGES_MIN) {
      error += (Math.log(Math.max(1e-6, profile[age] as number)) - Math.log(growthShareMinutes(age, tau))) ** 2;
    }
    if (error < tauError) {
      tauError = error;
      tauMinutes = tau;
    }
  }

  // Where the expectation is large, counting noise and the floor of replies seen in the stream do
  // not hide the multiplicative spread that big accounts' posts have.
  const byExpected = posts
    .map((post) => ({ post, expected: a * (post.followers + c) ** b }))
    .sort((x, y) => y.expected - x.expected);
  const enough = byExpected.filter(({ expected }) => expected >= MIN_SIGMA_EXPECTED);
  const sample = enough.length >= MIN_SIGMA_POSTS ? enough : byExpected.slice(0, MIN_SIGMA_POSTS);
  if (sample.length < MIN_SIGMA_POSTS) throw new Error(`${label}: too few posts for sigma (${sample.length})`);
  const residuals = sample.map(({ post, expected }) =>
    Math.log(Math.max(0.5, post.engagement[60] as number) / expected),
  );
  const centre = median(residuals);
  const sigma = 1.4826 * median(residuals.map((r) => Math.abs(r - centre)));
  return { model: { a, b, c, tauMinutes, sigma }, posts: posts.length, bins: usable.length, profile };
}

export interface CalibrationResult {
  calibration: Calibration;
  reports: Record<string, FitReport>;
}

export function fitCalibration(posts: CalibrationPost[]): CalibrationResult {
  const byPlatform = new Map<Platform, CalibrationPost[]>();
  for (const post of posts) {
    const list = byPlatform.get(post.platform);
    if (list) list.push(post);
    else byPlatform.set(post.platform, [post]);
  }
  const reports: Record<string, FitReport> = {};
  const platforms: Calibration["platforms"] = {};
  for (const [platform, list] of [...byPlatform].sort(([p], [q]) => p.localeCompare(q))) {
    const report = fitModel(list, platform);
    reports[platform] = report;
    platforms[platform] = report.model;
  }
  // News portals have millions of followers and few engagements per follower; they would bend a
  // pooled fit, so the fallback (for platforms the simulator does not write) pools the social ones.
  const pooled = fitModel(
    posts.filter((post) => post.platform !== "news"),
    "pooled",
  );
  reports.fallback = pooled;
  return { calibration: { platforms, fallback: pooled.model }, reports };
}

/**
 * The check: replays each post's snapshots into a PostVirality and assesses it at every snapshot
 * and 5 minutes after each (where the piecewise-linear velocity peaks); returns the highest score
 * and z per post.
 */
export function peakScores(posts: CalibrationPost[], calibration: Calibration): { score: number; z: number }[] {
  return posts.map((post, i) => {
    let state: PostVirality = {
      ...emptyPostState(post.platform, `p${i}`),
      authorFollowers: post.followers,
      postTime: post.postTime,
    };
    const ages = Object.keys(post.engagement)
      .map(Number)
      .sort((x, y) => x - y);
    let score = 0;
    let z = Number.NEGATIVE_INFINITY;
    for (const age of ages) {
      // The weighted engagement goes in as likes: assessment only uses the weighted sum.
      state = {
        ...state,
        snapshots: [
          ...state.snapshots,
          {
            t: post.postTime + age * MINUTE_MS,
            likes: post.engagement[age] as number,
            shares: 0,
            replies: 0,
            views: 0,
            clicks: 0,
          },
        ],
      };
    }
    for (const age of ages) {
      for (const at of [age, age + 5]) {
        const assessment = assessVirality(state, post.postTime + at * MINUTE_MS, { calibration });
        score = Math.max(score, assessment.score);
        z = Math.max(z, assessment.z);
      }
    }
    return { score, z };
  });
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

function formatModel(m: PlatformModel): string {
  const r = (x: number, digits: number) => Number(x.toPrecision(digits));
  return `{ a: ${r(m.a, 4)}, b: ${r(m.b, 4)}, c: ${r(m.c, 3)}, tauMinutes: ${m.tauMinutes}, sigma: ${r(m.sigma, 3)} }`;
}

export function calibrationSource(result: CalibrationResult, provenance: string): string {
  const lines = Object.entries(result.calibration.platforms).map(
    ([platform, model]) => `    ${platform}: ${formatModel(model as PlatformModel)},`,
  );
  return `/**
 * Generated by \`npx tsx ingestors/synthetic/calibrate-virality.ts --write\`; do not edit by hand.
 * ${provenance}
 * E60(F) = a * (F + c)^b weighted engagements at 60 minutes; tauMinutes the growth time constant;
 * sigma the spread of ln(observed / expected). See model.ts and docs/virality.md.
 */
import type { Calibration } from "../../processors/virality/model.js";

export const CALIBRATION: Calibration = {
  platforms: {
${lines.join("\n")}
  },
  fallback: ${formatModel(result.calibration.fallback)},
};
`;
}

async function main(): Promise<void> {
  const write = process.argv.includes("--write");
  const posts: CalibrationPost[] = [];
  for (const seed of CALIBRATION_SEEDS) posts.push(...(await collectPosts(seed, CALIBRATION_MENTIONS)));
  const result = fitCalibration(posts);
  for (const [name, report] of Object.entries(result.reports)) {
    const profile = Object.entries(report.profile)
      .map(([age, share]) => `E${age}/E60=${share.toFixed(3)}`)
      .join(" ");
    console.log(
      `${name.padEnd(10)} ${formatModel(report.model)}  posts ${report.posts} bins ${report.bins} ${profile}`,
    );
  }
  const peaks = peakScores(posts, result.calibration);
  const scores = peaks.map((p) => p.score).sort((x, y) => x - y);
  const zs = peaks.map((p) => p.z).sort((x, y) => x - y);
  console.log(
    `check over ${peaks.length} ordinary posts: peak score p50 ${quantile(scores, 0.5).toFixed(1)} ` +
      `p99 ${quantile(scores, 0.99).toFixed(1)} p99.9 ${quantile(scores, 0.999).toFixed(1)} max ${(scores[scores.length - 1] as number).toFixed(1)}; ` +
      `peak z p99.9 ${quantile(zs, 0.999).toFixed(2)} max ${(zs[zs.length - 1] as number).toFixed(2)}`,
  );
  if (write) {
    const target = fileURLToPath(new URL("../../processors/virality/calibration.ts", import.meta.url));
    const provenance = `Simulator seeds ${CALIBRATION_SEEDS.join(", ")}, ${CALIBRATION_MENTIONS} mentions each, no scenarios; ${posts.length} ordinary top posts.`;
    writeFileSync(target, calibrationSource(result, provenance));
    console.log(`wrote ${target}`);
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
