/**
 * Sentiment for informal Indonesian and English: text -> positive / neutral / negative with a score
 * in [-1, 1], a confidence in [0, 1], the routed language and the model version. Deterministic, no
 * network; the model file (model/sentiment.model) is read once per process. See README.md.
 */
import type { SentimentLabel, SentimentTag, TaggedMention } from "../../schemas/types.generated.js";
import type { Tagger } from "../tagger.js";
import { type Evidence, FeatureExtractor, SparseWeights } from "./features.js";
import { detectLanguage, type Language } from "./language.js";
import { LABELS } from "./metrics.js";
import { type LoadedModel, readModel } from "./model.js";
import { BASE_KNOWN_WORDS, normalise } from "./text.js";

export type { SentimentTag } from "../../schemas/types.generated.js";
export type { Language } from "./language.js";

const NEG = 0;
const NEU = 1;
const POS = 2;

/**
 * Weight of one unit of polarity evidence whose word the training text never showed (emoji,
 * unseen slang, English words), added straight to the class logits. The trained weights cover
 * words the training text has; this gives the others a say of the size a typical polar word has.
 */
export const UNSEEN_WEIGHT = 1;

/** Everything the tagger worked out for one text (for `simak sentiment tag --explain` and tests). */
export interface Analysis {
  tag: SentimentTag;
  tokens: string[];
  probabilities: { negative: number; neutral: number; positive: number };
  evidence: Evidence;
  englishShare: number;
}

export class SentimentTagger {
  readonly modelVersion: string;
  private readonly extractor: FeatureExtractor;
  private readonly vocabulary: ReadonlySet<string>;
  private readonly known: (word: string) => boolean;
  private readonly weights: SparseWeights;
  private readonly bias: readonly number[];
  private readonly scores = new Float64Array(3);

  private readonly unseenWeight: number;

  constructor(model: LoadedModel, options: { unseenWeight?: number } = {}) {
    this.unseenWeight = options.unseenWeight ?? UNSEEN_WEIGHT;
    const { header } = model;
    if (header.labels.join() !== LABELS.join()) throw new Error(`model labels ${header.labels} differ from ${LABELS}`);
    this.modelVersion = header.modelVersion;
    this.vocabulary = new Set(header.vocabulary);
    const vocabulary = this.vocabulary;
    const known = new Set([...vocabulary, ...BASE_KNOWN_WORDS]);
    this.known = (word) => known.has(word);
    this.extractor = new FeatureExtractor(header.features, (word) => vocabulary.has(word));
    this.weights = new SparseWeights(model.weights);
    this.bias = header.bias;
  }

  tag(text: string): SentimentTag {
    return this.analyse(text).tag;
  }

  analyse(text: string): Analysis {
    const { tokens, words } = normalise(text, this.known);
    const route = detectLanguage(words);
    const z = this.scores;
    z[NEG] = this.bias[NEG] as number;
    z[NEU] = this.bias[NEU] as number;
    z[POS] = this.bias[POS] as number;
    const found = this.extractor.score(tokens, this.weights, z);
    z[POS] = (z[POS] as number) + this.unseenWeight * found.unseenPositive;
    z[NEG] = (z[NEG] as number) + this.unseenWeight * found.unseenNegative;
    const p = softmax(z);
    // English words carry polarity through the AFINN lexicon; the Indonesian model knows few of
    // them, so the English share of the text decides how much the lexicon reading counts.
    const share = route.englishShare;
    if (share > 0) {
      const lexical = lexiconProbabilities(found);
      for (let c = 0; c < 3; c++) p[c] = (1 - share) * (p[c] as number) + share * (lexical[c] as number);
    }
    let best = POS;
    if ((p[NEU] as number) > (p[best] as number)) best = NEU;
    if ((p[NEG] as number) > (p[best] as number)) best = NEG;
    const empty = tokens.length === 0;
    const tag: SentimentTag = {
      label: empty ? "neutral" : (LABELS[best] as SentimentLabel),
      score: empty ? 0 : round((p[POS] as number) - (p[NEG] as number)),
      confidence: empty ? 1 : round(p[best] as number),
      language: route.language satisfies Language,
      modelVersion: this.modelVersion,
    };
    return {
      tag,
      tokens,
      probabilities: { negative: p[NEG] as number, neutral: p[NEU] as number, positive: p[POS] as number },
      evidence: found,
      englishShare: share,
    };
  }
}

function round(value: number): number {
  return Math.round(value * 10000) / 10000;
}

function softmax(z: Float64Array): number[] {
  const max = Math.max(z[0] as number, z[1] as number, z[2] as number);
  const e = [Math.exp((z[0] as number) - max), Math.exp((z[1] as number) - max), Math.exp((z[2] as number) - max)];
  const sum = (e[0] as number) + (e[1] as number) + (e[2] as number);
  return e.map((x) => x / sum);
}

/** Lexicon-only class probabilities from the polarity evidence (used for English text). */
function lexiconProbabilities(found: Evidence): number[] {
  const m = Math.tanh(0.8 * (found.positive - found.negative));
  const positive = 0.05 + 0.9 * Math.max(0, m);
  const negative = 0.05 + 0.9 * Math.max(0, -m);
  return [negative, 1 - positive - negative, positive];
}

let cached: SentimentTagger | undefined;

/** The tagger over the committed model file, loaded on first use and shared afterwards. */
export function loadSentimentModel(): SentimentTagger {
  cached ??= new SentimentTagger(readModel());
  return cached;
}

/** The process-stage Tagger: sets `tags.sentiment` on every mention from its text. */
export function sentimentTagger(tagger: SentimentTagger = loadSentimentModel()): Tagger {
  return {
    name: "sentiment",
    tag(batch: TaggedMention[]): void {
      for (const item of batch) item.tags.sentiment = tagger.tag(item.mention.text);
    },
  };
}
