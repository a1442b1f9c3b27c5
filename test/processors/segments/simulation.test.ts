/**
 * Segments on simulated traffic: eleven days of a small world (1500 people, news portals, agencies),
 * fed through in-memory maps the way the plumbing feeds Redis, with the simulator's intended
 * sentiment standing in for the sentiment tagger's label.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { AGENCIES, createSyntheticIngestor } from "../../../ingestors/synthetic/index.js";
import { OUTLETS } from "../../../ingestors/synthetic/platforms.js";
import {
  applyMention,
  type Behaviour,
  DAY_MS,
  newBehaviour,
  type SegmentResult,
  segmentOf,
} from "../../../processors/segments/index.js";
import type { Author, Platform } from "../../../schemas/types.generated.js";

interface Observed {
  author: Author;
  platform: Platform;
  state: Behaviour;
}

const authors = new Map<string, Observed>();
const segments = new Map<string, SegmentResult>();
let end = 0;
let mentions = 0;

const outletNames = new Set(OUTLETS.map((outlet) => outlet.name));
const agencyNames = new Set(AGENCIES.map((agency) => agency.name));
const isMedia = (o: Observed) => o.author.verified && o.author.name !== null && outletNames.has(o.author.name);
const isOfficial = (o: Observed) => o.author.verified && o.author.name !== null && agencyNames.has(o.author.name);

beforeAll(async () => {
  const ingestor = createSyntheticIngestor({ speed: 0, authors: 1500, mentionsPerMinute: 0.5, maxMentions: 6000 });
  const seen = new Set<string>();
  for await (const event of ingestor.events(new AbortController().signal)) {
    if (event.type !== "mention") continue;
    const { mention, truth } = event;
    // Every mention twice, as a redelivery would: the second is not new.
    for (let delivery = 0; delivery < 2; delivery++) {
      const key = `${mention.platform}:${mention.author.id}`;
      const isNew = !seen.has(`${key}|${mention.id}`);
      seen.add(`${key}|${mention.id}`);
      const observed = authors.get(key) ?? {
        author: mention.author,
        platform: mention.platform,
        state: newBehaviour(),
      };
      observed.state = applyMention(observed.state, mention, truth?.sentiment ?? null, isNew);
      authors.set(key, observed);
    }
    mentions++;
    end = Math.max(end, mention.eventTime);
  }
  for (const [key, observed] of authors) segments.set(key, segmentOf(observed.state, end));
});

function distribution(filter: (o: Observed) => boolean = () => true): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [key, observed] of authors) {
    if (!filter(observed)) continue;
    const name = (segments.get(key) as SegmentResult).name;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

function known(counts: Record<string, number>): Record<string, number> {
  const { unknown: _, ...rest } = counts;
  return rest;
}

describe("segments on simulated traffic", () => {
  it("counts each mention once despite redelivery", () => {
    let total = 0;
    for (const { state } of authors.values()) {
      total += state.posts + state.articles + state.replies + state.comments + state.shares;
    }
    expect(mentions).toBe(6000);
    expect(total).toBe(mentions);
    // About eleven days of traffic at this rate.
    expect(end - Math.min(...[...authors.values()].map((o) => o.state.firstSeen as number))).toBeGreaterThan(
      10 * DAY_MS,
    );
  });

  it("covers at least four segments, with creators, critics, collectors and joiners among them", () => {
    const counts = known(distribution());
    expect(Object.keys(counts).length).toBeGreaterThanOrEqual(4);
    for (const name of ["creators", "critics", "collectors", "joiners"]) expect(counts[name]).toBeGreaterThan(10);
  });

  it("news portals are creators, with full confidence", () => {
    const portals = [...authors.entries()].filter(([, o]) => o.platform === "news");
    expect(portals.length).toBe(OUTLETS.length);
    for (const [key] of portals) {
      expect(segments.get(key)?.name).toBe("creators");
      expect(segments.get(key)?.confidence).toBe(1);
    }
  });

  it("media accounts with enough history are all creators", () => {
    const counts = known(distribution(isMedia));
    expect(counts.creators).toBeGreaterThan(OUTLETS.length);
    expect(Object.keys(counts)).toEqual(["creators"]);
  });

  it("agencies' accounts create (announcements) and answer in threads, never collect", () => {
    // The simulator's agencies answer the questions put to them (ingestors/synthetic/questions.ts),
    // in replies under the question at less than daily frequency: most of them land on the
    // responders' rung (critics), the rest announce (creators); none only shares.
    const counts = known(distribution(isOfficial));
    const top = Object.entries(counts).sort((a, b) => b[1] - a[1])[0];
    expect(top?.[0]).toBe("critics");
    expect(counts.creators).toBeGreaterThan(0);
    expect(counts.collectors).toBeUndefined();
  });

  it("YouTube viewers, who mostly comment, are mostly critics", () => {
    const counts = known(distribution((o) => o.platform === "youtube" && !isMedia(o) && !isOfficial(o)));
    const top = Object.entries(counts).sort((a, b) => b[1] - a[1])[0];
    expect(top?.[0]).toBe("critics");
  });

  it("confidence is in (0, 1] for every classified author, 0 for unknown; fewer than 3 mentions is unknown", () => {
    for (const [key, observed] of authors) {
      const segment = segments.get(key) as SegmentResult;
      if (segment.name === "unknown") expect(segment.confidence).toBe(0);
      else {
        expect(segment.confidence).toBeGreaterThan(0);
        expect(segment.confidence).toBeLessThanOrEqual(1);
      }
      const n = observed.state.posts + observed.state.articles + observed.state.replies;
      if (n + observed.state.comments + observed.state.shares < 3) expect(segment.name).toBe("unknown");
    }
  });

  it("forty days later everyone is inactive", () => {
    for (const observed of authors.values())
      expect(segmentOf(observed.state, end + 40 * DAY_MS).name).toBe("inactives");
  });
});
