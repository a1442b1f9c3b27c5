/**
 * RSS 2.0 and Atom documents to a list of feed items (fast-xml-parser), or a FeedError with the
 * code the item goes to the dead-letter topic with: not XML, or XML that is not a feed (an HTML
 * error page served with status 200 is the common case).
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";

export const RSS_ERROR_CODES = {
  /** The body is not well-formed XML (or declares entities, which are refused). */
  badXml: "RSS_BAD_XML",
  /** Well-formed, but neither RSS nor Atom (e.g. an HTML page). */
  notAFeed: "RSS_NOT_A_FEED",
  /** An item with neither a link nor a guid, or without a title and a summary. */
  badItem: "RSS_BAD_ITEM",
  /** The feed answered 4xx, or could not be fetched after every retry. */
  fetchFailed: "RSS_FETCH_FAILED",
} as const;

export class FeedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "FeedError";
  }
}

export interface FeedItem {
  guid: string | null;
  link: string | null;
  title: string;
  /** The description (RSS) or summary/content (Atom), HTML as written. */
  summary: string;
  /** Epoch ms, or null when absent or unreadable. */
  published: number | null;
  /** Google News: the outlet (`<source url>`). */
  outlet: { name: string; url: string } | null;
}

export interface Feed {
  title: string;
  /** The channel's language (RSS `<language>`, Atom `xml:lang`), or null. */
  lang: string | null;
  items: FeedItem[];
}

const ARRAYS = new Set(["rss.channel.item", "rdf:RDF.item", "feed.entry", "feed.entry.link"]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: true,
  trimValues: true,
  isArray: (_name, jpath) => ARRAYS.has(String(jpath)),
});

type XmlNode = Record<string, unknown>;

/** The text of an element parsed with attributes (`#text`), or of a plain one. */
function text(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return text(value[0]);
  if (typeof value === "object") return text((value as XmlNode)["#text"]);
  return "";
}

function attribute(value: unknown, name: string): string | null {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const found = (value as XmlNode)[`@_${name}`];
    return typeof found === "string" ? found : null;
  }
  return null;
}

function time(value: string): number | null {
  if (value === "") return null;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : parsed;
}

function rssItem(item: XmlNode): FeedItem {
  const source = item.source;
  const sourceUrl = attribute(source, "url");
  return {
    guid: text(item.guid) || null,
    link: text(item.link) || null,
    title: text(item.title),
    summary: text(item.description) || text(item["content:encoded"]),
    published: time(text(item.pubDate) || text(item["dc:date"])),
    outlet: sourceUrl ? { name: text(source), url: sourceUrl } : null,
  };
}

function atomLink(links: unknown): string | null {
  if (!Array.isArray(links)) return null;
  const alternate = links.find((link) => (attribute(link, "rel") ?? "alternate") === "alternate") ?? links[0];
  return attribute(alternate, "href");
}

function atomEntry(entry: XmlNode): FeedItem {
  return {
    guid: text(entry.id) || null,
    link: atomLink(entry.link),
    title: text(entry.title),
    // YouTube's channel feeds keep the description in Media RSS.
    summary:
      text(entry.summary) || text(entry.content) || text((entry["media:group"] as XmlNode)?.["media:description"]),
    published: time(text(entry.published) || text(entry.updated)),
    outlet: null,
  };
}

export function parseFeed(body: string): Feed {
  // Internal entities are the way to an entity-expansion bomb; no real feed declares them.
  if (/<!ENTITY/i.test(body)) throw new FeedError(RSS_ERROR_CODES.badXml, "the document declares XML entities");
  const valid = XMLValidator.validate(body);
  if (valid !== true) {
    const looksHtml = /^\s*(<!doctype html|<html)/i.test(body);
    throw new FeedError(
      looksHtml ? RSS_ERROR_CODES.notAFeed : RSS_ERROR_CODES.badXml,
      looksHtml
        ? "an HTML page, not a feed"
        : `not well-formed XML at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}`,
    );
  }
  const doc = parser.parse(body) as XmlNode;
  const rss = doc.rss as XmlNode | undefined;
  if (rss && typeof rss === "object") {
    const channel = (rss.channel ?? {}) as XmlNode;
    const items = (channel.item ?? []) as XmlNode[];
    return { title: text(channel.title), lang: text(channel.language) || null, items: items.map(rssItem) };
  }
  const rdf = doc["rdf:RDF"] as XmlNode | undefined;
  if (rdf && typeof rdf === "object") {
    const channel = (rdf.channel ?? {}) as XmlNode;
    return { title: text(channel.title), lang: null, items: ((rdf.item ?? []) as XmlNode[]).map(rssItem) };
  }
  const feed = doc.feed as XmlNode | undefined;
  if (feed && typeof feed === "object") {
    const entries = (feed.entry ?? []) as XmlNode[];
    return { title: text(feed.title), lang: attribute(feed, "xml:lang"), items: entries.map(atomEntry) };
  }
  const root = Object.keys(doc).find((key) => !key.startsWith("?")) ?? "nothing";
  throw new FeedError(RSS_ERROR_CODES.notAFeed, `expected <rss> or <feed>, got <${root}>`);
}
