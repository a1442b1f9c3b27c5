/**
 * The simulator's viral-post scenario through an in-memory driver: the scenario's post is flagged
 * within 60 s of simulated time after its take-off, stays flagged through its hour, and no other
 * post is ever flagged. Take-off, as in ingestors/synthetic/scenarios.ts (ViralCascadeStream): the
 * viral post is published at the scenario's start time and its cascade of shares and replies
 * starts right then (arrival rate proportional to t * exp(-t / 12 min)); the take-off time is the
 * post's eventTime, startTime + startMinute minutes.
 */
import { describe, expect, it } from "vitest";
import { createSyntheticIngestor, SYNTHETIC_DEFAULTS } from "../../../ingestors/synthetic/index.js";
import { ViralityDriver } from "./driver.js";

const MIN = 60_000;
const START_MINUTE = 30;
/**
 * At the default 600 mentions a minute, a few thousand mentions end before minute 30: 60 000 cover
 * about 95 simulated minutes, the viral post's first hour included.
 */
const MENTIONS = 60_000;

interface Run {
  viralKey: string;
  takeOff: number;
  /** Per post, the first time an assessment said viral. */
  firstFlag: Map<string, number>;
  /** The viral post's assessments: [time, viral]. */
  viralTimeline: [number, boolean][];
  maxOtherScore: number;
  posts: number;
  viralCascade: { size: number; depth: number };
}

async function run(seed: number, mentionsPerMinute = 600, maxMentions = MENTIONS): Promise<Run> {
  let viralKey = "";
  let takeOff = Number.NaN;
  let viralPosts = 0;
  const firstFlag = new Map<string, number>();
  const viralTimeline: [number, boolean][] = [];
  let maxOtherScore = 0;
  const driver = new ViralityDriver(({ key, now, assessment }) => {
    if (assessment.viral && !firstFlag.has(key)) firstFlag.set(key, now);
    if (key === viralKey) viralTimeline.push([now, assessment.viral]);
    else maxOtherScore = Math.max(maxOtherScore, assessment.score);
  });
  const ingestor = createSyntheticIngestor({
    seed,
    speed: 0,
    mentionsPerMinute,
    maxMentions,
    scenarios: [{ type: "viral-post", agency: "kemenkes", startMinute: START_MINUTE }],
  });
  for await (const event of ingestor.events(new AbortController().signal)) {
    if (event.type === "mention" && event.mention.rootId === null && event.truth?.scenario === "viral-post:kemenkes") {
      viralKey = `${event.mention.platform}:${event.mention.id}`;
      takeOff = event.mention.eventTime;
      viralPosts++;
    }
    driver.handle(event);
  }
  expect(viralPosts).toBe(1);
  const viral = driver.states.get(viralKey);
  return {
    viralKey,
    takeOff,
    firstFlag,
    viralTimeline,
    maxOtherScore,
    posts: [...driver.states.values()].filter((s) => s.postTime !== null).length,
    viralCascade: { size: viral?.cascadeSize ?? 0, depth: viral?.cascadeDepth ?? 0 },
  };
}

describe("virality on the simulator's viral-post scenario", () => {
  const cases = [
    { seed: 42, rate: 600, mentions: MENTIONS, posts: 15_000 },
    { seed: 7, rate: 600, mentions: MENTIONS, posts: 15_000 },
    { seed: 1234, rate: 600, mentions: MENTIONS, posts: 15_000 },
    { seed: 2025, rate: 600, mentions: MENTIONS, posts: 15_000 },
    // A few thousand mentions at a sixth of the rate still cover the take-off and its hour.
    { seed: 42, rate: 100, mentions: 8_000, posts: 2_000 },
  ];
  for (const { seed, rate, mentions, posts } of cases) {
    it(`seed ${seed}, ${rate}/min, ${mentions} mentions: flags the viral post within 60 s of its take-off and nothing else`, async () => {
      const r = await run(seed, rate, mentions);
      expect(r.takeOff).toBe(SYNTHETIC_DEFAULTS.startTime + START_MINUTE * MIN);
      const flaggedAt = r.firstFlag.get(r.viralKey);
      expect(flaggedAt).toBeDefined();
      expect((flaggedAt as number) - r.takeOff).toBeGreaterThanOrEqual(0);
      expect((flaggedAt as number) - r.takeOff).toBeLessThanOrEqual(60_000);
      expect([...r.firstFlag.keys()]).toEqual([r.viralKey]);
      // Flagged at every assessment from the first flag through its first hour.
      const hour = r.viralTimeline.filter(([t]) => t >= (flaggedAt as number) && t <= r.takeOff + 60 * MIN);
      expect(hour.length).toBeGreaterThan(500);
      expect(hour.every(([, viral]) => viral)).toBe(true);
      // The ordinary posts stay far from the threshold (70).
      expect(r.posts).toBeGreaterThan(posts);
      expect(r.maxOtherScore).toBeLessThan(50);
      // The driver built the cascade: hundreds of members, shares of shares.
      expect(r.viralCascade.size).toBeGreaterThan(500);
      expect(r.viralCascade.depth).toBeGreaterThanOrEqual(4);
    });
  }
});
