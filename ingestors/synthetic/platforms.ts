/**
 * Platform conventions: how much of the conversation happens where, which kinds of item each
 * platform has, and what native ids and permalinks look like there, so that downstream parsing
 * and deduplication see realistic shapes.
 */
import type { MentionKind } from "../../schemas/types.generated.js";
import { type Random, WeightedTable } from "./random.js";

/** The platforms the simulator writes for. */
export const SIMULATED_PLATFORMS = ["x", "facebook", "instagram", "youtube", "tiktok", "news", "forum"] as const;
export type SimulatedPlatform = (typeof SIMULATED_PLATFORMS)[number];

/** Where the conversation happens: relative share of mentions per platform. */
export const PLATFORM_WEIGHTS: readonly (readonly [SimulatedPlatform, number])[] = [
  ["x", 0.38],
  ["facebook", 0.14],
  ["instagram", 0.14],
  ["youtube", 0.07],
  ["tiktok", 0.16],
  ["news", 0.04],
  ["forum", 0.07],
];

export const PLATFORM_SHARE = new WeightedTable(PLATFORM_WEIGHTS);

/** Kinds of item per platform; a kind that needs a parent falls back to a root when none exists yet. */
export const KIND_MIX: Readonly<Record<SimulatedPlatform, WeightedTable<MentionKind>>> = {
  x: new WeightedTable<MentionKind>([
    ["post", 0.42],
    ["reply", 0.33],
    ["share", 0.25],
  ]),
  facebook: new WeightedTable<MentionKind>([
    ["post", 0.3],
    ["comment", 0.5],
    ["share", 0.2],
  ]),
  instagram: new WeightedTable<MentionKind>([
    ["post", 0.22],
    ["comment", 0.78],
  ]),
  youtube: new WeightedTable<MentionKind>([
    ["post", 0.06],
    ["comment", 0.94],
  ]),
  tiktok: new WeightedTable<MentionKind>([
    ["post", 0.2],
    ["comment", 0.8],
  ]),
  news: new WeightedTable<MentionKind>([["article", 1]]),
  forum: new WeightedTable<MentionKind>([
    ["post", 0.3],
    ["reply", 0.7],
  ]),
};

/** A news portal; it publishes articles on the news platform and runs accounts on the social ones. */
export interface Outlet {
  handle: string;
  name: string;
  domain: string;
  /** The portal's native article id and permalink for article number `n`. */
  article(n: number, slug: string, time: number): { id: string; url: string };
}

/** Calendar parts of an epoch-ms time in WIB, as portals put them in their URLs. */
function wibDate(time: number): { y: string; m: string; d: string; hms: string } {
  const iso = new Date(time + 7 * 3_600_000).toISOString(); // "2025-06-02T08:15:30.000Z" in WIB
  return { y: iso.slice(0, 4), m: iso.slice(5, 7), d: iso.slice(8, 10), hms: iso.slice(11, 19).replaceAll(":", "") };
}

export const OUTLETS: readonly Outlet[] = [
  {
    handle: "detikcom",
    name: "detikcom",
    domain: "detik.com",
    article: (n, slug) => ({
      id: `d-${7_000_000 + n}`,
      url: `https://news.detik.com/berita/d-${7_000_000 + n}/${slug}`,
    }),
  },
  {
    handle: "kompascom",
    name: "Kompas.com",
    domain: "kompas.com",
    article: (n, slug, time) => {
      const { y, m, d } = wibDate(time);
      const id = `${y}${m}${d}${String(10_000_000 + n).slice(-8)}`;
      return { id, url: `https://nasional.kompas.com/read/${y}/${m}/${d}/${id.slice(8)}/${slug}` };
    },
  },
  {
    handle: "CNNIndonesia",
    name: "CNN Indonesia",
    domain: "cnnindonesia.com",
    article: (n, slug, time) => {
      const { y, m, d, hms } = wibDate(time);
      const id = `${y}${m}${d}${hms}-20-${1_100_000 + n}`;
      return { id, url: `https://www.cnnindonesia.com/nasional/${id}/${slug}` };
    },
  },
  {
    handle: "tempodotco",
    name: "Tempo.co",
    domain: "tempo.co",
    article: (n, slug) => ({ id: `${1_900_000 + n}`, url: `https://www.tempo.co/politik/${slug}-${1_900_000 + n}` }),
  },
  {
    handle: "liputan6dotcom",
    name: "Liputan6.com",
    domain: "liputan6.com",
    article: (n, slug) => ({
      id: `${5_800_000 + n}`,
      url: `https://www.liputan6.com/news/read/${5_800_000 + n}/${slug}`,
    }),
  },
  {
    handle: "antaranews",
    name: "ANTARA News",
    domain: "antaranews.com",
    article: (n, slug) => ({
      id: `${4_700_000 + n}`,
      url: `https://www.antaranews.com/berita/${4_700_000 + n}/${slug}`,
    }),
  },
  {
    handle: "tribunnews",
    name: "Tribunnews.com",
    domain: "tribunnews.com",
    article: (n, slug, time) => {
      const { y, m, d } = wibDate(time);
      return { id: `${y}${m}${d}-${n}`, url: `https://www.tribunnews.com/nasional/${y}/${m}/${d}/${slug}` };
    },
  },
  {
    handle: "CNBCIndonesia",
    name: "CNBC Indonesia",
    domain: "cnbcindonesia.com",
    article: (n, slug, time) => {
      const { y, m, d, hms } = wibDate(time);
      const id = `${y}${m}${d}${hms}-4-${600_000 + n}`;
      return { id, url: `https://www.cnbcindonesia.com/news/${id}/${slug}` };
    },
  },
];

/** URL slug of a title, as portals and forums build them: lowercase words joined by "-". */
export function slugify(title: string, maxWords = 10): string {
  return title
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0)
    .slice(0, maxWords)
    .join("-");
}

const X_EPOCH_MS = 1_288_834_974_657n;
const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const HEX = "0123456789abcdef";
const DIGITS = "0123456789";

/** A number-like id of `length` digits with no leading zero. */
function numericId(random: Random, length: number): string {
  return `${1 + random.int(9)}${random.chars(DIGITS, length - 1)}`;
}

/** Native id of a new account. */
export function accountId(platform: SimulatedPlatform, random: Random): string {
  switch (platform) {
    case "x":
      return numericId(random, 8 + random.int(11));
    case "facebook":
      return `1000${numericId(random, 11)}`;
    case "instagram":
      return numericId(random, 10);
    case "youtube":
      return `UC${random.chars(BASE64URL, 22)}`;
    case "tiktok":
      return numericId(random, 19);
    case "news":
    case "forum":
      return numericId(random, 7);
  }
}

/** What identifies the item a new one attaches to. */
export interface ThreadAnchor {
  id: string;
  url: string | null;
}

/**
 * Native id and permalink of a new social item. `serial` is unique per item and keeps
 * time-derived ids unique within one millisecond; `root` is the thread's top post for replies and
 * comments; `text` gives forum threads their URL slug.
 */
export function socialIdentity(
  platform: Exclude<SimulatedPlatform, "news">,
  kind: MentionKind,
  author: { id: string; handle: string },
  root: ThreadAnchor | null,
  text: string,
  time: number,
  serial: number,
  random: Random,
): { id: string; url: string | null } {
  const isRoot = root === null || kind === "post" || kind === "share";
  switch (platform) {
    case "x": {
      // Snowflake: milliseconds since the X epoch above 22 bits of sequence.
      const id = (((BigInt(time) - X_EPOCH_MS) << 22n) | BigInt(serial % 4_194_304)).toString();
      return { id, url: `https://x.com/${author.handle}/status/${id}` };
    }
    case "facebook": {
      const number = numericId(random, 16);
      if (isRoot)
        return { id: `${author.id}_${number}`, url: `https://www.facebook.com/${author.handle}/posts/${number}` };
      return { id: `${root.id}_${number}`, url: `${root.url}?comment_id=${number}` };
    }
    case "instagram": {
      if (isRoot) {
        const shortcode = random.chars(BASE64URL, 11);
        return { id: shortcode, url: `https://www.instagram.com/p/${shortcode}/` };
      }
      const id = numericId(random, 17);
      return { id, url: `${root.url}c/${id}/` };
    }
    case "youtube": {
      if (isRoot) {
        const id = random.chars(BASE64URL, 11);
        return { id, url: `https://www.youtube.com/watch?v=${id}` };
      }
      const id = `Ugx${random.chars(BASE64URL, 19)}4AaABAg`;
      return { id, url: `${root.url}&lc=${id}` };
    }
    case "tiktok": {
      // Seconds in the high 32 bits, like TikTok's own ids; comments have no public permalink.
      const id = ((BigInt(Math.floor(time / 1000)) << 32n) | BigInt(serial % 4_294_967_296)).toString();
      return isRoot ? { id, url: `https://www.tiktok.com/@${author.handle}/video/${id}` } : { id, url: null };
    }
    case "forum": {
      // Kaskus ids are MongoDB ObjectIds: 4 bytes of seconds, then 8 more bytes.
      const id = `${Math.floor(time / 1000).toString(16)}${random.chars(HEX, 16)}`;
      if (isRoot) return { id, url: `https://www.kaskus.co.id/thread/${id}/${slugify(text, 8)}` };
      return { id, url: `https://www.kaskus.co.id/show_post/${id}/` };
    }
  }
}
