/**
 * Who is speaking, relative to the agencies' official accounts (akun resmi):
 *
 * - `official`: the author is a registered official account (by id when registered, else handle);
 * - `impersonation_suspect`: the author is not registered but its *identity* (handle, display
 *   name) imitates an agency: a look-alike or near copy of an official handle, the agency's name
 *   or aliases together with words such as "official", "resmi", "humas", "RI". What the author
 *   writes in the text is never looked at, so people who merely talk about the agency are safe;
 * - `audience_response`: a reply or comment to an official account's post (the parent's author
 *   comes from `lookupAuthor`; the tagger remembers recent official posts for it);
 * - `other`: everything else.
 *
 * Pure and synchronous: the same mention, registry and lookup give the same answer.
 */
import type { Mention, Platform } from "../../schemas/types.generated.js";
import type { AccountRegistry, Agency, OfficialAccount } from "./registry.js";
import { compactHandle, editDistance, handleWords, lowerHandle, nameWords, skeleton } from "./similarity.js";

export type AccountRole = "official" | "audience_response" | "impersonation_suspect" | "other";

export interface AccountClassification {
  role: AccountRole;
  /** The agency the author is, answers, or imitates; null when none. */
  agency: string | null;
  /** Impersonation score in [0, 1] when the author's identity resembles an agency (also below the threshold). */
  score?: number;
  /** Why, in words, strongest first. */
  reasons: string[];
}

/** An author as far as it is known: a handle, an id, or both. */
export interface AuthorRef {
  handle?: string | null;
  id?: string | null;
}

/**
 * The author of a post by its platform and id, or undefined when unknown. The accounts tagger
 * answers from the official posts it has seen, then from the lookup it was given (e.g. Redis).
 */
export type AuthorLookup = (platform: Platform, postId: string) => AuthorRef | null | undefined;

export interface ClassifyOptions {
  lookupAuthor?: AuthorLookup;
  /** Impersonation score from which an unregistered account is a suspect. Default 0.6. */
  threshold?: number;
  /** Replaces `assessImpersonation` (same contract), e.g. with a cached version. */
  assess?: typeof assessImpersonation;
}

export const DEFAULT_THRESHOLD = 0.6;

/** Evidence weights, combined as independent evidence: score = 1 - Π(1 - w). */
export const WEIGHTS = {
  /** Same skeleton as an official handle: only look-alike characters differ (KemenkesRl / KemenkesRI). */
  lookalike: 0.95,
  /** A registered handle whose registered id is not the author's (a renamed account's old handle). */
  idMismatch: 0.9,
  /** The official handle of another platform, used where the agency has not registered it. */
  crossPlatform: 0.9,
  /** An official handle with other separators (kemenkes.ri / kemenkes_ri). */
  separators: 0.9,
  /** One edit (insert, delete, substitute, swap) from an official handle of 5+ characters. */
  oneEdit: 0.85,
  /** Contains an official handle of 5+ characters (KemenkesRI_official). */
  containsHandle: 0.8,
  /** Two edits from an official handle of 8+ characters. */
  twoEdits: 0.6,
  /** Display name equal to the agency's name or an official account's display name. */
  officialName: 0.6,
  /** Display name that is exactly one of the agency's aliases ("Polri", "KPK"). */
  aliasAsName: 0.5,
  /** Handle contains an agency's name or alias. */
  aliasInHandle: 0.45,
  /** Display name contains an agency's name or alias. */
  aliasInName: 0.4,
  /** Both do: one piece of evidence (naming the agency), not two. */
  aliasInBoth: 0.55,
  /** Words claiming officialness, counted only next to evidence of an agency. */
  strongWord: 0.4,
  mediumWord: 0.3,
  weakWord: 0.15,
  /** No registered agency, but a handle or name built like a government account's (kemen…, humas…). */
  governmentPrefix: 0.35,
} as const;

const STRONG_WORDS = ["official", "resmi", "humas", "verified", "pusat", "goid", "gov"];
const MEDIUM_WORDS = [
  "ri",
  "id",
  "indonesia",
  "admin",
  "cs",
  "care",
  "helpdesk",
  "callcenter",
  "layanan",
  "pengaduan",
  "hotline",
  "kontak",
];
const WEAK_WORDS = ["info", "news", "update", "media"];
const GOVERNMENT_PREFIXES = [
  "kementerian",
  "kemen",
  "divhumas",
  "humas",
  "dinkes",
  "dinas",
  "pemprov",
  "pemkot",
  "pemkab",
  "polda",
  "polres",
  "ditjen",
  "direktorat",
  "badan",
];

interface Signal {
  weight: number;
  reason: string;
}

const combine = (signals: readonly Signal[]) => 1 - signals.reduce((rest, s) => rest * (1 - s.weight), 1);
const round = (score: number) => Math.round(score * 100) / 100;
const describe = (account: OfficialAccount) => `@${account.handle} (${account.platform})`;

/** The author's identity, prepared once for every agency. */
interface Identity {
  platform: Platform;
  handle: string;
  lower: string;
  compact: string;
  skeleton: string;
  handleWords: string[];
  name: string | null;
  nameWords: string[];
  nameJoined: string;
  nameCompact: string;
}

function identityOf(platform: Platform, handle: string, name: string | null): Identity {
  const words = name ? nameWords(name) : [];
  const clean = handle.replace(/^@+/, "");
  return {
    platform,
    handle: clean,
    lower: lowerHandle(clean),
    compact: compactHandle(clean),
    skeleton: skeleton(clean),
    handleWords: handleWords(clean),
    name,
    nameWords: words,
    nameJoined: words.join(" "),
    nameCompact: words.join(""),
  };
}

/** The strongest resemblance of the handle to one of the agency's official handles. */
function copySignal(identity: Identity, agency: Agency): Signal | null {
  let best: Signal | null = null;
  const consider = (weight: number, reason: string) => {
    if (best === null || weight > best.weight) best = { weight, reason };
  };
  const handle = `handle '${identity.handle}'`;
  for (const account of agency.accounts) {
    if (account.lower === identity.lower) {
      // Same platform would have been the official account itself.
      consider(
        WEIGHTS.crossPlatform,
        `${handle} is ${agency.id}'s official ${account.platform} handle, used on ${identity.platform} where it is not registered`,
      );
    } else if (account.compact === identity.compact) {
      consider(
        WEIGHTS.separators,
        `${handle} is ${agency.id}'s official ${describe(account)} with different separators`,
      );
    } else if (account.skeleton === identity.skeleton) {
      consider(
        WEIGHTS.lookalike,
        `${handle} looks the same as ${agency.id}'s official ${describe(account)} (look-alike characters)`,
      );
    } else {
      const length = account.skeleton.length;
      const distance = length >= 5 ? editDistance(identity.skeleton, account.skeleton, 2) : 3;
      if (distance === 1) {
        consider(WEIGHTS.oneEdit, `${handle} is 1 character away from ${agency.id}'s official ${describe(account)}`);
      } else if (length >= 5 && identity.skeleton.includes(account.skeleton)) {
        consider(WEIGHTS.containsHandle, `${handle} contains ${agency.id}'s official handle ${describe(account)}`);
      } else if (distance === 2 && length >= 8) {
        consider(WEIGHTS.twoEdits, `${handle} is 2 characters away from ${agency.id}'s official ${describe(account)}`);
      }
    }
  }
  return best;
}

function containsWords(haystack: readonly string[], needle: readonly string[]): boolean {
  if (needle.length === 0 || needle.length > haystack.length) return false;
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((word, j) => haystack[i + j] === word)) return true;
  }
  return false;
}

/** The longest alias of the agency found in the handle, and in the display name. */
function aliasSignals(
  identity: Identity,
  agency: Agency,
): { signals: Signal[]; found: string[]; nameAlias: readonly string[] | null } {
  let inHandle: { alias: string; compact: string } | null = null;
  let inName: { alias: string; compact: string; words: readonly string[] } | null = null;
  let asName: string | null = null;
  for (const alias of agency.aliases) {
    if (identity.nameJoined !== "" && identity.nameJoined === alias.words.join(" ")) asName = alias.text;
    const { compact } = alias;
    const long = compact.length >= 5;
    const handleHit = long
      ? identity.compact.includes(compact) || identity.skeleton.includes(alias.skeleton)
      : identity.handleWords.includes(compact) ||
        identity.compact.startsWith(compact) ||
        identity.compact.endsWith(compact);
    if (handleHit && (inHandle === null || compact.length > inHandle.compact.length))
      inHandle = { alias: alias.text, compact };
    const nameHit = containsWords(identity.nameWords, alias.words) || (long && identity.nameCompact.includes(compact));
    if (nameHit && (inName === null || compact.length > inName.compact.length)) {
      inName = { alias: alias.text, compact, words: alias.words };
    }
  }
  const found = [inHandle?.compact, inName?.compact].filter((c): c is string => c !== undefined);
  const signals: Signal[] = [];
  if (asName !== null)
    signals.push({ weight: WEIGHTS.aliasAsName, reason: `display name is '${asName}' (${agency.id})` });
  if (inHandle && inName && asName === null) {
    const both = inHandle.alias === inName.alias ? `'${inHandle.alias}'` : `'${inHandle.alias}' / '${inName.alias}'`;
    signals.push({ weight: WEIGHTS.aliasInBoth, reason: `handle and display name contain ${both} (${agency.id})` });
  } else {
    if (inHandle)
      signals.push({ weight: WEIGHTS.aliasInHandle, reason: `handle contains '${inHandle.alias}' (${agency.id})` });
    if (inName && asName === null) {
      signals.push({ weight: WEIGHTS.aliasInName, reason: `display name contains '${inName.alias}' (${agency.id})` });
    }
  }
  return { signals, found, nameAlias: inName?.words ?? null };
}

/** Words claiming officialness in the handle or name, each counted once at its heaviest. */
function officialWordSignals(
  identity: Identity,
  removed: readonly string[],
  nameAlias: readonly string[] | null,
  skip: string | null = null,
): Signal[] {
  // What is left of the handle once the agency's names are taken out: "kemenkesresmi" -> "resmi".
  const strip = (text: string) => {
    let rest = text;
    for (const part of [...removed].sort((a, b) => b.length - a.length)) rest = rest.split(part).join(" ");
    return rest.split(/[^\p{L}]+/u).filter(Boolean);
  };
  const pieces = new Set([...strip(identity.compact), ...identity.handleWords.flatMap(strip)]);
  // The display name's words, without the agency's name found in it ("Humas Polri Official" -> "official").
  let nameRest = identity.nameWords;
  if (nameAlias !== null) {
    for (let i = 0; i + nameAlias.length <= nameRest.length; i++) {
      if (nameAlias.every((word, j) => nameRest[i + j] === word)) {
        nameRest = [...nameRest.slice(0, i), ...nameRest.slice(i + nameAlias.length)];
        break;
      }
    }
  }
  const nameWordSet = new Set(nameRest);
  const signals: Signal[] = [];
  const lists: Array<[readonly string[], number]> = [
    [STRONG_WORDS, WEIGHTS.strongWord],
    [MEDIUM_WORDS, WEIGHTS.mediumWord],
    [WEAK_WORDS, WEIGHTS.weakWord],
  ];
  for (const [words, weight] of lists) {
    for (const word of words) {
      if (word === skip) continue;
      const long = word.length >= 4;
      const inHandle = long ? [...pieces].some((piece) => piece.includes(word)) : pieces.has(word);
      if (inHandle) {
        signals.push({ weight, reason: `handle contains '${word}'` });
        continue;
      }
      const inName = nameWordSet.has(word) || (long && nameRest.some((w) => w.includes(word)));
      if (inName) signals.push({ weight, reason: `display name contains '${word}'` });
    }
  }
  return signals;
}

export interface ImpersonationAssessment {
  agency: string | null;
  score: number;
  reasons: string[];
}

/**
 * How much an unregistered account's handle and display name imitate an agency: the best
 * agency's score and reasons, or null when nothing resembles any agency or a government account.
 */
export function assessImpersonation(
  platform: Platform,
  handle: string,
  name: string | null,
  registry: AccountRegistry,
): ImpersonationAssessment | null {
  const identity = identityOf(platform, handle, name);
  let best: { agency: string | null; score: number; signals: Signal[] } | null = null;
  for (const agency of registry.agencies) {
    const signals: Signal[] = [];
    const copy = copySignal(identity, agency);
    if (copy) signals.push(copy);
    if (identity.nameJoined !== "" && agency.officialNames.has(identity.nameJoined)) {
      signals.push({
        weight: WEIGHTS.officialName,
        reason: `display name '${identity.name}' is ${agency.id}'s official name`,
      });
    }
    const aliases = aliasSignals(identity, agency);
    signals.push(...aliases.signals);
    if (signals.length === 0) continue;
    const removed = [
      ...aliases.found,
      ...agency.accounts.map((a) => a.compact).filter((c) => identity.compact.includes(c)),
    ];
    signals.push(...officialWordSignals(identity, removed, aliases.nameAlias));
    const score = combine(signals);
    if (best === null || score > best.score) best = { agency: agency.id, score, signals };
  }
  if (best === null) {
    // Not like any registered agency: still suspicious when built like a government account.
    const prefix = GOVERNMENT_PREFIXES.find(
      (p) =>
        identity.handleWords[0]?.startsWith(p) ||
        identity.compact.startsWith(p) ||
        identity.nameWords[0]?.startsWith(p),
    );
    if (prefix === undefined) return null;
    const where =
      identity.compact.startsWith(prefix) || identity.handleWords[0]?.startsWith(prefix) ? "handle" : "display name";
    const signals = [
      { weight: WEIGHTS.governmentPrefix, reason: `${where} starts like a government account's ('${prefix}')` },
      ...officialWordSignals(identity, [prefix], null, prefix),
    ];
    best = { agency: null, score: combine(signals), signals };
  }
  const reasons = [...best.signals].sort((a, b) => b.weight - a.weight).map((s) => s.reason);
  return { agency: best.agency, score: round(best.score), reasons };
}

const RESPONSE_KINDS = new Set(["reply", "comment"]);

/** The official account (of any agency) a post was written by, if its author is known. */
function officialAuthorOf(
  registry: AccountRegistry,
  platform: Platform,
  postId: string,
  lookup: AuthorLookup | undefined,
): { account: OfficialAccount } | "unknown" | null {
  const author = lookup?.(platform, postId);
  if (author === undefined) return "unknown";
  if (author === null) return null;
  const match = registry.findOfficial(platform, author.handle, author.id);
  return match?.kind === "official" ? { account: match.account } : null;
}

/** Classifies the author of a mention; see the module comment. */
export function classifyAccount(
  mention: Mention,
  registry: AccountRegistry,
  options: ClassifyOptions = {},
): AccountClassification {
  const { platform, author } = mention;
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;

  const official = registry.findOfficial(platform, author.handle, author.id);
  if (official?.kind === "official") {
    const { account } = official;
    const reasons =
      official.by === "handle" || lowerHandle(author.handle) === account.lower
        ? [`@${account.handle} is ${account.agency}'s registered ${platform} account`]
        : [
            `account id ${author.id} is ${account.agency}'s registered ${platform} account (registered as @${account.handle}, now @${author.handle.replace(/^@+/, "")})`,
          ];
    return { role: "official", agency: account.agency, reasons };
  }

  let assessment: ImpersonationAssessment | null = null;
  if (official?.kind === "id-mismatch") {
    const { account } = official;
    assessment = {
      agency: account.agency,
      score: WEIGHTS.idMismatch,
      reasons: [
        `handle @${account.handle} is ${account.agency}'s registered ${platform} account, but with id ${account.id}, not ${author.id}`,
      ],
    };
  } else if (!registry.isAllowlisted(platform, author.handle)) {
    assessment = (options.assess ?? assessImpersonation)(platform, author.handle, author.name, registry);
  }
  if (assessment && assessment.score >= threshold) {
    return {
      role: "impersonation_suspect",
      agency: assessment.agency,
      score: assessment.score,
      reasons: assessment.reasons,
    };
  }

  const response = responseTo(mention, registry, options.lookupAuthor);
  if (response) return { role: "audience_response", agency: response.agency, reasons: [response.reason] };

  if (assessment) return { role: "other", agency: null, score: assessment.score, reasons: assessment.reasons };
  return { role: "other", agency: null, reasons: [] };
}

/** The official post a reply or comment answers: its parent's author, else its thread's root author. */
function responseTo(
  mention: Mention,
  registry: AccountRegistry,
  lookup: AuthorLookup | undefined,
): { agency: string; reason: string } | null {
  if (!RESPONSE_KINDS.has(mention.kind) || mention.parentId === null) return null;
  const { platform } = mention;
  const parent = officialAuthorOf(registry, platform, mention.parentId, lookup);
  if (parent !== null && parent !== "unknown") {
    return {
      agency: parent.account.agency,
      reason: `${mention.kind} to an official post of ${parent.account.agency} (${describe(parent.account)})`,
    };
  }
  if (mention.rootId !== null && mention.rootId !== mention.parentId) {
    const root = officialAuthorOf(registry, platform, mention.rootId, lookup);
    if (root !== null && root !== "unknown") {
      return {
        agency: root.account.agency,
        reason: `${mention.kind} in the thread of an official post of ${root.account.agency} (${describe(root.account)})`,
      };
    }
  }
  if (parent === "unknown" && platform === "x" && mention.kind === "reply") {
    // An X reply's text starts with the handles it answers, the parent's author first.
    const first = /^@([A-Za-z0-9_]+)/.exec(mention.text.trimStart());
    const match = first ? registry.findOfficial(platform, first[1]) : null;
    if (match?.kind === "official") {
      return {
        agency: match.account.agency,
        reason: `reply addressed first to ${describe(match.account)}, an official account of ${match.account.agency} (parent's author unknown)`,
      };
    }
  }
  return null;
}
