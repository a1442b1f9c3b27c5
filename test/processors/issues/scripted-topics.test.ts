/**
 * Acceptance on the simulator's ground truth: for a topic the simulator injects for an agency at a
 * known minute, the agency's top rising issue names the injected phrase within 10 simulated minutes.
 * The processor (terms + tracker + detection) runs on the simulator's mentions, scoped by the
 * mention's true agency, evaluated once a minute like the issues stage.
 */
import { describe, expect, it } from "vitest";
import {
  createSyntheticIngestor,
  type ScriptedTopicScenario,
  SYNTHETIC_DEFAULTS,
} from "../../../ingestors/synthetic/index.js";
import { type Issue, IssueTracker, postTerms } from "../../../processors/issues/index.js";

const MINUTE_MS = 60_000;
const START = SYNTHETIC_DEFAULTS.startTime;

/** Minutes from injection until the agency's top issue names the phrase (a bigram of it), or undefined. */
async function detectionMinutes(scenario: ScriptedTopicScenario, minutes: number, rate: number) {
  const tracker = new IssueTracker();
  const phraseTerms = postTerms(scenario.phrase).filter((term) => term.includes(" "));
  const injectedAt = START + scenario.startMinute * MINUTE_MS;
  let nextEvaluation = injectedAt;
  const tops: Array<Issue | undefined> = [];
  let detected: number | undefined;
  let mentions = 0;
  const ingestor = createSyntheticIngestor({ speed: 0, mentionsPerMinute: rate, scenarios: [scenario] });
  for await (const event of ingestor.events(new AbortController().signal)) {
    if (event.type !== "mention" || !event.truth?.agency) continue;
    const { mention, truth } = event;
    while (mention.eventTime >= nextEvaluation) {
      const [top] = tracker.issues(scenario.agency, nextEvaluation);
      tops.push(top);
      if (detected === undefined && top && phraseTerms.some((term) => top.label.split(", ").includes(term))) {
        detected = (nextEvaluation - injectedAt) / MINUTE_MS;
      }
      tracker.prune(nextEvaluation);
      nextEvaluation += MINUTE_MS;
    }
    if (mention.eventTime >= START + minutes * MINUTE_MS) break;
    mentions++;
    tracker.add(truth.agency as string, {
      id: `${mention.platform}:${mention.id}`,
      time: mention.eventTime,
      terms: postTerms(mention.text, mention.hashtags),
      sentiment: truth.sentiment,
    });
  }
  return { detected, tops, mentions, size: tracker.size() };
}

describe("issues on the simulator's scripted topics", () => {
  it("names an injected negative phrase as the agency's top rising issue within 10 minutes", async () => {
    const scenario: ScriptedTopicScenario = {
      type: "scripted-topic",
      agency: "bpjs-kesehatan",
      startMinute: 150,
      durationMinutes: 30,
      perMinute: 4,
      phrase: "kartu peserta diblokir sepihak",
      tone: "negative",
    };
    const { detected, tops } = await detectionMinutes(scenario, 165, 150);
    expect(detected).toBeDefined();
    expect(detected as number).toBeLessThanOrEqual(10);
    const top = tops[detected as number] as Issue;
    expect(top.sentiment.negative).toBeGreaterThan(top.sentiment.positive + top.sentiment.neutral);
    expect(top.exampleIds.length).toBeGreaterThan(0);
  });
});
