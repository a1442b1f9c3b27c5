import { describe, expect, it } from "vitest";
import { createSyntheticIngestor, type Scenario, SYNTHETIC_DEFAULTS } from "../../../ingestors/synthetic/index.js";
import type { SourceEvent } from "../../../runtime/ingestor.js";
import type { Mention } from "../../../schemas/types.generated.js";
import { engagements, eventTime, type MentionEvent, mentionEvents } from "../events.js";

const MINUTE_MS = 60_000;
const START = SYNTHETIC_DEFAULTS.startTime;

/** All events of the first `minutes` of a run (600 mentions a minute, as fast as possible). */
async function run(minutes: number, scenarios: readonly Scenario[] = []): Promise<SourceEvent[]> {
  const events: SourceEvent[] = [];
  for await (const event of createSyntheticIngestor({ speed: 0, scenarios }).events(new AbortController().signal)) {
    if ((eventTime(event) as number) >= START + minutes * MINUTE_MS) break;
    events.push(event);
  }
  return events;
}

/** Mentions about `agency` in [startMinute, startMinute + minutes). */
function about(events: SourceEvent[], agency: string, startMinute: number, minutes: number): MentionEvent[] {
  const from = START + startMinute * MINUTE_MS;
  return mentionEvents(events).filter(
    (e) =>
      e.truth?.agency === agency && e.mention.eventTime >= from && e.mention.eventTime < from + minutes * MINUTE_MS,
  );
}

const negativeShare = (events: MentionEvent[]) =>
  events.filter((e) => e.truth?.sentiment === "negative").length / events.length;

describe("synthetic scenarios", () => {
  it("negative-spike: multiplies the agency's volume in its window, overwhelmingly negative", async () => {
    const spike = {
      type: "negative-spike",
      agency: "kemenkes",
      startMinute: 30,
      durationMinutes: 30,
      multiplier: 5,
    } as const;
    const baseline = await run(70);
    const events = await run(70, [spike]);

    const usual = about(baseline, "kemenkes", 30, 30);
    const during = about(events, "kemenkes", 30, 30);
    expect(during.length / usual.length).toBeGreaterThan(0.9 * spike.multiplier);
    expect(during.length / usual.length).toBeLessThan(1.1 * spike.multiplier);
    expect(negativeShare(during)).toBeGreaterThan(0.7);
    expect(negativeShare(about(events, "kemenkes", 0, 30))).toBeLessThan(0.4);

    const extra = mentionEvents(events).filter((e) => e.truth?.scenario === "negative-spike:kemenkes");
    expect(extra.length).toBeGreaterThan(0);
    expect(extra.every((e) => e.truth?.agency === "kemenkes")).toBe(true);
    expect(
      extra.every((e) => e.mention.eventTime >= START + 30 * MINUTE_MS && e.mention.eventTime < START + 60 * MINUTE_MS),
    ).toBe(true);
    // The base stream keeps its timing: the scenario only adds. (Official answers to questions follow
    // the questions, whose content the scenario's extra draws change.)
    const baseTimes = (list: SourceEvent[]) =>
      mentionEvents(list)
        .filter((e) => e.truth?.scenario === null && e.truth.answerTo === undefined)
        .map((e) => e.mention.eventTime);
    expect(baseTimes(events)).toEqual(baseTimes(baseline));
  });

  it("volume-surge: multiplies the agency's volume with its usual tone", async () => {
    const surge = {
      type: "volume-surge",
      agency: "bmkg",
      startMinute: 10,
      durationMinutes: 40,
      multiplier: 4,
      name: "gempa-sore",
    } as const;
    const baseline = about(await run(50), "bmkg", 10, 40);
    const during = about(await run(50, [surge]), "bmkg", 10, 40);
    expect(during.length / baseline.length).toBeGreaterThan(0.9 * surge.multiplier);
    expect(Math.abs(negativeShare(during) - negativeShare(baseline))).toBeLessThan(0.05);
    expect(during.filter((e) => e.truth?.scenario === "gempa-sore").length).toBeGreaterThan(0.6 * during.length);
  });

  it("viral-post: a small account's post draws hundreds of shares and replies, shares of shares, within the hour", async () => {
    const events = await run(75, [{ type: "viral-post", agency: "polri", startMinute: 10 }]);
    const cascade = mentionEvents(events)
      .filter((e) => e.truth?.scenario === "viral-post:polri")
      .map((e) => e.mention);
    const [post, ...responses] = cascade as [Mention, ...Mention[]];
    expect(post).toMatchObject({ platform: "x", kind: "post", parentId: null, eventTime: START + 10 * MINUTE_MS });
    expect(post.author.followers).toBeGreaterThanOrEqual(500);
    expect(post.author.followers).toBeLessThan(30_000);

    const withinTheHour = responses.filter((m) => m.eventTime < post.eventTime + 60 * MINUTE_MS);
    expect(withinTheHour.length).toBeGreaterThanOrEqual(200);
    expect(responses.every((m) => m.rootId === post.id && (m.kind === "share" || m.kind === "reply"))).toBe(true);

    const byId = new Map(cascade.map((m) => [m.id, m]));
    const depth = (m: Mention): number => (m.parentId === null ? 0 : 1 + depth(byId.get(m.parentId) as Mention));
    expect(Math.max(...responses.map(depth))).toBeGreaterThanOrEqual(2);
    expect(responses.some((m) => m.kind === "share" && byId.get(m.parentId as string)?.kind === "share")).toBe(true);

    const snapshots = engagements(events).filter((e) => e.postId === post.id);
    // Every minute for the first hour (the next one, at 90 minutes, is past the end of the run).
    expect(snapshots.map((s) => (s.eventTime - post.eventTime) / MINUTE_MS)).toEqual(
      Array.from({ length: 60 }, (_, i) => i + 1),
    );
    const viewsAt = (minute: number) => snapshots[minute - 1]?.views ?? 0;
    expect(viewsAt(30)).toBeGreaterThan(10 * viewsAt(1));
    expect(viewsAt(60)).toBeGreaterThan(500_000);
    // The counts include at least the shares the stream shows.
    const directShares = withinTheHour.filter((m) => m.kind === "share" && m.parentId === post.id);
    expect(snapshots[59]?.shares).toBeGreaterThanOrEqual(directShares.length);
  });

  it.each([
    [
      { type: "negative-spike", agency: "kemenag", startMinute: 0, durationMinutes: 10, multiplier: 2 },
      /unknown agency "kemenag" \(known: kemenkes, /,
    ],
    [
      { type: "volume-surge", agency: "bmkg", startMinute: 0, durationMinutes: 10, multiplier: 0.5 },
      /multiplier must be >= 1/,
    ],
    [
      { type: "negative-spike", agency: "bmkg", startMinute: 0, durationMinutes: 0, multiplier: 2 },
      /durationMinutes must be > 0/,
    ],
    [{ type: "viral-post", agency: "bmkg", startMinute: -5 }, /startMinute must be >= 0/],
    [{ type: "meteor", agency: "bmkg", startMinute: 0 } as unknown as Scenario, /unknown type "meteor"/],
  ] satisfies [Scenario, RegExp][])("rejects %o when the ingestor is created", (scenario, message) => {
    expect(() => createSyntheticIngestor({ scenarios: [scenario] })).toThrow(message);
  });
});
