import { describe, expect, it } from "vitest";
import { Random } from "../../../ingestors/synthetic/random.js";
import {
  applyMention,
  applyView,
  type Behaviour,
  DAY_MS,
  dayOf,
  MAX_TRACKED_DAYS,
  newBehaviour,
  SEGMENTS,
  segmentOf,
} from "../../../processors/segments/index.js";
import type { Mention, MentionKind, Platform, SentimentLabel } from "../../../schemas/types.generated.js";
import { sampleMention } from "../../fixtures/mentions.js";

/** Monday 2 June 2025, 08:00 WIB. */
const T0 = Date.UTC(2025, 5, 2, 1, 0, 0);
const HOUR = 3_600_000;

interface Item {
  kind: MentionKind;
  day: number;
  platform?: Platform;
  label?: SentimentLabel | null;
  /** For a comment: answers another comment rather than the top post. */
  nested?: boolean;
}

let serial = 0;
function mentionOf({ kind, day, platform = "x", nested = false }: Item): Mention {
  const top = kind === "post" || kind === "article";
  return {
    ...sampleMention,
    id: `m${serial++}`,
    platform,
    kind,
    eventTime: T0 + day * DAY_MS + (serial % 7) * 60_000,
    parentId: top ? null : nested ? "c1" : "root",
    rootId: top ? null : "root",
  };
}

function behaviour(items: Item[]): Behaviour {
  return items.reduce((state, item) => applyMention(state, mentionOf(item), item.label ?? null, true), newBehaviour());
}

function repeat(count: number, item: (i: number) => Item): Item[] {
  return Array.from({ length: count }, (_, i) => item(i));
}

/** Evidence factor: sqrt(min(1, observations / 10) · min(1, days / 3)). */
const evidence = (observations: number, days: number) =>
  Math.sqrt(Math.min(1, observations / 10) * Math.min(1, days / 3));
const rounded = (x: number) => Math.round(x * 1000) / 1000;

describe("segmentOf: one rule per segment", () => {
  it("creators: mostly original posts (4 of 5), confidence = evidence · creation share", () => {
    const state = behaviour([...repeat(4, (i) => ({ kind: "post", day: i % 2 })), { kind: "reply", day: 1 }]);
    const segment = segmentOf(state, T0 + 2 * DAY_MS);
    expect(segment).toMatchObject({ name: "creators", confidence: rounded(evidence(5, 2) * 0.8) });
    expect(segment.confidence).toBe(0.462);
  });

  it("creators: a video upload counts twice, so 2 YouTube videos outweigh 3 comments (4/7 against 3/7)", () => {
    const items = (platform: Platform): Item[] => [
      ...repeat(2, (i) => ({ kind: "post", day: i, platform })),
      ...repeat(3, (i) => ({ kind: "comment", day: i, platform })),
    ];
    expect(segmentOf(behaviour(items("youtube")), T0 + 2 * DAY_MS)).toMatchObject({
      name: "creators",
      confidence: rounded(evidence(5, 3) * (4 / 7)),
    });
    // The same on Instagram (photos, not counted as rich content): the comments win.
    expect(segmentOf(behaviour(items("instagram")), T0 + 2 * DAY_MS).name).toBe("critics");
  });

  it("creators: news articles", () => {
    const state = behaviour(repeat(12, (i) => ({ kind: "article", day: i % 3, platform: "news" })));
    expect(segmentOf(state, T0 + 3 * DAY_MS)).toMatchObject({ name: "creators", confidence: 1 });
  });

  it("conversationalists: frequent replies (5 per active day) in conversation, not negative", () => {
    const state = behaviour(repeat(10, (i) => ({ kind: "reply", day: i % 2, label: "neutral" })));
    expect(segmentOf(state, T0 + 2 * DAY_MS)).toMatchObject({
      name: "conversationalists",
      confidence: rounded(evidence(10, 2)),
    });
  });

  it("conversationalists: nested comments count as conversation", () => {
    const state = behaviour(repeat(6, (i) => ({ kind: "comment", day: i % 2, platform: "facebook", nested: true })));
    expect(segmentOf(state, T0 + 2 * DAY_MS).name).toBe("conversationalists");
  });

  it("critics: responses, mostly negative (4 of 6 labelled)", () => {
    const labels: SentimentLabel[] = ["negative", "negative", "neutral", "negative", "positive", "negative"];
    const state = behaviour(repeat(6, (i) => ({ kind: "reply", day: i % 3, label: labels[i] })));
    expect(segmentOf(state, T0 + 3 * DAY_MS)).toMatchObject({ name: "critics", confidence: rounded(evidence(6, 3)) });
    expect(segmentOf(state, T0 + 3 * DAY_MS).confidence).toBe(0.775);
  });

  it("critics: comments on others' posts (not in conversation), whatever their tone", () => {
    const state = behaviour(
      repeat(4, (i) => ({ kind: "comment", day: i % 2, platform: "instagram", label: "positive" })),
    );
    expect(segmentOf(state, T0 + 2 * DAY_MS)).toMatchObject({ name: "critics", confidence: rounded(evidence(4, 2)) });
  });

  it("critics: infrequent replies (1 per active day)", () => {
    const state = behaviour(repeat(3, (i) => ({ kind: "reply", day: i })));
    expect(segmentOf(state, T0 + 3 * DAY_MS).name).toBe("critics");
  });

  it("collectors: mostly shares (5 of 6)", () => {
    const state = behaviour([...repeat(5, (i) => ({ kind: "share", day: i % 3 })), { kind: "post", day: 0 }]);
    expect(segmentOf(state, T0 + 3 * DAY_MS)).toMatchObject({
      name: "collectors",
      confidence: rounded(evidence(6, 3) * (5 / 6)),
    });
  });

  it("joiners: in threads but little activity (3 comments in 10 days), confidence = evidence · (1 - rate)", () => {
    const state = behaviour([0, 5, 9].map((day) => ({ kind: "comment", day, platform: "instagram" }) as Item));
    // About 0.3 mentions per day since first seen (a few minutes after 08:00 on day 0).
    const now = T0 + 10 * DAY_MS;
    const rate = 3 / ((now - (state.firstSeen as number)) / DAY_MS);
    expect(rate).toBeCloseTo(0.3, 3);
    expect(segmentOf(state, now)).toMatchObject({ name: "joiners", confidence: rounded(evidence(3, 3) * (1 - rate)) });
    // The same three within three days is no longer low activity.
    expect(
      segmentOf(behaviour(repeat(3, (i) => ({ kind: "comment", day: i, platform: "instagram" }))), T0 + 3 * DAY_MS)
        .name,
    ).toBe("critics");
  });

  it("spectators: views only", () => {
    let state = newBehaviour();
    for (let i = 0; i < 4; i++) state = applyView(state, { itemId: `v${i}`, at: T0 + (i % 2) * DAY_MS }, true);
    expect(segmentOf(state, T0 + 2 * DAY_MS)).toMatchObject({
      name: "spectators",
      confidence: rounded(evidence(4, 2)),
    });
  });

  it("inactives: seen once, 45 days ago (0.5 at 30 days, rising to 1 at 90)", () => {
    const state = behaviour([{ kind: "post", day: 0 }]);
    const lastSeen = state.lastSeen as number;
    expect(segmentOf(state, lastSeen + 45 * DAY_MS)).toMatchObject({ name: "inactives", confidence: 0.625 });
    expect(segmentOf(state, lastSeen + 30 * DAY_MS)).toMatchObject({ name: "inactives", confidence: 0.5 });
    expect(segmentOf(state, lastSeen + 120 * DAY_MS)).toMatchObject({ name: "inactives", confidence: 1 });
    // A once-active creator who went quiet is inactive too.
    const quiet = behaviour(repeat(20, (i) => ({ kind: "post", day: i % 5 })));
    expect(segmentOf(quiet, (quiet.lastSeen as number) + 31 * DAY_MS).name).toBe("inactives");
  });

  it("unknown (confidence 0): fewer than 3 observations, or all on one day, or never seen", () => {
    expect(
      segmentOf(
        behaviour([
          { kind: "post", day: 0 },
          { kind: "post", day: 1 },
        ]),
        T0 + 2 * DAY_MS,
      ),
    ).toMatchObject({
      name: "unknown",
      confidence: 0,
    });
    expect(segmentOf(behaviour(repeat(8, () => ({ kind: "reply", day: 0 }))), T0 + DAY_MS)).toMatchObject({
      name: "unknown",
      confidence: 0,
    });
    expect(segmentOf(newBehaviour(), T0)).toMatchObject({ name: "unknown", confidence: 0 });
    // Seen once a week ago: too little history, not yet inactive.
    expect(segmentOf(behaviour([{ kind: "post", day: 0 }]), T0 + 7 * DAY_MS).name).toBe("unknown");
  });

  it("ties go up the ladder: 2 posts, 2 replies, 2 shares is a creator", () => {
    const state = behaviour(
      (["post", "post", "reply", "reply", "share", "share"] as MentionKind[]).map((kind, i) => ({ kind, day: i % 2 })),
    );
    expect(segmentOf(state, T0 + 2 * DAY_MS).name).toBe("creators");
  });

  it("responses only, mostly negative, beats frequency: a frequent angry replier is a critic", () => {
    const state = behaviour(repeat(12, (i) => ({ kind: "reply", day: i % 2, label: "negative" })));
    expect(segmentOf(state, T0 + 2 * DAY_MS).name).toBe("critics");
  });
});

describe("confidence", () => {
  it("is in [0, 1], 0 exactly for unknown, for random behaviours", () => {
    const random = new Random(5, "segments");
    const kinds: MentionKind[] = ["post", "reply", "comment", "share", "article"];
    const labels: (SentimentLabel | null)[] = ["negative", "neutral", "positive", null];
    const seen = new Set<string>();
    for (let author = 0; author < 500; author++) {
      const items = repeat(random.int(15), () => ({
        kind: random.pick(kinds),
        day: random.int(1 + random.int(40)),
        platform: random.pick<Platform>(["x", "youtube", "instagram", "facebook"]),
        label: random.pick(labels),
        nested: random.chance(0.3),
      }));
      const segment = segmentOf(behaviour(items), T0 + random.int(80) * DAY_MS);
      seen.add(segment.name);
      expect(segment.confidence).toBeGreaterThanOrEqual(0);
      expect(segment.confidence).toBeLessThanOrEqual(1);
      expect(segment.confidence === 0).toBe(segment.name === "unknown");
    }
    expect(seen.size).toBeGreaterThanOrEqual(6);
  });

  it("grows with evidence for the same mix of behaviour", () => {
    const mix = (scale: number) =>
      behaviour([
        ...repeat(3 * scale, (i) => ({ kind: "post", day: i % (scale + 1) }) as Item),
        ...repeat(scale, (i) => ({ kind: "share", day: i % (scale + 1) }) as Item),
      ]);
    const confidences = [1, 2, 3].map((scale) => segmentOf(mix(scale), T0 + 5 * DAY_MS).confidence);
    expect(confidences[0]).toBeLessThan(confidences[1] as number);
    expect(confidences[1]).toBeLessThan(confidences[2] as number);
    expect(confidences[2]).toBe(0.75);
  });

  it("lists every segment of the ladder", () => {
    expect(SEGMENTS).toEqual([
      "creators",
      "conversationalists",
      "critics",
      "collectors",
      "joiners",
      "spectators",
      "inactives",
    ]);
  });
});

describe("behaviour state", () => {
  const reply = mentionOf({ kind: "reply", day: 0 });

  it("is unchanged by a mention applied again (isNew false)", () => {
    const once = applyMention(newBehaviour(), reply, "negative", true);
    expect(applyMention(once, reply, "negative", false)).toBe(once);
    expect(applyView(once, { itemId: "v", at: T0 }, false)).toBe(once);
    expect(once).toMatchObject({ replies: 1, labelledResponses: 1, negativeResponses: 1, activeDays: 1 });
  });

  it("never mutates its input and survives JSON", () => {
    const state = newBehaviour();
    const next = applyMention(state, reply, null, true);
    expect(state).toEqual(newBehaviour());
    expect(JSON.parse(JSON.stringify(next))).toEqual(next);
  });

  it("counts days in WIB: 23:30 and 00:30 WIB are two days, 00:30 and 23:30 WIB one", () => {
    const at = (wibHours: number) => Date.UTC(2025, 5, 2, 0, 0, 0) - 7 * HOUR + wibHours * HOUR;
    expect(dayOf(at(23.5))).toBe(dayOf(at(24.5)) - 1);
    expect(dayOf(at(0.5))).toBe(dayOf(at(23.5)));
    const state = [0.5, 23.5, 24.5].reduce(
      (s, h) => applyMention(s, { ...reply, eventTime: at(h) }, null, true),
      newBehaviour(),
    );
    expect(state.activeDays).toBe(2);
    expect(state.days).toEqual([dayOf(at(0.5)), dayOf(at(24.5))]);
  });

  it(`keeps the latest ${MAX_TRACKED_DAYS} days and does not count a forgotten old day again`, () => {
    let state = newBehaviour();
    for (let day = 0; day <= MAX_TRACKED_DAYS; day++) {
      state = applyMention(state, { ...reply, eventTime: T0 + day * DAY_MS }, null, true);
    }
    expect(state.days).toHaveLength(MAX_TRACKED_DAYS);
    expect(state.activeDays).toBe(MAX_TRACKED_DAYS + 1);
    const late = applyMention(state, { ...reply, eventTime: T0 }, null, true);
    expect(late.activeDays).toBe(MAX_TRACKED_DAYS + 1);
    expect(late.replies).toBe(state.replies + 1);
  });

  it("uses only responses' sentiment labels", () => {
    const post = mentionOf({ kind: "post", day: 0 });
    const share = mentionOf({ kind: "share", day: 0 });
    const state = applyMention(applyMention(newBehaviour(), post, "negative", true), share, "negative", true);
    expect(state).toMatchObject({ labelledResponses: 0, negativeResponses: 0, posts: 1, shares: 1 });
  });
});
