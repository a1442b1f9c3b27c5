/**
 * Validation and normalisation of a decoded Mention: required content present, within the bounds
 * of limits.ts, thread fields consistent, text and names in Unicode NFC without surrounding
 * whitespace or control characters, hashtags and handles in one canonical form, the url http(s)
 * or dropped. Pure and synchronous (the clock is an argument); the process stage sends failures
 * to the dead-letter topic with the rejection's code.
 */
import { ErrorCode } from "../../runtime/errors.js";
import type { Mention } from "../../schemas/types.generated.js";
import { countsProblem, eventTimeProblem, idsProblem, type Rejection, textProblem } from "./limits.js";

export * from "./limits.js";

const KINDS_WITH_PARENT = new Set(["reply", "share"]);
// Control characters other than tab and newline; they break terminals and CSV exports downstream.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** Printable ASCII, tab and line breaks: already NFC, with no character to drop. */
const PLAIN_ASCII = /^[\t\n\r\x20-\x7E]*$/;
const LEADING_MARKS = { "#": /^#+/, "@": /^@+/ } as const;

export type NormaliseResult = { ok: true; mention: Mention } | ({ ok: false } & Rejection);

function clean(text: string): string {
  // Most ids, handles and texts are plain ASCII: the test is several times cheaper than normalize().
  if (PLAIN_ASCII.test(text)) return text.trim();
  return text.normalize("NFC").replace(CONTROL_CHARS, "").trim();
}

function canonicalList(values: string[], prefix: keyof typeof LEADING_MARKS): string[] {
  const seen = new Set<string>();
  for (const value of values) {
    const canonical = clean(value).replace(LEADING_MARKS[prefix], "").toLowerCase();
    if (canonical) seen.add(canonical);
  }
  return [...seen];
}

/** The url if it is http(s): anything else (javascript:, data:, a bare path) is no link to follow. */
function webUrl(url: string | null): string | null {
  if (url === null) return null;
  const cleaned = clean(url);
  if (!/^https?:\/\//i.test(cleaned)) return null;
  try {
    return new URL(cleaned).protocol.startsWith("http") ? cleaned : null;
  } catch {
    return null;
  }
}

/** Whether parentId and rootId describe one thread: a root names only itself, a reply its root. */
function threadProblem({ id, parentId, rootId }: Mention): Rejection | null {
  let problem: string | null = null;
  if (parentId === null && rootId !== null && rootId !== id) problem = `rootId ${rootId} without a parentId`;
  else if (parentId !== null && rootId === null) problem = `parentId ${parentId} without a rootId`;
  else if (parentId === id) problem = "parentId is the item itself";
  else if (parentId !== null && rootId === id) problem = "rootId is the item itself, yet it has a parent";
  return problem === null ? null : { code: ErrorCode.InconsistentThread, reason: `inconsistent thread: ${problem}` };
}

/** `now`: the clock against which event times in the future are refused. */
export function normaliseMention(input: Mention, now = Date.now()): NormaliseResult {
  // Checked before cleaning, so a hostile text costs one length check, not a normalisation.
  const oversized = textProblem(input.text) ?? idsProblem({ id: input.id, "author.id": input.author.id });
  if (oversized) return { ok: false, ...oversized };
  const mention: Mention = {
    ...input,
    id: clean(input.id),
    url: webUrl(input.url),
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
  if (missing.length > 0) {
    return {
      ok: false,
      code: ErrorCode.MissingRequiredFields,
      reason: `missing required fields: ${missing.join(", ")}`,
    };
  }

  const counts = Object.fromEntries(Object.entries(mention.engagement).map(([name, n]) => [`engagement.${name}`, n]));
  const problem =
    idsProblem({
      "author.handle": mention.author.handle,
      parentId: mention.parentId,
      rootId: mention.rootId,
      source: mention.source,
    }) ??
    eventTimeProblem(mention.eventTime, now) ??
    countsProblem({ ...counts, "author.followers": mention.author.followers }) ??
    threadProblem(mention);
  return problem ? { ok: false, ...problem } : { ok: true, mention };
}
