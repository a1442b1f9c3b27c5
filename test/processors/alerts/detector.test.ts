import { describe, expect, it } from "vitest";
import { Detector, runDetector } from "../../../processors/alerts/detector.js";
import { MINUTE_MS, type MinuteInput } from "../../../processors/alerts/series.js";
import { observeEvents } from "../../../processors/alerts/signal.js";
import { extraNegatives, type rhythm, rule, SCOPE, START, series, surge, wib } from "./helpers.js";

const BASELINE = { weeks: 2, samplesPerHour: 4, minSamples: 8 };
/** Two weeks of the rhythm: the hour-of-week baseline is ready on day 14 (a Monday). */
const HISTORY_DAYS = 14;

const negativeCount = rule("bpjs-negative-count", {
  scope: { agency: "bpjs-kesehatan" },
  signal: "negative-count",
  window: "5m",
  baseline: BASELINE,
  threshold: { z: 4, minVolume: 10 },
  resolve: { after: "5m" },
  cooldown: "60m",
  channels: [],
});

const negativeShare = rule("bpjs-negative-share", {
  signal: "negative-share",
  baseline: BASELINE,
  threshold: { z: 3, share: 0.4, minVolume: 20 },
});

const totalVolume = rule("bpjs-volume", { signal: "total-volume", baseline: BASELINE, threshold: { z: 4 } });

/** The history and the test day until `untilHour` WIB, with changes on the test day. */
function scenario(changes: Parameters<typeof series>[2], untilHour = 23) {
  return series(START, wib(HISTORY_DAYS, untilHour), changes);
}

describe("detector", () => {
  it("a negative spike in a steady daily rhythm fires exactly once, within 2 minutes, and resolves after it ends", () => {
    const spikeStart = wib(HISTORY_DAYS, 10);
    const spikeEnd = spikeStart + 15 * MINUTE_MS;
    const { alerts } = runDetector(negativeCount, SCOPE, scenario([[spikeStart, spikeEnd, extraNegatives(30)]]));
    expect(alerts.map((alert) => alert.status)).toEqual(["firing", "resolved"]);
    const [firing, resolved] = alerts as [(typeof alerts)[0], (typeof alerts)[0]];
    expect(firing.firedAt).toBeLessThanOrEqual(spikeStart + 2 * MINUTE_MS);
    expect(firing).toMatchObject({
      ruleId: "bpjs-negative-count",
      agency: "bpjs-kesehatan",
      signal: "negative-count",
      baselineMethod: "hour-of-week",
      severity: "warning",
      windowStart: firing.windowEnd - 5 * MINUTE_MS,
      notifyAt: null,
    });
    // Why it fired: the observed count is past the threshold, far above the baseline (daytime: about 30 negatives in 5 minutes).
    expect(firing.observed).toBeGreaterThanOrEqual(firing.threshold);
    expect(firing.baseline).toBeGreaterThan(20);
    expect(firing.baseline).toBeLessThan(40);
    expect(firing.z).toBeGreaterThanOrEqual(4);
    expect(firing.message).toContain("negative-count");
    expect(firing.id).toBe(`${firing.incidentId}:firing`);
    expect(resolved.id).toBe(`${firing.incidentId}:resolved`);
    // Resolved once the window no longer holds spike minutes, after 5 recovered minutes.
    expect(resolved.firedAt).toBeGreaterThan(spikeEnd);
    expect(resolved.firedAt).toBeLessThanOrEqual(spikeEnd + 11 * MINUTE_MS);
  });

  it("a volume surge with a normal sentiment mix fires no negative-share alert (but a volume alert)", () => {
    const surgeStart = wib(HISTORY_DAYS, 10);
    const inputs = scenario([[surgeStart, surgeStart + 30 * MINUTE_MS, surge(5)]]);
    expect(runDetector(negativeShare, SCOPE, inputs).alerts).toEqual([]);
    expect(runDetector(totalVolume, SCOPE, inputs).alerts.map((alert) => alert.status)).toEqual(["firing", "resolved"]);
  });

  it("a rise of the negative share fires the negative-share rule with the share as its threshold", () => {
    const start = wib(HISTORY_DAYS, 10);
    const inputs = scenario([[start, start + 20 * MINUTE_MS, extraNegatives(20)]]);
    const [firing] = runDetector(negativeShare, SCOPE, inputs).alerts;
    expect(firing?.observed).toBeGreaterThanOrEqual(0.4);
    expect(firing?.threshold).toBeGreaterThanOrEqual(0.4);
    expect(firing?.firedAt).toBeLessThanOrEqual(start + 2 * MINUTE_MS);
  });

  it("3 negative mentions at 02:00 WIB fire nothing: below the minimum volume (without it they would)", () => {
    const night = wib(HISTORY_DAYS, 2);
    const inputs = scenario([[night, night + MINUTE_MS, extraNegatives(3)]], 4);
    expect(runDetector(negativeCount, SCOPE, inputs).alerts).toEqual([]);
    const noMinimum = rule("no-minimum", {
      signal: "negative-count",
      baseline: BASELINE,
      threshold: { z: 3, minVolume: 0 },
    });
    const tonight = runDetector(noMinimum, SCOPE, inputs).alerts.filter(
      (alert) => alert.firedAt > wib(HISTORY_DAYS, 0),
    );
    // Baseline 0 at night, spread floored at 1 (Poisson): 3 negatives are z 3.
    expect(tonight.map((alert) => [alert.status, alert.firedAt, alert.z])).toEqual([
      ["firing", night + MINUTE_MS, 3],
      ["resolved", night + 10 * MINUTE_MS, 0],
    ]);
  });

  it("a second spike inside the cooldown fires nothing; one after the cooldown fires again", () => {
    const first = wib(HISTORY_DAYS, 10);
    const second = first + 30 * MINUTE_MS;
    const third = first + 90 * MINUTE_MS;
    const spike = (start: number): [number, number, ReturnType<typeof extraNegatives>] => [
      start,
      start + 10 * MINUTE_MS,
      extraNegatives(30),
    ];
    const detector = new Detector(negativeCount, SCOPE);
    const alerts = scenario([spike(first), spike(second), spike(third)]).flatMap(
      (input) => detector.step(input).alerts,
    );
    expect(alerts.map((alert) => alert.status)).toEqual(["firing", "resolved", "firing", "resolved"]);
    const firings = alerts.filter((alert) => alert.status === "firing").map((alert) => alert.firedAt);
    expect(firings[0]).toBeLessThanOrEqual(first + 2 * MINUTE_MS);
    expect(firings[1]).toBeGreaterThanOrEqual(third);
    expect(firings[1]).toBeLessThanOrEqual(third + 2 * MINUTE_MS);
    expect(detector.state.suppressed).toBeGreaterThan(0);
  });

  it("quiet hours hold a warning until their end; a critical rule notifies at once", () => {
    const quiet = { from: "22:00", to: "06:00", minSeverity: "critical" };
    const spike = wib(HISTORY_DAYS, 23);
    const inputs = series(START, wib(HISTORY_DAYS + 1, 1), [[spike, spike + 10 * MINUTE_MS, extraNegatives(30)]]);
    const fields = {
      signal: "negative-count",
      baseline: BASELINE,
      threshold: { z: 4, minVolume: 10 },
      quietHours: quiet,
    };
    const held = runDetector(rule("warning", fields), SCOPE, inputs).alerts;
    expect(held.map((alert) => [alert.status, alert.notifyAt])).toEqual([
      ["firing", wib(HISTORY_DAYS + 1, 6)],
      ["resolved", wib(HISTORY_DAYS + 1, 6)],
    ]);
    const critical = runDetector(rule("critical", { ...fields, severity: "critical" }), SCOPE, inputs).alerts;
    expect(critical.map((alert) => [alert.status, alert.notifyAt])).toEqual([
      ["firing", null],
      ["resolved", null],
    ]);
    // Outside quiet hours a warning goes at once.
    const day = wib(HISTORY_DAYS, 10);
    const daytime = series(START, wib(HISTORY_DAYS, 12), [[day, day + 10 * MINUTE_MS, extraNegatives(30)]]);
    expect(runDetector(rule("warning", fields), SCOPE, daytime).alerts.map((alert) => alert.notifyAt)).toEqual([
      null,
      null,
    ]);
  });

  it("a net-sentiment drop fires when the mix turns negative at the same volume", () => {
    const start = wib(HISTORY_DAYS, 10);
    const turn = (point: ReturnType<typeof rhythm>) => ({
      ...point,
      negative: point.negative + point.positive,
      positive: 0,
    });
    const drop = rule("drop", { signal: "net-sentiment-drop", baseline: BASELINE, threshold: { z: 3, minVolume: 20 } });
    const alerts = runDetector(drop, SCOPE, scenario([[start, start + 20 * MINUTE_MS, turn]])).alerts;
    expect(alerts.map((alert) => alert.status)).toEqual(["firing", "resolved"]);
    expect(alerts[0]?.observed).toBeLessThan(alerts[0]?.threshold as number);
    expect(alerts[0]?.baseline).toBeGreaterThan(0);
  });

  it("falls back to the EWMA while the hour-of-week history is short, and does not fire while warming up", () => {
    const spike = wib(2, 10);
    const inputs = series(START, wib(2, 12), [[spike, spike + 10 * MINUTE_MS, extraNegatives(60)]]);
    const [firing] = runDetector(negativeCount, SCOPE, inputs).alerts;
    expect(firing?.baselineMethod).toBe("ewma");
    const early = series(START, START + 60 * MINUTE_MS, [
      [START + 30 * MINUTE_MS, START + 40 * MINUTE_MS, extraNegatives(60)],
    ]);
    expect(runDetector(negativeCount, SCOPE, early).alerts).toEqual([]);
    // With a floor, the floor is the baseline while warming up: a fresh scope alerts on absolute levels.
    const floored = runDetector({ ...negativeCount, baseline: { ...negativeCount.baseline, floor: 5 } }, SCOPE, early);
    expect(floored.alerts.map((alert) => [alert.status, alert.baselineMethod, alert.baseline])).toEqual([
      ["firing", "floor", 5],
      ["resolved", "floor", 5],
    ]);
  });

  it("fires on a viral negative post with the posts and authors as evidence, and resolves when none remain in the window", () => {
    const viral = rule("viral", { signal: "viral-negative-post", window: "10m", resolve: { after: "5m" } });
    const at = wib(0, 10);
    const inputs: MinuteInput[] = series(at - 30 * MINUTE_MS, at + 30 * MINUTE_MS);
    const event = (postId: string, author: string, score: number, minute: number) => ({
      kind: "viral-negative-post" as const,
      minute,
      postId,
      author,
      score,
    });
    (inputs[30] as MinuteInput).events = [
      event("p1", "a1", 0.7, at),
      event("p2", "a2", 0.9, at),
      { ...event("p3", "a3", 1, at), kind: "impersonation" as const },
    ];
    // p1 flagged again the next minute: still one post.
    (inputs[31] as MinuteInput).events = [event("p1", "a1", 0.75, at + MINUTE_MS)];
    (inputs[32] as MinuteInput).events = [event("p4", "a1", 0.8, at + 2 * MINUTE_MS)];
    const { alerts } = runDetector(viral, SCOPE, inputs);
    expect(alerts.map((alert) => [alert.status, alert.firedAt])).toEqual([
      ["firing", at + MINUTE_MS],
      // The last event (minute +2) leaves the 10-minute window with minute +12; the fifth
      // recovered minute is +16, whose window ends at +17.
      ["resolved", at + 17 * MINUTE_MS],
    ]);
    expect(alerts[0]).toMatchObject({ observed: 2, threshold: 1, z: null, baselineMethod: "none" });
    expect(alerts[0]?.topPostIds).toEqual(["p2", "p1"]);
    expect(alerts[0]?.topAuthorIds).toEqual(["a2", "a1"]);
  });

  it("counts a post flagged in several minutes once, at its best score", () => {
    const viral = rule("viral", { signal: "viral-negative-post", threshold: { minEvents: 2 } });
    const flag = (postId: string, score: number) => ({
      kind: "viral-negative-post" as const,
      minute: START,
      postId,
      author: "a",
      score,
    });
    const observation = observeEvents(viral, [flag("p1", 0.7), flag("p1", 0.75), flag("p2", 0.9)]);
    expect(observation).toMatchObject({ value: 2, breach: true });
    expect(observation.events.map((event) => [event.postId, event.score])).toEqual([
      ["p2", 0.9],
      ["p1", 0.75],
    ]);
  });

  it("state is plain JSON: a run split in two through JSON gives the same alerts as one run", () => {
    const spike = wib(HISTORY_DAYS, 10);
    const inputs = scenario([[spike, spike + 15 * MINUTE_MS, extraNegatives(30)]], 12);
    const whole = runDetector(negativeCount, SCOPE, inputs);
    const cut = inputs.length - 150;
    const first = runDetector(negativeCount, SCOPE, inputs.slice(0, cut));
    const second = runDetector(negativeCount, SCOPE, inputs.slice(cut), JSON.parse(JSON.stringify(first.state)));
    expect([...first.alerts, ...second.alerts]).toEqual(whole.alerts);
    expect(second.state).toEqual(whole.state);
  });

  it("ignores redelivered minutes and counts missing minutes as empty", () => {
    const inputs = series(START, START + 40 * MINUTE_MS);
    const detector = new Detector(negativeCount, SCOPE);
    for (const input of inputs) detector.step(input);
    const before = structuredClone(detector.state);
    expect(detector.step(inputs[10] as MinuteInput)).toEqual({ alerts: [], observation: null });
    expect(detector.state).toEqual(before);
    // Skipping minutes with no row equals stepping explicit zero minutes.
    const sparse = inputs.filter((input) => input.point.total > 0 || input.point.minute % (7 * MINUTE_MS) === 0);
    const zeros = inputs.map((input) =>
      sparse.includes(input) ? input : { point: { ...input.point, total: 0, negative: 0, positive: 0, neutral: 0 } },
    );
    expect(runDetector(negativeCount, SCOPE, sparse).state).toEqual(runDetector(negativeCount, SCOPE, zeros).state);
  });

  it("restarts the state when an edit changes the signal or the window, keeps it otherwise", () => {
    const { state } = runDetector(negativeCount, SCOPE, series(START, START + 60 * MINUTE_MS));
    expect(new Detector({ ...negativeCount, cooldown: 5 }, SCOPE, state).state.lastMinute).toBe(state.lastMinute);
    expect(new Detector({ ...negativeCount, window: 10 }, SCOPE, state).state.lastMinute).toBeNull();
  });
});
