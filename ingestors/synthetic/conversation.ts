/**
 * Simulator assumptions, not measurements: how much each agency is talked about and in which tone.
 */
import { AGENCIES, type Agency } from "./agencies.js";
import { WeightedTable } from "./random.js";
import type { Sentiment } from "./vocabulary.js";

interface AgencyConversation {
  /** Relative share of all mentions. */
  share: number;
  /** Chances of a negative and a positive mention in ordinary traffic; neutral takes the rest. */
  negative: number;
  positive: number;
}

const CONVERSATION: Readonly<Record<string, AgencyConversation>> = {
  kemenkes: { share: 0.08, negative: 0.3, positive: 0.25 },
  kemenkeu: { share: 0.08, negative: 0.42, positive: 0.15 },
  polri: { share: 0.15, negative: 0.5, positive: 0.15 },
  kpk: { share: 0.08, negative: 0.35, positive: 0.3 },
  komdigi: { share: 0.09, negative: 0.48, positive: 0.12 },
  "bpjs-kesehatan": { share: 0.11, negative: 0.45, positive: 0.2 },
  bmkg: { share: 0.05, negative: 0.15, positive: 0.35 },
  kemensos: { share: 0.07, negative: 0.4, positive: 0.2 },
  kemenhub: { share: 0.06, negative: 0.35, positive: 0.2 },
  "pemprov-dki": { share: 0.08, negative: 0.4, positive: 0.2 },
  kemendikdasmen: { share: 0.06, negative: 0.38, positive: 0.18 },
  "ditjen-pajak": { share: 0.09, negative: 0.45, positive: 0.12 },
};

function conversationOf(agencyId: string): AgencyConversation {
  const conversation = CONVERSATION[agencyId];
  if (conversation === undefined) throw new Error(`no conversation profile for agency "${agencyId}"`);
  return conversation;
}

/** Tone as a distribution over sentiments; neutral takes what negative and positive leave. */
export function tone(negative: number, positive: number): WeightedTable<Sentiment> {
  return new WeightedTable<Sentiment>([
    ["negative", negative],
    ["neutral", 1 - negative - positive],
    ["positive", positive],
  ]);
}

/** The simulator refers to agencies by their index in AGENCIES. */
export function agencyAt(index: number): Agency {
  const agency = AGENCIES[index];
  if (agency === undefined) throw new RangeError(`no agency at index ${index}`);
  return agency;
}

/** Which agency a mention is about, as an index into AGENCIES. */
export const AGENCY_SHARE = new WeightedTable(
  AGENCIES.map((agency, index): [number, number] => [index, conversationOf(agency.id).share]),
);

const TOTAL_SHARE = AGENCIES.reduce((sum, agency) => sum + conversationOf(agency.id).share, 0);

/** The fraction of all mentions that are about AGENCIES[index]. */
export function shareOf(index: number): number {
  return conversationOf(agencyAt(index).id).share / TOTAL_SHARE;
}

/** Each agency's tone in ordinary traffic, by index into AGENCIES. */
export const USUAL_TONE: readonly WeightedTable<Sentiment>[] = AGENCIES.map((agency) => {
  const { negative, positive } = conversationOf(agency.id);
  return tone(negative, positive);
});
