import { beforeAll, describe, expect, it } from "vitest";
import { AGENCIES, createSyntheticIngestor } from "../../../ingestors/synthetic/index.js";
import { ANSWER_CHANCE, ANSWER_DELAY_MEDIAN_MS } from "../../../ingestors/synthetic/questions.js";
import { loadResponsivenessClassifier } from "../../../processors/responsiveness/index.js";
import type { SourceEvent } from "../../../runtime/ingestor.js";
import type { Mention } from "../../../schemas/types.generated.js";
import { collect, mentionEvents } from "../events.js";

type MentionEvent = SourceEvent & { type: "mention" };
const HOUR = 3_600_000;

let events: MentionEvent[];
let byId: Map<string, Mention>;

beforeAll(async () => {
  // About eight simulated hours of a working day.
  events = mentionEvents(
    await collect(createSyntheticIngestor({ speed: 0, mentionsPerMinute: 60, maxMentions: 30_000 })),
  );
  byId = new Map(events.map((e) => [`${e.mention.platform}:${e.mention.id}`, e.mention]));
});

function officialHandle(agency: string | null, platform: string): string | undefined {
  const handles = AGENCIES.find((a) => a.id === agency)?.handles as Record<string, string | undefined> | undefined;
  return handles?.[platform]?.toLowerCase();
}

describe("questions to agencies and their official answers", () => {
  it("asks under an official post or reply, or names the official handle", () => {
    const questions = events.filter((e) => e.truth?.asks);
    expect(questions.length).toBeGreaterThan(200);
    for (const { mention, truth } of questions) {
      const handle = officialHandle(truth?.agency ?? null, mention.platform);
      expect(handle, mention.id).toBeDefined();
      // A response to the agency's own post or reply (processors/accounts: an audience response).
      const parent = mention.parentId === null ? undefined : byId.get(`${mention.platform}:${mention.parentId}`);
      const underOfficialPost = parent?.author.handle.toLowerCase() === handle;
      const namesHandle = mention.parentId === null && mention.mentionedHandles.some((h) => h.toLowerCase() === handle);
      expect(underOfficialPost || namesHandle, mention.text).toBe(true);
    }
  });

  it("answers most questions later, in their thread, from the agency's official account", () => {
    const questions = events.filter((e) => e.truth?.asks);
    const answers = events.filter((e) => e.truth?.answerTo !== undefined);
    const end = events.at(-1)?.mention.eventTime as number;
    const delays: number[] = [];
    for (const { mention, truth } of answers) {
      const question = byId.get(`${mention.platform}:${truth?.answerTo}`) as Mention;
      expect(question).toBeDefined();
      expect(mention.author.handle.toLowerCase()).toBe(officialHandle(truth?.agency ?? null, mention.platform));
      expect(mention.parentId).toBe(question.id);
      expect(mention.rootId).toBe(question.rootId ?? question.id);
      delays.push(mention.eventTime - question.eventTime);
    }
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(60_000);
    // Of the questions asked more than 3 hours before the end (92% of answers come sooner), close to
    // ANSWER_CHANCE were answered.
    const settled = questions.filter((q) => q.mention.eventTime < end - 3 * HOUR);
    const answered = new Set(answers.map((a) => a.truth?.answerTo));
    const share = settled.filter((q) => answered.has(q.mention.id)).length / settled.length;
    expect(settled.length).toBeGreaterThan(100);
    expect(Math.abs(share - ANSWER_CHANCE)).toBeLessThan(0.1);
    delays.sort((a, b) => a - b);
    const median = delays[Math.floor(delays.length / 2)] as number;
    expect(median).toBeGreaterThan(ANSWER_DELAY_MEDIAN_MS / 2);
    expect(median).toBeLessThan(ANSWER_DELAY_MEDIAN_MS * 2);
  });

  it("writes questions the responsiveness classifier reads as asking", () => {
    const classifier = loadResponsivenessClassifier();
    const questions = events.filter((e) => e.truth?.asks);
    const caught = questions.filter((q) => classifier.assess(q.mention.text).asks).length;
    expect(caught / questions.length).toBeGreaterThan(0.9);
  });
});
