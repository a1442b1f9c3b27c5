import { beforeAll, describe, expect, it } from "vitest";
import { AGENCIES, createSyntheticIngestor } from "../../../ingestors/synthetic/index.js";
import type { Author, Mention } from "../../../schemas/types.generated.js";
import { collect, mentions } from "../events.js";

let all: Mention[];
/** Each account once, with the platform it is on. */
let accounts: { platform: string; author: Author }[];

beforeAll(async () => {
  all = mentions(await collect(createSyntheticIngestor({ speed: 0, maxMentions: 60_000, authors: 5000 })));
  const byKey = new Map(all.map((m) => [`${m.platform}:${m.author.id}`, { platform: m.platform, author: m.author }]));
  accounts = [...byKey.values()];
});

describe("synthetic authors", () => {
  it("have heavy-tailed followers: the top 1% hold most of them, the median account is small", () => {
    const followers = accounts.map(({ author }) => author.followers).sort((a, b) => b - a);
    const total = followers.reduce((sum, f) => sum + f, 0);
    const top = followers.slice(0, Math.ceil(followers.length / 100)).reduce((sum, f) => sum + f, 0);
    expect(accounts.length).toBeGreaterThan(4000);
    expect(top / total).toBeGreaterThan(0.5);
    expect(followers[Math.floor(followers.length / 2)]).toBeLessThan(1000);
    expect(followers[0]).toBeGreaterThanOrEqual(1_000_000);
    expect(followers.filter((f) => f >= 100_000).length).toBeGreaterThan(20);
    expect(followers.filter((f) => f < 100).length).toBeGreaterThan(accounts.length * 0.25);
  });

  it("include the agencies' official accounts, verified, under their handles", () => {
    const officialHandles = new Set(
      AGENCIES.flatMap((agency) => Object.entries(agency.handles).map(([p, h]) => `${p}:${h}`)),
    );
    const officials = accounts
      .filter(({ platform, author }) => officialHandles.has(`${platform}:${author.handle}`))
      .map(({ author }) => author);
    expect(officials.length).toBeGreaterThan(20);
    expect(officials.every((author) => author.verified && author.followers >= 200_000)).toBe(true);
    expect(new Set(officials.map((author) => author.name))).toContain("Kementerian Kesehatan");
  });

  it("include news portals, which alone publish articles", () => {
    const portals = new Set(all.filter((m) => m.platform === "news").map((m) => m.author.handle));
    expect([...portals].sort()).toEqual([
      "CNBCIndonesia",
      "CNNIndonesia",
      "antaranews",
      "detikcom",
      "kompascom",
      "liputan6dotcom",
      "tempodotco",
      "tribunnews",
    ]);
    const onX = all.filter((m) => m.platform === "x" && portals.has(m.author.handle));
    expect(onX.length).toBeGreaterThan(0);
    expect(onX.every((m) => m.author.verified && m.links.length === 1)).toBe(true);
  });

  it("have one handle per account on a platform, Indonesian-looking, stable across runs", async () => {
    const handles = new Map<string, string>();
    for (const m of all) {
      const key = `${m.platform}:${m.author.handle}`;
      expect(handles.get(key) ?? m.author.id).toBe(m.author.id);
      handles.set(key, m.author.id);
    }
    const names = accounts.map(({ author }) => author.name ?? "").join(" ");
    for (const name of ["Budi", "Siti", "Santoso", "Siregar"]) expect(names).toContain(name);
    const again = mentions(await collect(createSyntheticIngestor({ speed: 0, maxMentions: 200 })));
    expect(again.map((m) => m.author)).toEqual(all.slice(0, 200).map((m) => m.author));
  });
});
