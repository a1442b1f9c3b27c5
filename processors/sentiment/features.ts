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

/** The lexicon reading of the text: polar mass after intensifiers, negation and sarcasm cues. */
export function evidence(tokens: readonly string[], seen: (word: string) => boolean): Evidence {
  const result: Evidence = {
    positive: 0,
    negative: 0,
    unseenPositive: 0,
    unseenNegative: 0,
    englishHits: 0,
    question: false,
    exclaim: false,
    negators: 0,
  };
  let scope = 0;
  let sentenceNegative = 0;
  let gratitude: { value: number; perfect: boolean; unseen: boolean } | undefined;
  const closeSentence = () => {
    // "makasih ya sudah bikin macet": thanks followed by "sudah" and a complaint is sarcasm.
    if (gratitude?.perfect && sentenceNegative > 0) {
      result.positive -= gratitude.value;
      result.negative += gratitude.value;
      if (gratitude.unseen) {
        result.unseenPositive -= gratitude.value;
        result.unseenNegative += gratitude.value;
      }
    }
    gratitude = undefined;
    sentenceNegative = 0;
  };
  const add = (value: number, unseen: boolean) => {
    if (value > 0) {
      result.positive += value;
      if (unseen) result.unseenPositive += value;
    } else if (value < 0) {
      result.negative -= value;
      sentenceNegative -= value;
      if (unseen) result.unseenNegative -= value;
    }
  };
  const n = tokens.length;
  for (let i = 0; i < n; i++) {
    const token = tokens[i] as string;
    if (isPunctuation(token)) {
      if (token === "?") result.question = true;
      if (token === "!") result.exclaim = true;
      scope = 0;
      if (token !== ",") closeSentence();
      continue;
    }
    if (isEmoji(token)) {
      const value = EMOJI_POLARITY.get(token);
      if (value) add(value, true);
      continue;
    }
    if (SCOPE_BREAKERS.has(token)) {
      scope = 0;
      continue;
    }
    // Phrases first: "kurang ajar" is not a negated "ajar", "terima kasih" is one word.
    let value: number | undefined;
    let length = 1;
    let key = token;
    if (PHRASE_FIRST.has(token)) {
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
    if (value === undefined && isNegator(token, tokens[i + 1])) {
      result.negators++;
      scope = scope > 0 ? 0 : SCOPE;
      continue;
    }
    if (value === undefined) {
      if (EXPLETIVES.has(token) && hasPolarNeighbour(tokens, i)) {
        if (scope > 0) scope--;
        continue;
      }
      value = ID_LEXICON.get(token);
      if (value === undefined) {
        const valence = AFINN.get(token);
        if (valence !== undefined) {
          value = Math.max(-1, Math.min(1, (valence / 5) * 2));
          result.englishHits++;
        }
      }
    }
    if (value !== undefined && value !== 0) {
      value *= intensity(tokens, i, length);
      if (scope > 0) value = value > 0 ? -value : -value * 0.5;
      const unseen = !seen(key.includes(" ") ? (key.split(" ")[1] as string) : key);
      if (key === GRATITUDE && value > 0) {
        gratitude = { value, perfect: false, unseen };
        result.positive += value;
        if (unseen) result.unseenPositive += value;
      } else {
        add(value, unseen);
      }
    } else if (gratitude && PERFECT.has(token)) {
      gratitude.perfect = true;
    }
    i += length - 1;
    if (scope > 0) scope--;
  }
  closeSentence();
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
  /** Scratch set of `accumulate`, all zero between calls. */
  private seenSlots = new Int32Array(1024);
  private readonly denseValues = new Float64Array(DENSE_COUNT);

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

  /** Sorts and de-duplicates the collected buckets into `out`, each at `weight / sqrt(unique)`. */
  private flush(out: FeatureVector, weight: number): void {
    if (this.count === 0 || weight === 0) {
      this.count = 0;
      return;
    }
    const view = this.buckets.subarray(0, this.count);
    view.sort();
    let unique = 1;
    for (let i = 1; i < this.count; i++) if (view[i] !== view[i - 1]) unique++;
    const value = weight / Math.sqrt(unique);
    let last = -1;
    for (let i = 0; i < this.count; i++) {
      const bucket = view[i] as number;
      if (bucket !== last) out.push(bucket, value);
      last = bucket;
    }
    this.count = 0;
  }

  /**
   * Adds the collected block to the class scores `z` as `flush` + a dot product with `weights`
   * would, without sorting: the buckets are de-duplicated through a small open-addressing set
   * and every one of them has the same value, so the block adds `value * (sum of its rows)`.
   */
  private accumulate(weights: SparseWeights, z: Float64Array, weight: number): void {
    const count = this.count;
    this.count = 0;
    if (count === 0 || weight === 0) return;
    let bits = 6;
    while (1 << bits < count * 2) bits++;
    const size = 1 << bits;
    if (this.seenSlots.length < size) this.seenSlots = new Int32Array(size);
    const slots = this.seenSlots;
    const mask = size - 1;
    const shift = 32 - bits;
    const buckets = this.buckets;
    const rows = weights.rows;
    let unique = 0;
    let negative = 0;
    let neutral = 0;
    let positive = 0;
    for (let i = 0; i < count; i++) {
      const bucket = buckets[i] as number;
      // Slots hold bucket + 1 so that 0 marks an empty one; Fibonacci hashing spreads the buckets.
      let slot = Math.imul(bucket, 0x9e3779b1) >>> shift;
      for (;;) {
        const held = slots[slot] as number;
        if (held === 0) {
          slots[slot] = bucket + 1;
          unique++;
          const base = weights.offset(bucket);
          if (base >= 0) {
            negative += rows[base] as number;
            neutral += rows[base + 1] as number;
            positive += rows[base + 2] as number;
          }
          break;
        }
        if (held === bucket + 1) break;
        slot = (slot + 1) & mask;
      }
    }
    slots.fill(0, 0, size);
    // The same float32 rounding as FeatureVector.value, so both paths score alike.
    const value = Math.fround(weight / Math.sqrt(unique));
    z[0] = (z[0] as number) + negative * value;
    z[1] = (z[1] as number) + neutral * value;
    z[2] = (z[2] as number) + positive * value;
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
   * Adds `weights` times the features of `tokens` to the class scores
   * `z`, equal to `extract` followed by a dot product up to float rounding, without building the
   * sparse vector; returns the polarity evidence.
   */
  score(tokens: readonly string[], weights: SparseWeights, z: Float64Array): Evidence {
    const { config } = this;
    this.collectWords(tokens);
    this.accumulate(weights, z, config.wordWeight);
    if (config.charWeight > 0) {
      this.collectChars(tokens);
      this.accumulate(weights, z, config.charWeight);
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
