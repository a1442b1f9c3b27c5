/**
 * Validation and normalisation of a decoded Mention: required content present, text and names in
 * Unicode NFC without surrounding whitespace or control characters, hashtags and handles in one
 * canonical form. Pure and synchronous; the process stage sends failures to the dead-letter topic.
 */
import type { Mention } from "../../schemas/types.generated.js";

/** Mentions before this are certainly a unit mistake (seconds for milliseconds). */
const EARLIEST_EVENT_TIME = Date.UTC(2000, 0, 1);
const KINDS_WITH_PARENT = new Set(["reply", "share"]);
// Control characters other than tab and newline; they break terminals and CSV exports downstream.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

export type NormaliseResult = { ok: true; mention: Mention } | { ok: false; reason: string };

function clean(text: string): string {
  return text.normalize("NFC").replace(CONTROL_CHARS, "").trim();
}

function canonicalList(values: string[], prefix: string): string[] {
  const seen = new Set<string>();
  for (const value of values) {
    const canonical = clean(value)
      .replace(new RegExp(`^${prefix}+`), "")
      .toLowerCase();
    if (canonical) seen.add(canonical);
  }
  return [...seen];
}

export function normaliseMention(input: Mention): NormaliseResult {
  const mention: Mention = {
    ...input,
    id: clean(input.id),
    url: input.url === null ? null : clean(input.url) || null,
    author: {
      ...input.author,
      id: clean(input.author.id),
      handle: clean(input.author.handle).replace(/^@+/, ""),
      name: input.author.name === null ? null : clean(input.author.name) || null,
    },
    text: clean(input.text),
    lang: input.lang === null ? null : clean(input.lang).toLowerCase() || null,
    parentId: input.parentId === null ? null : clean(input.parentId) || null,
    rootId: input.rootId === null ? null : clean(input.rootId) || null,
    hashtags: canonicalList(input.hashtags, "#"),
    mentionedHandles: canonicalList(input.mentionedHandles, "@"),
    links: [...new Set(input.links.map(clean).filter(Boolean))],
    source: clean(input.source),
  };

  const missing: string[] = [];
  if (!mention.id) missing.push("id");
  if (!mention.author.id) missing.push("author.id");
  if (!mention.author.handle) missing.push("author.handle");
  if (!mention.text && !(mention.kind === "share" && mention.parentId)) missing.push("text");
  if (!mention.source) missing.push("source");
  if (KINDS_WITH_PARENT.has(mention.kind) && !mention.parentId) missing.push("parentId");
  if (missing.length > 0) return { ok: false, reason: `missing required fields: ${missing.join(", ")}` };

  if (mention.eventTime < EARLIEST_EVENT_TIME) {
    return { ok: false, reason: `eventTime ${mention.eventTime} is before 2000-01-01; expected epoch milliseconds` };
  }
  const negative = Object.entries(mention.engagement).find(([, count]) => count < 0);
  if (negative || mention.author.followers < 0) {
    return { ok: false, reason: `negative count in ${negative ? `engagement.${negative[0]}` : "author.followers"}` };
  }
  return { ok: true, mention };
}
