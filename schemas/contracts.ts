/**
 * The Avro contracts between stages. Each .avsc file in ./avro may use named types from the files
 * listed before it; they are parsed in this order with one shared registry, and each contract is
 * registered in the schema registry as one self-contained schema.
 */
import { readFileSync } from "node:fs";
import avro from "avsc";

export const CONTRACT_NAMES = [
  "Mention",
  "EngagementEvent",
  "TaggedMention",
  "Alert",
  "DeadLetter",
  // PostSignal and AuthorSignal are on no topic since the enrich stage stopped re-keying (issue
  // 16): they stay the types of its signals, and AuthorSignal the JSON of the waiting signals it
  // keeps in the state store.
  "PostSignal",
  "ViralityUpdate",
  "AuthorSignal",
  "WebTrafficEvent",
  "MentionChange",
] as const;
export type ContractName = (typeof CONTRACT_NAMES)[number];

export interface Contract {
  name: ContractName;
  /** Compiled avsc type: the hot path encodes and decodes with it. */
  type: avro.Type;
  /** Self-contained schema text (named types inlined) as registered in the schema registry. */
  schemaText: string;
}

function loadContracts(): Record<ContractName, Contract> {
  const registry: Record<string, avro.Type> = {};
  const contracts = {} as Record<ContractName, Contract>;
  for (const name of CONTRACT_NAMES) {
    const file = new URL(`./avro/${name}.avsc`, import.meta.url);
    const type = avro.Type.forSchema(JSON.parse(readFileSync(file, "utf8")), { registry });
    contracts[name] = { name, type, schemaText: JSON.stringify(type.schema({ exportAttrs: true })) };
  }
  return contracts;
}

export const contracts: Record<ContractName, Contract> = loadContracts();
