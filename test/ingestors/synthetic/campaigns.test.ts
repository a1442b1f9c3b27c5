import { describe, expect, it } from "vitest";
import { createSyntheticIngestor, type Scenario, SYNTHETIC_DEFAULTS } from "../../../ingestors/synthetic/index.js";
import type { SourceEvent } from "../../../runtime/ingestor.js";
import { type MentionEvent, mentionEvents } from "../events.js";

const MINUTE_MS = 60_000;
const START = SYNTHETIC_DEFAULTS.startTime;
const CAMPAIGN = {
  type: "coordinated-campaign",
  agency: "polri",
  startMinute: 5,
  durationMinutes: 40,
  accounts: 30,
  name: "buzzer-polri",
} as const;
const HEADLINE = { type: "headline-quoted", agency: "kpk", startMinute: 10, quotes: 80, name: "kutipan-kpk" } as const;

async function run(minutes: number, scenarios: readonly Scenario[], seed = 42): Promise<SourceEvent[]> {
  const events: SourceEvent[] = [];
  const ingestor = createSyntheticIngestor({ speed: 0, scenarios, seed, mentionsPerMinute: 100 });
  for await (const event of ingestor.events(new AbortController().signal)) {
    const time =
      event.type === "mention" ? event.mention.eventTime : event.type === "engagement" ? event.engagement.eventTime : 0;
    if (time >= START + minutes * MINUTE_MS) break;
    events.push(event);
  }
  return events;
}

const byCampaign = (events: SourceEvent[]): MentionEvent[] =>
  mentionEvents(events).filter((event) => event.truth?.campaign === "buzzer-polri");

describe("synthetic coordinated campaigns", () => {
  it("labels every mention of the campaign's own fresh, patterned accounts, and only those", async () => {
    const events = await run(45, [CAMPAIGN, HEADLINE]);
    const campaign = byCampaign(events);
    const accounts = new Set(campaign.map((event) => event.mention.author.id));
    expect(accounts.size).toBe(30);
    // Made for the campaign: no mention outside it comes from these accounts.
    const others = mentionEvents(events).filter((event) => event.truth?.campaign === undefined);
    expect(others.filter((event) => accounts.has(event.mention.author.id))).toEqual([]);
    const handles = [...new Set(campaign.map((event) => event.mention.author.handle))];
    const stems = new Map<string, number>();
    for (const handle of handles) {
      const match = /^([a-z_]+)\d{4}$/.exec(handle);
      if (match) stems.set(match[1] as string, (stems.get(match[1] as string) ?? 0) + 1);
    }
    expect(Math.max(...stems.values())).toBeGreaterThanOrEqual(18);
    expect(campaign.every((event) => event.mention.platform === "x" && event.mention.author.followers < 1000)).toBe(
      true,
    );
    expect(campaign.every((event) => event.truth?.scenario === "buzzer-polri" && event.truth.agency === "polri")).toBe(
      true,
    );
  });

  it("posts copies of a few messages in waves and retweets its own lead posts within minutes", async () => {
    const campaign = byCampaign(await run(45, [CAMPAIGN]));
    const posts = campaign.filter((event) => event.mention.kind === "post");
    const retweets = campaign.filter((event) => event.mention.kind === "share");
    expect(retweets.every((event) => event.mention.text.startsWith("RT @"))).toBe(true);
    const leads = new Map(posts.map((event) => [event.mention.id, event.mention.eventTime]));
    for (const retweet of retweets) {
      const lead = leads.get(retweet.mention.parentId as string);
      expect(lead).toBeDefined();
      expect(retweet.mention.eventTime - (lead as number)).toBeGreaterThanOrEqual(2_000);
      expect(retweet.mention.eventTime - (lead as number)).toBeLessThan(30 * MINUTE_MS);
    }
    // Copies: stripped of the noise, the posts come from at most the campaign's six messages.
    const core = (text: string): string =>
      text
        .toLowerCase()
        .replace(/@\S+|https?:\/\/\S+|[^\p{L}\s]/gu, "")
        .trim()
        .replace(/^(setuju|mantap|fakta|ayo|bener banget)\s+/, "")
        .trim();
    const messages = new Set(posts.map((event) => core(event.mention.text).slice(0, 40)));
    expect(messages.size).toBeLessThanOrEqual(6);
    expect(posts.length).toBeGreaterThan(30);
  });

  it("has ordinary accounts quote a headline: near-identical texts, no campaign label", async () => {
    const events = await run(45, [HEADLINE]);
    const quoted = mentionEvents(events).filter((event) => event.truth?.scenario === "kutipan-kpk");
    const article = quoted.find((event) => event.mention.kind === "article") as MentionEvent;
    const quotes = quoted.filter((event) => event.mention.kind === "post");
    expect(quotes).toHaveLength(80);
    expect(quotes.every((event) => event.mention.links.includes(article.mention.url as string))).toBe(true);
    expect(quoted.every((event) => event.truth?.campaign === undefined)).toBe(true);
    expect(new Set(quotes.map((event) => event.mention.author.id)).size).toBeGreaterThan(70);
  });

  it("is deterministic with the seed and changes with it", async () => {
    const a = byCampaign(await run(20, [CAMPAIGN], 7)).map(
      (event) => `${event.mention.author.handle} ${event.mention.text}`,
    );
    const b = byCampaign(await run(20, [CAMPAIGN], 7)).map(
      (event) => `${event.mention.author.handle} ${event.mention.text}`,
    );
    const c = byCampaign(await run(20, [CAMPAIGN], 8)).map(
      (event) => `${event.mention.author.handle} ${event.mention.text}`,
    );
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("rejects invalid campaign scenarios", () => {
    expect(() => createSyntheticIngestor({ scenarios: [{ ...CAMPAIGN, accounts: 1 }] })).toThrow(/accounts must be/);
    expect(() => createSyntheticIngestor({ scenarios: [{ ...CAMPAIGN, durationMinutes: 0 }] })).toThrow(
      /durationMinutes/,
    );
    expect(() => createSyntheticIngestor({ scenarios: [{ ...HEADLINE, quotes: 0 }] })).toThrow(/quotes must be/);
  });
});
