/**
 * Tokens -> a sparse feature vector, shared by training and tagging so the two can never drift:
 *   - word unigrams and bigrams (the . and , tokens break n-grams and are not features);
 *   - negation-scoped unigrams (`tidak bagus` also gives NEG:bagus; the scope is the next 3 words
 *     after tidak, tak, bukan, belum, jangan, kurang, tanpa, ended by punctuation or a clause word
 *     such as tapi; a second negator inside a scope cancels it);
 *   - character n-grams of each word with boundary marks (` bagus ` -> ` b`, `ba`, ..., `us `);
 *   - optionally stems from natural's Indonesian stemmer;
 *   - dense polarity evidence: Indonesian lexicon, emoji and English AFINN hits, with intensifiers
 *     and negation applied, split into positive and negative mass; question and exclamation marks.
 * Sparse features are hashed (FNV-1a, one seed per kind) into 2^hashBits buckets; each block
 * (words, characters) is a binary vector scaled to unit length times its block weight.
 */
import { createRequire } from "node:module";
import { AFINN } from "./english.js";
import {
  EMOJI_POLARITY,
  EN_NEGATORS,
  EXPLETIVES,
  ID_LEXICON,
  NEGATORS,
  POST_INTENSIFIERS,
  PRE_INTENSIFIERS,
  SCOPE_BREAKERS,
} from "./lexicon.js";

export interface FeatureConfig {
  hashBits: number;
  charMin: number;
  charMax: number;
  wordWeight: number;
  charWeight: number;
  denseWeight: number;
  bigrams: boolean;
  negation: boolean;
  stems: boolean;
}

export const DEFAULT_FEATURES: FeatureConfig = {
  hashBits: 20,
  charMin: 2,
  charMax: 5,
  wordWeight: 1,
  charWeight: 1,
  denseWeight: 1,
  bigrams: true,
  negation: true,
  stems: false,
};

/** Names of the dense features, in order; their indices follow the hash buckets. */
export const DENSE_NAMES = ["polarPos", "polarNeg", "polarBalance", "question", "exclaim", "negator"] as const;
export const DENSE_COUNT = DENSE_NAMES.length;

/** The polarity evidence found in one text (also reported by the tagger for explanations). */
export interface Evidence {
  /** Positive mass: lexicon words, emoji and English words read as positive after negation. */
  positive: number;
  /** Negative mass, as a positive number. */
  negative: number;
  /** Polar hits whose word the training text never showed (emoji, unseen slang, English). */
  unseenPositive: number;
  unseenNegative: number;
  /** Hits on English AFINN words. */
  englishHits: number;
  question: boolean;
  exclaim: boolean;
  negators: number;
}

const SCOPE = 3;
const SEED_WORD = 0x811c9dc5;
const SEED_BIGRAM = 0x01000193;
const SEED_NEG = 0x5bd1e995;
const SEED_CHAR = 0x27d4eb2d;
const SEED_STEM = 0x165667b1;
const PHRASE_FIRST = new Set([...ID_LEXICON.keys()].filter((key) => key.includes(" ")).map((key) => key.split(" ")[0]));
const MAX_PHRASE = Math.max(...[...ID_LEXICON.keys()].map((key) => key.split(" ").length));
const GRATITUDE = "terima kasih";
const PERFECT = new Set(["sudah", "telah", "udah", "sdh"]);

function hashString(seed: number, text: string): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function isPunctuation(token: string): boolean {
  return token === "." || token === "," || token === "!" || token === "?";
}

function isEmoji(token: string): boolean {
  const code = token.codePointAt(0) ?? 0;
  return code > 0x2000 && !/^[\p{L}\p{N}]/u.test(token);
}

const require = createRequire(import.meta.url);
let stemmer: { stem(word: string): string } | undefined;
const stemCache = new Map<string, string>();

/** natural's Indonesian (Sastrawi) stemmer (vendor/sastrawi/), memoised (bounded). */
export function stem(word: string): string {
  let cached = stemCache.get(word);
  if (cached === undefined) {
    // Vendored from natural (vendor/sastrawi/README.md): its package brings database drivers.
    stemmer ??= require("./vendor/sastrawi/stemmer_id.cjs") as { stem(word: string): string };
    cached = /^[a-z]+$/.test(word) && word.length > 4 ? stemmer.stem(word) : word;
    if (stemCache.size > 200_000) stemCache.clear();
    stemCache.set(word, cached);
  }
  return cached;
}

/** What `evidence` asks of a token, from the lexicons: one lookup instead of one per list. */
interface Lexical {
  punctuation: boolean;
  emoji: boolean;
  /** The emoji's polarity (0 when none or not an emoji). */
  emojiValue: number;
  scopeBreaker: boolean;
  phraseFirst: boolean;
  negator: boolean;
  expletive: boolean;
  /** The word's polarity from the Indonesian lexicon or, failing that, English AFINN. */
  value: number | undefined;
  english: boolean;
  perfect: boolean;
}

const lexicalMemo = new Map<string, Lexical>();
const LEXICAL_MEMO_SIZE = 200_000;

function lexical(token: string): Lexical {
  let found = lexicalMemo.get(token);
  if (found !== undefined) return found;
  const emoji = isEmoji(token);
  let value = ID_LEXICON.get(token);
  let english = false;
  if (value === undefined) {
    const valence = AFINN.get(token);
    if (valence !== undefined) {
      value = Math.max(-1, Math.min(1, (valence / 5) * 2));
      english = true;
    }
  }
  found = {
    punctuation: isPunctuation(token),
    emoji,
    emojiValue: emoji ? (EMOJI_POLARITY.get(token) ?? 0) : 0,
    scopeBreaker: SCOPE_BREAKERS.has(token),
    phraseFirst: PHRASE_FIRST.has(token),
    negator: NEGATORS.has(token) || EN_NEGATORS.has(token),
    expletive: EXPLETIVES.has(token),
    value,
    english,
    perfect: PERFECT.has(token),
  };
  if (lexicalMemo.size >= LEXICAL_MEMO_SIZE) lexicalMemo.clear();
  lexicalMemo.set(token, found);
  return found;
}

/** The running state of `evidence`: the result, and the open sentence's gratitude and complaints. */
class EvidenceReader {
  readonly result: Evidence = {
    positive: 0,
    negative: 0,
    unseenPositive: 0,
    unseenNegative: 0,
    englishHits: 0,
    question: false,
    exclaim: false,
    negators: 0,
  };
  sentenceNegative = 0;
  gratitude: { value: number; perfect: boolean; unseen: boolean } | undefined;

  closeSentence(): void {
    // "makasih ya sudah bikin macet": thanks followed by "sudah" and a complaint is sarcasm.
    const { gratitude, result } = this;
    if (gratitude?.perfect && this.sentenceNegative > 0) {
      result.positive -= gratitude.value;
      result.negative += gratitude.value;
      if (gratitude.unseen) {
        result.unseenPositive -= gratitude.value;
        result.unseenNegative += gratitude.value;
      }
    }
    this.gratitude = undefined;
    this.sentenceNegative = 0;
  }

  add(value: number, unseen: boolean): void {
    const { result } = this;
    if (value > 0) {
      result.positive += value;
      if (unseen) result.unseenPositive += value;
    } else if (value < 0) {
      result.negative -= value;
      this.sentenceNegative -= value;
      if (unseen) result.unseenNegative -= value;
    }
  }
}

/** The lexicon reading of the text: polar mass after intensifiers, negation and sarcasm cues. */
export function evidence(tokens: readonly string[], seen: (word: string) => boolean): Evidence {
  const reader = new EvidenceReader();
  const { result } = reader;
  let scope = 0;
  const n = tokens.length;
  for (let i = 0; i < n; i++) {
    const token = tokens[i] as string;
    const facts = lexical(token);
    if (facts.punctuation) {
      if (token === "?") result.question = true;
      if (token === "!") result.exclaim = true;
      scope = 0;
      if (token !== ",") reader.closeSentence();
      continue;
    }
    if (facts.emoji) {
      if (facts.emojiValue) reader.add(facts.emojiValue, true);
      continue;
    }
    if (facts.scopeBreaker) {
      scope = 0;
      continue;
    }
    // Phrases first: "kurang ajar" is not a negated "ajar", "terima kasih" is one word.
    let value: number | undefined;
    let length = 1;
    let key = token;
    if (facts.phraseFirst) {
      for (let len = Math.min(MAX_PHRASE, n - i); len >= 2; len--) {
        const phrase = tokens.slice(i, i + len).join(" ");
        const phraseValue = ID_LEXICON.get(phrase);
        if (phraseValue !== undefined) {
          value = phraseValue;
          length = len;
          key = phrase;
          break;
        }
      }
    }
    if (value === undefined && facts.negator && !(token === "bukan" && tokens[i + 1] === "main")) {
      result.negators++;
      scope = scope > 0 ? 0 : SCOPE;
      continue;
    }
    if (value === undefined) {
      if (facts.expletive && hasPolarNeighbour(tokens, i)) {
        if (scope > 0) scope--;
        continue;
      }
      value = facts.value;
      if (facts.english) result.englishHits++;
    }
    if (value !== undefined && value !== 0) {
      value *= intensity(tokens, i, length);
      if (scope > 0) value = value > 0 ? -value : -value * 0.5;
      const unseen = !seen(key.includes(" ") ? (key.split(" ")[1] as string) : key);
      if (key === GRATITUDE && value > 0) {
        reader.gratitude = { value, perfect: false, unseen };
        result.positive += value;
        if (unseen) result.unseenPositive += value;
      } else {
        reader.add(value, unseen);
      }
    } else if (reader.gratitude && facts.perfect) {
      reader.gratitude.perfect = true;
    }
    i += length - 1;
    if (scope > 0) scope--;
  }
  reader.closeSentence();
  return result;
}

/** A negator opens a scope, except in idioms: "bukan main bagus" is "extremely good". */
function isNegator(token: string, next: string | undefined): boolean {
  if (!NEGATORS.has(token) && !EN_NEGATORS.has(token)) return false;
  return !(token === "bukan" && next === "main");
}

function polarity(token: string | undefined): number {
  if (token === undefined) return 0;
  return ID_LEXICON.get(token) ?? EMOJI_POLARITY.get(token) ?? 0;
}

function hasPolarNeighbour(tokens: readonly string[], i: number): boolean {
  const before = tokens[i - 1];
  const after = tokens[i + 1];
  return (
    (before !== undefined && !EXPLETIVES.has(before) && polarity(before) !== 0) ||
    (after !== undefined && !EXPLETIVES.has(after) && polarity(after) !== 0)
  );
}

function intensity(tokens: readonly string[], i: number, length: number): number {
  let factor = 1;
  const before = tokens[i - 1];
  if (before !== undefined)
    factor *= PRE_INTENSIFIERS.get(before) ?? (before === "main" && tokens[i - 2] === "bukan" ? 1.5 : 1);
  const after = tokens[i + length];
  if (after !== undefined) {
    const post = POST_INTENSIFIERS.get(after);
    if (post !== undefined) factor *= post;
    else if (EXPLETIVES.has(after)) factor *= 1.5;
  }
  if (before !== undefined && EXPLETIVES.has(before) && factor === 1) factor = 1.5;
  return factor;
}

/** What `FeatureExtractor.score` keeps per token: row offsets (-1: no row) and row sums. */
interface TokenWeights {
  unigram: number;
  negated: number;
  stemmed: boolean;
  stem: number;
  /** Seed of the hash of a bigram that starts with this token. */
  bigramSeed: number;
  /** How many character n-grams the token has, and the sum of their rows. */
  chars: number;
  charNegative: number;
  charNeutral: number;
  charPositive: number;
}

/** Tokens whose rows the scorer keeps (~100 B each): the words of a day's mentions, mostly. */
const TOKEN_CACHE_SIZE = 200_000;

/** A reusable buffer of hashed feature indices and values. */
export class FeatureVector {
  index = new Int32Array(1024);
  value = new Float32Array(1024);
  length = 0;

  push(index: number, value: number): void {
    if (this.length === this.index.length) {
      const index = new Int32Array(this.length * 2);
      index.set(this.index);
      this.index = index;
      const values = new Float32Array(this.length * 2);
      values.set(this.value);
      this.value = values;
    }
    this.index[this.length] = index;
    this.value[this.length] = value;
    this.length++;
  }
}

/**
 * Trained weights (dimension x 3, row-major) without their all-zero rows, for scoring: about one
 * row in twelve carries weight, so the 12 MB dense array shrinks to ~1 MB of rows plus a 2^hashBits
 * bit set with a rank per 32 bits (256 KB), which stay in cache where the dense array missed it on
 * nearly every feature. Row values are the dense array's, bit for bit.
 */
export class SparseWeights {
  /** Bit f of present[f >>> 5] is set when feature f has a row. */
  private readonly present: Uint32Array;
  /** rank[w] = rows of the features before 32 * w. */
  private readonly rank: Uint32Array;
  readonly rows: Float32Array;

  constructor(dense: Float32Array) {
    const dimension = dense.length / 3;
    this.present = new Uint32Array(Math.ceil(dimension / 32));
    this.rank = new Uint32Array(this.present.length);
    let count = 0;
    for (let f = 0; f < dimension; f++) {
      if ((f & 31) === 0) this.rank[f >>> 5] = count;
      if (dense[f * 3] !== 0 || dense[f * 3 + 1] !== 0 || dense[f * 3 + 2] !== 0) {
        this.present[f >>> 5] = (this.present[f >>> 5] as number) | (1 << (f & 31));
        count++;
      }
    }
    this.rows = new Float32Array(count * 3);
    for (let f = 0, row = 0; f < dimension; f++) {
      if (((this.present[f >>> 5] as number) >>> (f & 31)) & 1)
        this.rows.set(dense.subarray(f * 3, f * 3 + 3), 3 * row++);
    }
  }

  /** Offset in `rows` of the three weights of `feature`, or -1 when they are all zero. */
  offset(feature: number): number {
    const bits = this.present[feature >>> 5] as number;
    const bit = 1 << (feature & 31);
    if ((bits & bit) === 0) return -1;
    return ((this.rank[feature >>> 5] as number) + popcount(bits & (bit - 1))) * 3;
  }
}

function popcount(word: number): number {
  let x = word - ((word >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Turns token lists into feature vectors; holds scratch space, so one per thread of use. */
export class FeatureExtractor {
  private readonly mask: number;
  private buckets = new Int32Array(4096);
  private count = 0;
  private readonly denseValues = new Float64Array(DENSE_COUNT);
  /** Per token, its share of the logits under `cachedWeights` (see `score`); bounded. */
  private readonly tokenCache = new Map<string, TokenWeights>();
  private cachedWeights: SparseWeights | undefined;

  constructor(
    readonly config: FeatureConfig,
    private readonly seen: (word: string) => boolean,
  ) {
    this.mask = (1 << config.hashBits) - 1;
  }

  /** Index of the first dense feature. */
  get denseOffset(): number {
    return 1 << this.config.hashBits;
  }

  get dimension(): number {
    return this.denseOffset + DENSE_COUNT;
  }

  private add(hash: number): void {
    if (this.count === this.buckets.length) {
      const grown = new Int32Array(this.count * 2);
      grown.set(this.buckets);
      this.buckets = grown;
    }
    this.buckets[this.count++] = hash & this.mask;
  }

  /**
   * Sorts the collected buckets into `out`, each at `weight * occurrences / sqrt(all occurrences)`:
   * a block is a count vector scaled by its length, so a word's part of it does not depend on the
   * other words of the text and the scorer can keep it per word (`score`).
   */
  private flush(out: FeatureVector, weight: number): void {
    const count = this.count;
    this.count = 0;
    if (count === 0 || weight === 0) return;
    const view = this.buckets.subarray(0, count);
    view.sort();
    const unit = weight / Math.sqrt(count);
    for (let i = 0; i < count; ) {
      const bucket = view[i] as number;
      let j = i + 1;
      while (j < count && view[j] === bucket) j++;
      out.push(bucket, (j - i) * unit);
      i = j;
    }
  }

  /** Works out and keeps what `score` needs of `token` under `weights`. */
  private learn(token: string, weights: SparseWeights): TokenWeights {
    const { config } = this;
    const mask = this.mask;
    const root = config.stems ? stem(token) : token;
    const facts: TokenWeights = {
      unigram: weights.offset(hashString(SEED_WORD, token) & mask),
      negated: weights.offset(hashString(SEED_NEG, token) & mask),
      stemmed: root !== token,
      stem: root !== token ? weights.offset(hashString(SEED_STEM, root) & mask) : -1,
      bigramSeed: hashString(SEED_BIGRAM, token) ^ 0x20,
      chars: 0,
      charNegative: 0,
      charNeutral: 0,
      charPositive: 0,
    };
    if (config.charWeight > 0) {
      this.collectChars([token]);
      facts.chars = this.count;
      const rows = weights.rows;
      for (let i = 0; i < this.count; i++) {
        const base = weights.offset(this.buckets[i] as number);
        if (base < 0) continue;
        facts.charNegative += rows[base] as number;
        facts.charNeutral += rows[base + 1] as number;
        facts.charPositive += rows[base + 2] as number;
      }
      this.count = 0;
    }
    if (this.tokenCache.size >= TOKEN_CACHE_SIZE) this.tokenCache.clear();
    this.tokenCache.set(token, facts);
    return facts;
  }

  /** Collects the word block: unigrams, bigrams, negation-scoped unigrams, stems. */
  private collectWords(tokens: readonly string[]): void {
    const { config } = this;
    let previous: string | undefined;
    let scope = 0;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] as string;
      if (token === "." || token === ",") {
        previous = undefined;
        scope = 0;
        continue;
      }
      this.add(hashString(SEED_WORD, token));
      if (config.bigrams && previous !== undefined) {
        this.add(hashString(hashString(SEED_BIGRAM, previous) ^ 0x20, token));
      }
      previous = token;
      if (config.negation) {
        if (isNegator(token, tokens[i + 1])) {
          scope = scope > 0 ? 0 : SCOPE;
          continue;
        }
        if (SCOPE_BREAKERS.has(token) || token === "!" || token === "?") {
          scope = 0;
        } else if (scope > 0) {
          this.add(hashString(SEED_NEG, token));
          scope--;
        }
      }
      if (config.stems) {
        const root = stem(token);
        if (root !== token) this.add(hashString(SEED_STEM, root));
      }
    }
  }

  /** Collects the character block: n-grams of each word padded with a space on either side. */
  private collectChars(tokens: readonly string[]): void {
    const { charMin, charMax } = this.config;
    for (const token of tokens) {
      if (token.length === 1 && isPunctuation(token)) continue;
      // Position p of ` ${token} ` without building it: a space at 0 and at length - 1.
      const length = token.length + 2;
      for (let start = 0; start < length; start++) {
        let hash = SEED_CHAR;
        const end = Math.min(length, start + charMax);
        for (let j = start; j < end; j++) {
          hash ^= j === 0 || j === length - 1 ? 0x20 : token.charCodeAt(j - 1);
          hash = Math.imul(hash, 0x01000193);
          if (j - start + 1 >= charMin) this.add(hash >>> 0);
        }
      }
    }
  }

  /** The dense features of `found` (before the dense weight), in DENSE_NAMES order, into `values`. */
  private dense(found: Evidence): Float64Array {
    const values = this.denseValues;
    values[0] = Math.log1p(found.positive);
    values[1] = Math.log1p(found.negative);
    values[2] = (found.positive - found.negative) / (found.positive + found.negative + 1);
    values[3] = found.question ? 1 : 0;
    values[4] = found.exclaim ? 1 : 0;
    values[5] = found.negators > 0 ? 1 : 0;
    return values;
  }

  /** Fills `out` (cleared first) with the features of `tokens`; returns the polarity evidence. */
  extract(tokens: readonly string[], out: FeatureVector): Evidence {
    const { config } = this;
    out.length = 0;
    this.collectWords(tokens);
    this.flush(out, config.wordWeight);
    if (config.charWeight > 0) {
      this.collectChars(tokens);
      this.flush(out, config.charWeight);
    }
    const found = evidence(tokens, this.seen);
    if (config.denseWeight > 0) {
      const values = this.dense(found);
      for (let k = 0; k < DENSE_COUNT; k++) {
        const value = values[k] as number;
        if (value !== 0) out.push(this.denseOffset + k, value * config.denseWeight);
      }
    }
    return found;
  }

  /**
   * Adds `weights` times the features of `tokens` to the class scores `z`, equal to `extract`
   * followed by a dot product up to float rounding, without building the sparse vector; returns
   * the polarity evidence. A block is a count vector scaled by its length (`flush`), so each
   * token's rows (unigram, negated unigram, stem, the sum of its character n-grams' rows) are
   * looked up once per token and model and kept; only bigrams are hashed per text.
   */
  score(tokens: readonly string[], weights: SparseWeights, z: Float64Array): Evidence {
    const { config } = this;
    if (this.cachedWeights !== weights) {
      this.tokenCache.clear();
      this.cachedWeights = weights;
    }
    const rows = weights.rows;
    const mask = this.mask;
    let words = 0;
    let wordNegative = 0;
    let wordNeutral = 0;
    let wordPositive = 0;
    let chars = 0;
    let charNegative = 0;
    let charNeutral = 0;
    let charPositive = 0;
    let previousSeed = 0;
    let hasPrevious = false;
    let scope = 0;
    const n = tokens.length;
    for (let i = 0; i < n; i++) {
      const token = tokens[i] as string;
      if (token === "." || token === ",") {
        hasPrevious = false;
        scope = 0;
        continue;
      }
      const facts = this.tokenCache.get(token) ?? this.learn(token, weights);
      if (token.length !== 1 || !isPunctuation(token)) {
        chars += facts.chars;
        charNegative += facts.charNegative;
        charNeutral += facts.charNeutral;
        charPositive += facts.charPositive;
      }
      words++;
      let base = facts.unigram;
      if (base >= 0) {
        wordNegative += rows[base] as number;
        wordNeutral += rows[base + 1] as number;
        wordPositive += rows[base + 2] as number;
      }
      if (config.bigrams && hasPrevious) {
        words++;
        base = weights.offset(hashString(previousSeed, token) & mask);
        if (base >= 0) {
          wordNegative += rows[base] as number;
          wordNeutral += rows[base + 1] as number;
          wordPositive += rows[base + 2] as number;
        }
      }
      previousSeed = facts.bigramSeed;
      hasPrevious = true;
      if (config.negation) {
        if (isNegator(token, tokens[i + 1])) {
          scope = scope > 0 ? 0 : SCOPE;
          continue;
        }
        if (SCOPE_BREAKERS.has(token) || token === "!" || token === "?") {
          scope = 0;
        } else if (scope > 0) {
          words++;
          base = facts.negated;
          if (base >= 0) {
            wordNegative += rows[base] as number;
            wordNeutral += rows[base + 1] as number;
            wordPositive += rows[base + 2] as number;
          }
          scope--;
        }
      }
      if (config.stems && facts.stemmed) {
        words++;
        base = facts.stem;
        if (base >= 0) {
          wordNegative += rows[base] as number;
          wordNeutral += rows[base + 1] as number;
          wordPositive += rows[base + 2] as number;
        }
      }
    }
    if (words > 0 && config.wordWeight !== 0) {
      const unit = config.wordWeight / Math.sqrt(words);
      z[0] = (z[0] as number) + wordNegative * unit;
      z[1] = (z[1] as number) + wordNeutral * unit;
      z[2] = (z[2] as number) + wordPositive * unit;
    }
    if (chars > 0 && config.charWeight !== 0) {
      const unit = config.charWeight / Math.sqrt(chars);
      z[0] = (z[0] as number) + charNegative * unit;
      z[1] = (z[1] as number) + charNeutral * unit;
      z[2] = (z[2] as number) + charPositive * unit;
    }
    const found = evidence(tokens, this.seen);
    if (config.denseWeight > 0) {
      const values = this.dense(found);
      for (let k = 0; k < DENSE_COUNT; k++) {
        const value = values[k] as number;
        if (value === 0) continue;
        const v = Math.fround(value * config.denseWeight);
        const base = weights.offset(this.denseOffset + k);
        if (base < 0) continue;
        const { rows } = weights;
        z[0] = (z[0] as number) + (rows[base] as number) * v;
        z[1] = (z[1] as number) + (rows[base + 1] as number) * v;
        z[2] = (z[2] as number) + (rows[base + 2] as number) * v;
      }
    }
    return found;
  }
}
