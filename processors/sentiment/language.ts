/**
 * Language routing for Indonesian, English and code-mixed text, by word lists: a word counts for
 * Indonesian when it is a root in natural's Indonesian (Sastrawi) dictionary, an affixed form of
 * one (natural's Indonesian stemmer), a slang form or a lexicon word; for English when it is in
 * the English word list (common words + AFINN). Words in both lists, numbers and names count for
 * neither. A word count was chosen over a language-identification package: routing needs the
 * share of English in a code-mixed post (which those report as one language), Indonesian and
 * Malay look alike to character statistics, and the lists are already loaded for normalisation,
 * so this adds no dependency and runs in microseconds.
 */
import { EN_WORDS } from "./english.js";
import { stem } from "./features.js";
import { ID_LEXICON } from "./lexicon.js";
import { SLANG } from "./slang.js";
import { KATA_DASAR } from "./text.js";

export type Language = "id" | "en" | "mixed" | "other";

export interface LanguageGuess {
  language: Language;
  /** Share of the routed words that are English, in [0, 1]; 0 when none is routed. */
  englishShare: number;
  indonesianWords: number;
  englishWords: number;
}

/** Function words and frequent words that the root dictionary lacks or shares with English. */
const ID_COMMON = new Set(
  `yang dan di ke dari ini itu untuk dengan tidak ada saya kami kita kamu anda dia mereka akan sudah
  belum juga atau tapi karena kalau jadi bisa harus masih lagi saja sangat banget sekali sih dong deh
  kok ya nya pak bu ibu bapak kak mas mbak gue lu aku apa siapa kapan mana bagaimana kenapa berapa
  pada oleh dalam atas bawah sama seperti kayak cuma hanya mau ingin tahu lihat buat bikin gimana
  terus nanti tadi besok kemarin sekarang udah aja gak nggak enggak tak bukan jangan kurang tanpa
  semua banyak sedikit lebih paling agak cukup begitu begini sini sana situ kah lah pun nih tuh`.split(/\s+/),
);

/** Every word that counts for Indonesian as it is, in one set: one lookup per word. */
const ID_WORDS: ReadonlySet<string> = new Set([...ID_COMMON, ...KATA_DASAR, ...SLANG.keys(), ...ID_LEXICON.keys()]);

function isIndonesian(word: string): boolean {
  if (ID_WORDS.has(word)) return true;
  if (word.length < 5) return false;
  const root = stem(word);
  return root !== word && KATA_DASAR.has(root);
}

const ENGLISH = 1;
const INDONESIAN = -1;
const NEITHER = 0;
/** Each word's vote, kept: the stemmer behind `isIndonesian` is slow and words repeat. Bounded. */
const votes = new Map<string, number>();
const VOTES_SIZE = 200_000;

function vote(word: string): number {
  let value = votes.get(word);
  if (value === undefined) {
    // Hyphenated and reduplicated forms (anak-anak, step-by-step) go by their first part.
    const head = word.includes("-") ? (word.split("-")[0] as string) : word;
    const id = isIndonesian(head);
    const en = EN_WORDS.has(head);
    value = id && !en ? INDONESIAN : en && !id ? ENGLISH : NEITHER;
    if (votes.size >= VOTES_SIZE) votes.clear();
    votes.set(word, value);
  }
  return value;
}

/** Routes a text by its words (as `normalise` returns them: lower case, elongations folded). */
export function detectLanguage(words: readonly string[], enThreshold = 0.8, idThreshold = 0.2): LanguageGuess {
  let indonesianWords = 0;
  let englishWords = 0;
  for (const word of words) {
    if (word.length < 2 || !/^\p{L}/u.test(word)) continue;
    const value = vote(word);
    if (value === INDONESIAN) indonesianWords++;
    else if (value === ENGLISH) englishWords++;
  }
  const routed = indonesianWords + englishWords;
  const englishShare = routed ? englishWords / routed : 0;
  let language: Language;
  if (routed === 0) language = "other";
  else if (englishShare >= enThreshold) language = "en";
  else if (englishShare <= idThreshold) language = "id";
  else language = "mixed";
  return { language, englishShare, indonesianWords, englishWords };
}
