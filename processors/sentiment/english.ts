/**
 * English: a word list for language routing, and lexicon scoring with the AFINN-165 word list that
 * ships with the `sentiment` package (read from the package, not copied), with negation scope and
 * intensifiers of our own (the package itself only flips a word right after "not"-like words).
 */
import { createRequire } from "node:module";
import { EN_NEGATORS, PRE_INTENSIFIERS, SCOPE_BREAKERS } from "./lexicon.js";

const require = createRequire(import.meta.url);

/** AFINN-165 valences in [-5, 5], as the `sentiment` package ships them. */
export const AFINN: ReadonlyMap<string, number> = new Map(
  Object.entries(require("sentiment/languages/en/labels.json") as Record<string, number>),
);

/** Common English words that are not sentiment words: function words, frequent verbs and nouns. */
const COMMON = `
a about above after again against all almost also always am an and another any anyone anything are
around as ask asked at away back be became because been before being below between both but by
came can could day days did do does doing done down during each even ever every everyone
everything few first for from get gets getting give given go goes going gone got had has have
having he her here hers him his how i if in into is it its itself just know last let like little
look made make many may me might more most much must my myself never new next no nor not now of
off often on once one only or other our ours out over own people please really right said same
say says see seem she should since so some someone something still such take than thank thanks
that the their them then there these they thing things think this those though through time to
today too took under until up upon us use used very want was way we week well went were what when
where which while who whom whose why will with without would year yes yet you your yours
service services government public office staff team app update system website online offline
officer officers police city road roads traffic water power electricity internet signal queue
line wait waiting waited hours hour minutes minute job work working works worked again please
pls plz thx sorry guys guy bro sis sir madam admin account apply applied application form forms
register registration payment pay paid tax taxes price prices fee fees ticket tickets free
station train bus flight airport hospital school student students teacher health doctor
really actually literally totally seriously honestly basically definitely probably maybe
still already yet soon late early fast slow quick quickly easy hard simple how what why
who whom which when where there here home house room place places area areas country nation
`;

/** English words for language routing: the common list plus every AFINN word. */
export const EN_WORDS: ReadonlySet<string> = new Set([...COMMON.split(/\s+/).filter(Boolean), ...AFINN.keys()]);

const SCOPE = 3;

/**
 * Sum of AFINN valences over the tokens, each scaled to [-1, 1] (valence / 5 * 2, capped), negated
 * inside a negation scope (the next 3 words after a negator, ended by punctuation or a clause
 * word) and strengthened by a preceding intensifier. Returns the sum and how many words scored.
 */
export function scoreEnglish(tokens: readonly string[]): { sum: number; hits: number } {
  let sum = 0;
  let hits = 0;
  let negated = 0;
  let intensity = 1;
  for (const token of tokens) {
    if (token.length === 1 && /[.,!?]/.test(token)) {
      negated = 0;
      intensity = 1;
      continue;
    }
    if (SCOPE_BREAKERS.has(token)) {
      negated = 0;
      continue;
    }
    if (EN_NEGATORS.has(token)) {
      negated = SCOPE;
      continue;
    }
    const boost = PRE_INTENSIFIERS.get(token);
    if (boost !== undefined) {
      intensity = boost;
      continue;
    }
    const valence = AFINN.get(token);
    if (valence !== undefined) {
      let value = Math.max(-1, Math.min(1, (valence / 5) * 2)) * intensity;
      if (negated > 0) value = value > 0 ? -value : -value * 0.5;
      sum += value;
      hits++;
    }
    intensity = 1;
    if (negated > 0) negated--;
  }
  return { sum, hits };
}
