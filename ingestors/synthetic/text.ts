/**
 * Turns templates into text. Templates are compiled once into literal and slot parts, so writing
 * a text is a walk over a short array with no parsing; hashtags, @mentions and links are then read
 * back from the finished text so that the Mention's entity arrays always agree with it.
 */
import type { Platform } from "../../schemas/types.generated.js";
import type { Agency, Issue } from "./agencies.js";
import { PLACE_CODES, type PlaceTruth } from "./places.js";
import type { Random } from "./random.js";
import { type Sentiment, type TemplatesBySentiment, WORD_VARIANTS } from "./vocabulary.js";

type SubjectField = "agency" | "Agency" | "issue" | "Issue" | "tag" | "site";
type Part = string | { field: SubjectField } | { variants: readonly string[] } | { friend: true } | { place: true };

/** Agency names and issue phrases that name Jakarta ("Pemprov DKI", "kualitas udara Jakarta"). */
const NAMES_JAKARTA = /\b(DKI|Jakarta)\b/i;
const JAKARTA: PlaceTruth = { provinceCode: "31", regencyCode: null };

export interface Template {
  sentiment: Sentiment;
  parts: readonly Part[];
  /** The same template typed without capitals, the way many people write. */
  casualParts: readonly Part[];
}

export type TemplateSet = Readonly<Record<Sentiment, readonly Template[]>>;

const SUBJECT_FIELDS = new Set<string>(["agency", "Agency", "issue", "Issue", "tag", "site"]);

/** "lama" -> "lama" (mostly), "lamaa", "lamaaa", "lamaaaaa": stress by repeating the last letter. */
function elongations(word: string): readonly string[] {
  const last = word.slice(-1);
  return [word, word, word, word + last, word + last.repeat(2), word + last.repeat(4)];
}

function compileParts(source: string, casual: boolean): Part[] {
  const parts: Part[] = [];
  for (const piece of source.split(/(\{[^}]+\})/)) {
    if (piece === "") continue;
    if (!piece.startsWith("{")) {
      parts.push(casual ? piece.toLowerCase() : piece);
      continue;
    }
    const slot = piece.slice(1, -1);
    if (SUBJECT_FIELDS.has(slot)) parts.push({ field: slot as SubjectField });
    else if (slot === "friend") parts.push({ friend: true });
    else if (slot === "place") parts.push({ place: true });
    else if (slot.startsWith("+")) parts.push({ variants: elongations(slot.slice(1)) });
    else if (slot in WORD_VARIANTS) parts.push({ variants: WORD_VARIANTS[slot as keyof typeof WORD_VARIANTS] });
    else throw new Error(`unknown slot {${slot}} in template "${source}"`);
  }
  return parts;
}

export function compileTemplates(sources: TemplatesBySentiment): TemplateSet {
  const compile = (sentiment: Sentiment): Template[] =>
    sources[sentiment].map((source) => ({
      sentiment,
      parts: compileParts(source, false),
      casualParts: compileParts(source, true),
    }));
  return { negative: compile("negative"), neutral: compile("neutral"), positive: compile("positive") };
}

const HEADLINE_LOWERCASE_WORDS = new Set(["di", "ke", "dari", "dan", "yang", "untuk", "atau"]);

/** Phrases in headline case, computed once per phrase. */
const headlineCased = new Map<string, string>();

/** "stok obat di puskesmas" -> "Stok Obat di Puskesmas"; acronyms keep their capitals. */
function headlineCase(phrase: string): string {
  let cased = headlineCased.get(phrase);
  if (cased === undefined) {
    cased = phrase
      .split(" ")
      .map((word) => (HEADLINE_LOWERCASE_WORDS.has(word) ? word : word.charAt(0).toUpperCase() + word.slice(1)))
      .join(" ");
    headlineCased.set(phrase, cased);
  }
  return cased;
}

/** What one text is about, chosen once per mention so that repeated slots agree. */
export class Subject {
  agency = "";
  Agency = "";
  issue = "";
  Issue = "";
  tag = "";
  site = "";

  platform: Platform = "other";
  /** The places the texts written since the last `takeNamed` name (ground truth). */
  private named: PlaceTruth[] = [];

  /** The places named since the last call, and forgets them. */
  takeNamed(): PlaceTruth[] {
    const named = this.named;
    this.named = [];
    return named;
  }

  /** Writes one of the {place} names, noting where it is. */
  place(random: Random): string {
    const name = random.pick(WORD_VARIANTS.place);
    this.named.push(PLACE_CODES[name]);
    return name;
  }

  /** A subject field's text, noting Jakarta when the agency name or issue phrase names it. */
  field(field: SubjectField): string {
    const value = this[field];
    if (field !== "tag" && field !== "site" && NAMES_JAKARTA.test(value)) this.named.push(JAKARTA);
    return value;
  }

  choose(agency: Agency, issue: Issue, platform: Platform, random: Random): this {
    this.platform = platform;
    // Citizens mostly name the agency; where it has an official account, some tag it instead.
    const handle = agency.handles[platform];
    this.agency = handle !== undefined && random.chance(0.3) ? `@${handle}` : random.pick(agency.aliases);
    this.Agency = agency.shortName;
    const phrase = random.pick(issue.phrases);
    this.issue = phrase;
    this.Issue = headlineCase(phrase);
    this.tag = `#${random.pick(issue.hashtags)}`;
    this.site = `https://www.${agency.website}`;
    return this;
  }
}

/** `friendHandle` names another user of the subject's platform for {friend}. */
export function writeText(
  template: Template,
  casual: boolean,
  subject: Subject,
  friendHandle: (platform: Platform) => string,
  random: Random,
): string {
  let text = "";
  for (const part of casual ? template.casualParts : template.parts) {
    if (typeof part === "string") text += part;
    else if ("variants" in part) text += random.pick(part.variants);
    else if ("field" in part) text += subject.field(part.field);
    else if ("place" in part) text += subject.place(random);
    else text += `@${friendHandle(subject.platform)}`;
  }
  return text;
}

export interface Entities {
  hashtags: string[];
  mentionedHandles: string[];
  links: string[];
}

// A URL is matched as a whole first, so an "@handle" inside it (tiktok.com/@user) is not a mention.
// Handles may contain dots (instagram, tiktok) but do not end with one.
const ENTITY_PATTERN = /(https?:\/\/\S+)|#([A-Za-z0-9_]+)|@([A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?)/g;

/** Hashtags and handles without their "#"/"@", and links, each once, in order of appearance. */
export function extractEntities(text: string): Entities {
  const entities: Entities = { hashtags: [], mentionedHandles: [], links: [] };
  for (const [, link, hashtag, handle] of text.matchAll(ENTITY_PATTERN)) {
    const [list, value] =
      link !== undefined
        ? [entities.links, link]
        : hashtag !== undefined
          ? [entities.hashtags, hashtag]
          : [entities.mentionedHandles, handle as string];
    if (!list.includes(value)) list.push(value);
  }
  return entities;
}
