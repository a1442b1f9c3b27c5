import { beforeAll, describe, expect, it } from "vitest";
import { AGENCIES, createSyntheticIngestor, DEMO_SCENARIOS } from "../../../ingestors/synthetic/index.js";
import type { SourceEvent } from "../../../runtime/ingestor.js";
import { contracts } from "../../../schemas/contracts.js";
import type { EngagementEvent, Mention } from "../../../schemas/types.generated.js";
import { collect, engagements, eventTime, mentionEvents, mentions } from "../events.js";

const MINUTE_MS = 60_000;
/** Ages in minutes at which top posts are snapshotted. */
const AGES = [1, 5, 15, 60];
const VIRAL_AGES = [...Array.from({ length: 60 }, (_, i) => i + 1), 90, 120, 180];

let events: SourceEvent[];
let all: Mention[];

beforeAll(async () => {
  // About two and a half hours: long enough for all of DEMO_SCENARIOS.
  const options = { speed: 0, mentionsPerMinute: 200, maxMentions: 30_000, scenarios: DEMO_SCENARIOS };
  events = await collect(createSyntheticIngestor(options));
  all = mentions(events);
});

function invalidPathsOf(type: (typeof contracts)["Mention"]["type"], value: unknown): string[] {
  const paths: string[] = [];
  type.isValid(value, { noUndeclaredFields: true, errorHook: (path) => paths.push(path.join(".")) });
  return paths;
}

describe("synthetic event stream", () => {
  it("emits only valid Mentions and EngagementEvents", () => {
    const mentionProblems = all.flatMap((m) =>
      invalidPathsOf(contracts.Mention.type, m).map((path) => `${m.id}: ${path}`),
    );
    const engagementProblems = engagements(events).flatMap((e) =>
      invalidPathsOf(contracts.EngagementEvent.type, e).map((path) => `${e.postId}: ${path}`),
    );
    expect(mentionProblems).toEqual([]);
    expect(engagementProblems).toEqual([]);
    expect(events.filter((event) => event.type === "invalid")).toEqual([]);
  });

  it("emits events in non-decreasing eventTime order, each seen a little after it happened", () => {
    const times = events.map((event) => eventTime(event) as number);
    expect(times.every((time, i) => i === 0 || time >= (times[i - 1] as number))).toBe(true);
    const delays = all.map((m) => m.ingestTime - m.eventTime);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(300);
    expect(Math.max(...delays)).toBeLessThanOrEqual(45_000);
  });

  it("uses each platform's kinds and gives each item a unique id on its platform", () => {
    const kinds = new Set(all.map((m) => `${m.platform}/${m.kind}`));
    expect([...kinds].sort()).toEqual([
      "facebook/comment",
      "facebook/post",
      "facebook/share",
      "forum/post",
      "forum/reply",
      "instagram/comment",
      "instagram/post",
      "news/article",
      "tiktok/comment",
      "tiktok/post",
      "x/post",
      "x/reply",
      "x/share",
      "youtube/comment",
      "youtube/post",
    ]);
    expect(new Set(all.map((m) => `${m.platform}:${m.id}`)).size).toBe(all.length);
  });

  it("links every reply, comment and share to an earlier item of the same platform, with a consistent root", () => {
    const seen = new Map<string, Mention>();
    const problems: string[] = [];
    for (const m of all) {
      const isResponse = m.kind === "reply" || m.kind === "comment" || m.kind === "share";
      if (!isResponse) {
        if (m.parentId !== null || m.rootId !== null) problems.push(`${m.id}: a ${m.kind} with a parent or root`);
      } else {
        const parent = seen.get(`${m.platform}:${m.parentId}`);
        if (parent === undefined) problems.push(`${m.id}: parent ${m.parentId} is not an earlier ${m.platform} item`);
        else if (m.rootId !== (parent.rootId ?? parent.id))
          problems.push(`${m.id}: root ${m.rootId} is not its parent's`);
        const root = seen.get(`${m.platform}:${m.rootId}`);
        if (root === undefined || root.parentId !== null) problems.push(`${m.id}: root ${m.rootId} is not a top post`);
      }
      seen.set(`${m.platform}:${m.id}`, m);
    }
    expect(problems).toEqual([]);
  });

  it("uses platform-shaped ids and permalinks", () => {
    const sample = (platform: string, kind: string) =>
      all.find((m) => m.platform === platform && m.kind === kind) as Mention;
    const x = sample("x", "post");
    expect(x.id).toMatch(/^\d{18,19}$/);
    expect(x.url).toBe(`https://x.com/${x.author.handle}/status/${x.id}`);
    expect(sample("instagram", "post").url).toMatch(/^https:\/\/www\.instagram\.com\/p\/[\w-]{11}\/$/);
    expect(sample("youtube", "post").url).toMatch(/^https:\/\/www\.youtube\.com\/watch\?v=[\w-]{11}$/);
    const comment = sample("youtube", "comment");
    expect(comment.url).toBe(`https://www.youtube.com/watch?v=${comment.rootId}&lc=${comment.id}`);
    expect(sample("tiktok", "post").url).toMatch(/^https:\/\/www\.tiktok\.com\/@[\w.]+\/video\/\d{19}$/);
    expect(sample("forum", "post").url).toMatch(/^https:\/\/www\.kaskus\.co\.id\/thread\/[0-9a-f]{24}\/[a-z0-9-]+$/);
    expect(sample("news", "article").url).toMatch(/^https:\/\/[\w.]+\.(com|co)\/.*[a-z0-9-]{10,}/);
  });

  it("extracts hashtags, mentioned handles and links from the text", () => {
    const unique = (values: string[]) => [...new Set(values)];
    const problems = all.filter((m) => {
      const links = unique(m.text.match(/https?:\/\/\S+/g) ?? []);
      const outsideLinks = m.text.replace(/https?:\/\/\S+/g, " ");
      const hashtags = unique([...outsideLinks.matchAll(/#(\w+)/g)].map((match) => match[1] as string));
      const handles = unique([...outsideLinks.matchAll(/@([\w.]*\w)/g)].map((match) => match[1] as string));
      return JSON.stringify([m.hashtags, m.mentionedHandles, m.links]) !== JSON.stringify([hashtags, handles, links]);
    });
    expect(problems).toEqual([]);
    expect(all.filter((m) => m.hashtags.length > 0).length).toBeGreaterThan(all.length * 0.1);
    expect(all.filter((m) => m.mentionedHandles.length > 0).length).toBeGreaterThan(all.length * 0.1);
    expect(all.filter((m) => m.links.length > 0).length).toBeGreaterThan(all.length * 0.02);
  });

  it("reports the sentiment, agency and scenario it wrote in the ground truth", () => {
    const agencyIds = new Set(AGENCIES.map((agency) => agency.id));
    const truths = mentionEvents(events).map((event) => event.truth);
    expect(truths.every((truth) => truth !== undefined && agencyIds.has(truth.agency as string))).toBe(true);
    const count = (sentiment: string) =>
      truths.filter((truth) => truth?.sentiment === sentiment).length / truths.length;
    expect(count("negative")).toBeGreaterThan(0.3);
    expect(count("neutral")).toBeGreaterThan(0.25);
    expect(count("positive")).toBeGreaterThan(0.1);
    expect(new Set(truths.map((truth) => truth?.scenario))).toEqual(
      new Set([null, "negative-spike:bpjs-kesehatan", "viral-post:polri", "volume-surge:bmkg"]),
    );
  });

  it("snapshots each top post at 1, 5, 15 and 60 minutes (a viral post more often), counts never decreasing", () => {
    const roots = new Map(all.filter((m) => m.parentId === null).map((m) => [`${m.platform}:${m.id}`, m]));
    const viral = mentionEvents(events).find(
      (e) => e.truth?.scenario?.startsWith("viral-post") && e.mention.parentId === null,
    );
    const byPost = new Map<string, EngagementEvent[]>();
    for (const e of engagements(events)) {
      const key = `${e.platform}:${e.postId}`;
      byPost.set(key, [...(byPost.get(key) ?? []), e]);
    }
    const lastTime = eventTime(events.at(-1) as SourceEvent) as number;
    const problems: string[] = [];
    for (const [key, snapshots] of byPost) {
      const post = roots.get(key);
      if (post === undefined) {
        problems.push(`${key}: not a top post of the stream`);
        continue;
      }
      snapshots.forEach((snapshot, i) => {
        const previous = i === 0 ? post.engagement : (snapshots[i - 1] as EngagementEvent);
        for (const count of ["likes", "shares", "replies", "views", "clicks"] as const) {
          if (snapshot[count] < previous[count]) problems.push(`${key}: ${count} decreased`);
        }
      });
      // The run ends with a mention; snapshots due at or after it are not emitted.
      const ages = snapshots.map((s) => (s.eventTime - post.eventTime) / MINUTE_MS).join();
      const expected = (post === viral?.mention ? VIRAL_AGES : AGES)
        .filter((age) => post.eventTime + age * MINUTE_MS < lastTime)
        .join();
      if (ages !== expected) problems.push(`${key}: ages ${ages}, expected ${expected}`);
    }
    expect(problems).toEqual([]);
    expect(viral).toBeDefined();
    expect(byPost.size).toBeGreaterThan(roots.size * 0.5);
  });

  it("scales engagement with the author's followers", () => {
    const posts = new Map(all.filter((m) => m.parentId === null).map((m) => [m.id, m]));
    const finalViews = new Map(engagements(events).map((e) => [e.postId, e.views]));
    const meanViews = (min: number, max: number) => {
      const views = [...finalViews].flatMap(([id, v]) => {
        const followers = posts.get(id)?.author.followers ?? -1;
        return followers >= min && followers < max ? [v] : [];
      });
      return views.reduce((sum, v) => sum + v, 0) / views.length;
    };
    expect(meanViews(100_000, Number.POSITIVE_INFINITY)).toBeGreaterThan(20 * meanViews(0, 1_000));
  });

  it("writes informal Indonesian: slang, elongations, emoji, lower-case posts; formal news", () => {
    const share = (predicate: (m: Mention) => boolean, among = all) => among.filter(predicate).length / among.length;
    const social = all.filter((m) => m.platform !== "news");
    const slang = /\b(gak|ga|nggak|gk|tdk|yg|bgt|udh|blm|krn|tp|aja|sih|dong|wkwk\w*)\b/i;
    expect(share((m) => slang.test(m.text), social)).toBeGreaterThan(0.3);
    expect(share((m) => /([a-z])\1\1/.test(m.text), social)).toBeGreaterThan(0.02);
    expect(share((m) => /\p{Extended_Pictographic}/u.test(m.text), social)).toBeGreaterThan(0.2);
    expect(
      share((m) => /^[^A-Z]+$/.test(m.text.replace(/[#@]\w+|https?:\/\/\S+|\bRT\b/g, "")), social),
    ).toBeGreaterThan(0.1);
    expect(
      share(
        (m) => /\b(literally|honestly|seriously|please|thanks|so far so good|good job|btw|fyi)\b/i.test(m.text),
        social,
      ),
    ).toBeGreaterThan(0.02);
    const news = all.filter((m) => m.platform === "news");
    expect(news.every((m) => /^[A-Z][^.]*\. [A-Z].*\.$/.test(m.text) && m.kind === "article")).toBe(true);
  });
});
