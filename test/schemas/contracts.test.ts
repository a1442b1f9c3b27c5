import { readFileSync } from "node:fs";
import avro from "avsc";
import { describe, expect, it } from "vitest";
import { GENERATED_FILE, generateDeclarations } from "../../schemas/codegen.js";
import { CONTRACT_NAMES, contracts } from "../../schemas/contracts.js";
import { TOPICS } from "../../schemas/topics.js";
import type { TaggedMention } from "../../schemas/types.generated.js";
import { sampleMention } from "../fixtures/mentions.js";

describe("Avro contracts", () => {
  it("TypeScript declarations are exactly what the .avsc files generate", () => {
    expect(readFileSync(GENERATED_FILE, "utf8")).toBe(generateDeclarations());
  });

  it("a value typed by the generated declarations is valid for the compiled Avro type and round-trips", () => {
    const tagged: TaggedMention = {
      mention: sampleMention,
      tags: {
        sentiment: null,
        topics: [{ queryId: "q1", agency: "bpjs" }],
        virality: null,
        influence: null,
        segment: null,
        account: { role: "audience_response", agency: "bpjs", score: null, reasons: ["replies to @BPJSKesehatanRI"] },
        place: { provinceCode: "32", regencyCode: "32.09", name: "Kabupaten Cirebon", confidence: 0.9, source: "text" },
      },
      processedTime: sampleMention.ingestTime + 5,
    };
    for (const [contract, value] of [
      [contracts.Mention, sampleMention],
      [contracts.TaggedMention, tagged],
    ] as const) {
      const invalid: string[] = [];
      expect(contract.type.isValid(value, { errorHook: (path) => invalid.push(path.join(".")) })).toBe(true);
      expect(invalid).toEqual([]);
      expect(contract.type.fromBuffer(contract.type.toBuffer(value))).toEqual(value);
    }
  });

  it("every contract's registered schema text is self-contained", () => {
    for (const name of CONTRACT_NAMES) {
      // Parsed alone, without the shared registry: named types from other files must be inlined.
      const standalone = avro.Type.forSchema(JSON.parse(contracts[name].schemaText));
      expect(standalone.name).toBe(`id.simak.${name}`);
      expect(standalone.equals(contracts[name].type)).toBe(true);
    }
  });

  it("the topic catalogue names a contract and at least one partition for every topic", () => {
    const names = Object.values(TOPICS).map((topic) => topic.name);
    expect(new Set(names).size).toBe(names.length);
    for (const topic of Object.values(TOPICS)) {
      expect(CONTRACT_NAMES).toContain(topic.value);
      expect(topic.partitions).toBeGreaterThan(0);
    }
    expect(TOPICS.deadLetter.name).toBe("simak.deadletter");
  });
});
