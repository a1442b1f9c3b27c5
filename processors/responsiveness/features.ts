/**
 * What the responsiveness classifier looks at in one post: its words and word pairs after the
 * sentiment processor's normalisation (slang folded: gmn -> bagaimana, min -> admin, tlg -> tolong,
 * blm -> belum), and structural cues that generalise beyond the words a small training set shows:
 * who is addressed (admin, kak, pak), whether a question word or a request verb opens the post, how it
 * ends (a tag "ya", "tidak", "?"), the speaker's own stake (saya, anak saya), waiting (belum, masih),
 * and what marks a post that asks nobody (news wording, laughter, thanks, rhetorical particles).
 * The cues are features with learned weights, never a rule on their own.
 */
import { normalise } from "../sentiment/text.js";

const QUESTION_WORDS = new Set([
  "apa",
  "apakah",
  "bagaimana",
  "kapan",
  "kenapa",
  "mengapa",
  "berapa",
  "siapa",
  "mana",
  "kok",
  "bisakah",
  "bolehkah",
  "adakah",
  "how",
  "what",
  "when",
  "where",
  "why",
  "which",
  "is",
  "are",
  "can",
  "could",
  "does",
  "do",
]);
const ADDRESS = new Set([
  "admin",
  "kak",
  "pak",
  "bu",
  "bapak",
  "ibu",
  "juragan",
  "mas",
  "mbak",
  "halo",
  "hallo",
  "hai",
  "hi",
  "hello",
  "dear",
  "permisi",
  "sir",
]);
const REQUEST = new Set([
  "tolong",
  "mohon",
  "minta",
  "bantu",
  "bantuan",
  "bantuannya",
  "harap",
  "please",
  "help",
  "segera",
  "tanya",
  "bertanya",
  "nanya",
  "menanyakan",
  "info",
  "infonya",
  "informasi",
  "informasinya",
  "konfirmasi",
  "klarifikasi",
  "lapor",
  "pengaduan",
  "komplain",
  "keluhan",
  "respond",
  "fix",
  "check",
]);
const SELF = new Set(["saya", "aku", "gue", "kami", "my", "i", "me", "our", "we"]);
const WAITING = new Set(["belum", "masih", "lama", "tunggu", "nunggu", "menunggu", "still", "yet", "pending"]);
const NEWS = new Set([
  "dilaporkan",
  "menurut",
  "resmi",
  "breaking",
  "berita",
  "pengumuman",
  "meresmikan",
  "diresmikan",
  "kata",
  "report",
  "news",
  "says",
  "announces",
]);
const RHETORICAL = new Set(["sih", "memang", "kan", "masa", "heran", "coba", "deh", "lah"]);
const THANKS = new Set([
  "terima",
  "mantap",
  "keren",
  "salut",
  "bangga",
  "hebat",
  "alhamdulillah",
  "selamat",
  "thanks",
  "thank",
  "great",
  "proud",
  "top",
]);
const TAG_ENDINGS = new Set(["ya", "tidak", "belum", "kah", "?"]);
/** di-...-kan / di-...-i: the passive imperative of a request ("mohon diperbaiki", "tolong dicek"). */
const PASSIVE = /^di[a-z]{3,}(?:kan|i|in)$|^di(?:cek|bantu|proses|tindak|tegur|bales|balas|respon)$/;

/** The tokens the classifier reads: processors/sentiment's normalisation (slang folding included). */
export function tokensOf(text: string): string[] {
  return normalise(text).tokens;
}

/** Word unigrams and bigrams (punctuation other than "?" ends a pair). */
export function wordFeatures(tokens: readonly string[]): string[] {
  const names: string[] = [];
  let previous: string | undefined;
  for (const token of tokens) {
    if (token === "." || token === "," || token === "!") {
      previous = undefined;
      continue;
    }
    names.push(`w:${token}`);
    if (previous !== undefined) names.push(`b:${previous}_${token}`);
    previous = token;
  }
  return names;
}

function has(tokens: readonly string[], set: ReadonlySet<string>, from = 0, to = tokens.length): boolean {
  for (let i = from; i < Math.min(to, tokens.length); i++) if (set.has(tokens[i] as string)) return true;
  return false;
}

/** Structural cues: names of the cues present (each a binary feature). */
export function cueFeatures(tokens: readonly string[]): string[] {
  const words = tokens.filter((token) => token !== "," && token !== "." && token !== "!");
  const cues: string[] = [];
  const question = has(words, QUESTION_WORDS);
  const questionEarly = has(words, QUESTION_WORDS, 0, 4);
  const address = has(words, ADDRESS);
  const addressFirst = has(words, ADDRESS, 0, 2);
  const request = has(words, REQUEST);
  const requestEarly = has(words, REQUEST, 0, 4);
  const passive = words.some((word) => PASSIVE.test(word));
  const self = has(words, SELF);
  const waiting = has(words, WAITING);
  const mark = words.includes("?");
  const last = words.at(-1);
  if (question) cues.push("c:question-word");
  if (questionEarly) cues.push("c:question-early");
  if (address) cues.push("c:address");
  if (addressFirst) cues.push("c:address-first");
  if (request) cues.push("c:request");
  if (requestEarly) cues.push("c:request-early");
  if (passive) cues.push("c:passive-imperative");
  if (self) cues.push("c:self");
  if (waiting) cues.push("c:waiting");
  if (mark) cues.push("c:question-mark");
  if (last !== undefined && TAG_ENDINGS.has(last)) cues.push("c:tag-ending");
  if (address && (question || request || passive)) cues.push("c:address+ask");
  if (self && waiting) cues.push("c:self+waiting");
  if ((request || passive) && waiting) cues.push("c:request+waiting");
  if (has(words, NEWS)) cues.push("c:news");
  if (has(words, RHETORICAL)) cues.push("c:rhetorical");
  if (question && has(words, RHETORICAL) && !address) cues.push("c:rhetorical-question");
  if (words.includes("haha")) cues.push("c:laughter");
  if (has(words, THANKS)) cues.push("c:thanks");
  if (words.length <= 4) cues.push("c:short");
  return cues;
}

/** Both blocks of one text. */
export function featureBlocks(text: string): { words: string[]; cues: string[] } {
  const tokens = tokensOf(text);
  return { words: wordFeatures(tokens), cues: cueFeatures(tokens) };
}
