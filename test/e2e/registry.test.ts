/**
 * Schema registration against the real Apicurio Registry (Confluent-compatible API): contracts are
 * registered with BACKWARD compatibility; a compatible evolution is accepted with a new id, an
 * incompatible one is refused with an error naming the subject.
 */
import { readFileSync } from "node:fs";
import avro from "avsc";
import { describe, expect, it } from "vitest";
import { ErrorCode, SimakError } from "../../runtime/errors.js";
import { AvroCodec, createRegistryClient } from "../../runtime/serde.js";
import { type Contract, contracts } from "../../schemas/contracts.js";
import { serviceConfig, uniquePrefix } from "../support/services.js";

function evolved(extraField: Record<string, unknown>): Contract {
  const schema = JSON.parse(contracts.Mention.schemaText);
  schema.fields.push(extraField);
  return { name: "Mention", type: avro.Type.forSchema(schema), schemaText: JSON.stringify(schema) };
}

describe("schema registry (Apicurio, ccompat v7)", () => {
  it("registers BACKWARD-compatible evolutions and refuses incompatible ones", async () => {
    const prefix = uniquePrefix("registry");
    const client = createRegistryClient(serviceConfig(prefix));
    const codec = new AvroCodec(client);
    const topic = `${prefix}simak.mentions.raw`;

    const first = await codec.register(topic, contracts.Mention);
    expect(await codec.register(topic, contracts.Mention)).toBe(first);
    expect((await client.getCompatibility(`${topic}-value`)).toString()).toBe("BACKWARD");

    // A new optional field with a default: old data stays readable with the new schema.
    const compatible = await codec.register(
      topic,
      evolved({ name: "region", type: ["null", "string"], default: null }),
    );
    expect(compatible).not.toBe(first);

    // A new required field without default cannot be read from old data: refused.
    let refused: unknown;
    try {
      await codec.register(topic, evolved({ name: "agencyId", type: "string" }));
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(SimakError);
    expect((refused as SimakError).code).toBe(ErrorCode.SchemaRegistrationRefused);
    expect((refused as SimakError).message).toMatch(
      new RegExp(
        `^schema registry refused Mention for subject ${topic.replace(/\./g, "\\.")}-value as not BACKWARD compatible`,
      ),
    );

    // The registry resolves ids for readers that never registered anything.
    const reader = new AvroCodec(client);
    const bytes = codec.encode(first, contracts.Mention, (await import("../fixtures/mentions.js")).sampleMention);
    await reader.prepare([bytes]);
    expect(reader.decode<{ id: string }>(bytes, contracts.Mention).id).toBe("1790000000000000001");
  });
});

describe("the removal-and-edit contract", () => {
  it("registers on its own subject with BACKWARD compatibility, over its first version", async () => {
    const prefix = uniquePrefix("registry-changes");
    const client = createRegistryClient(serviceConfig(prefix));
    const codec = new AvroCodec(client);
    const topic = `${prefix}simak.mentions.changes`;
    const firstText = readFileSync(new URL("../fixtures/contracts/MentionChange.v1.avsc", import.meta.url), "utf8");
    const first: Contract = {
      name: "MentionChange",
      type: avro.Type.forSchema(JSON.parse(firstText)),
      schemaText: JSON.stringify(JSON.parse(firstText)),
    };
    const firstId = await codec.register(topic, first);
    expect((await client.getCompatibility(`${topic}-value`)).toString()).toBe("BACKWARD");
    const currentId = await codec.register(topic, contracts.MentionChange);
    expect(typeof currentId).toBe("number");
    expect(firstId).toBeGreaterThan(0);
  });
});

describe("schema registration by instances starting together", () => {
  it("lets every instance register the same contracts at once", async () => {
    const prefix = uniquePrefix("registry-race");
    const topic = `${prefix}simak.mentions.tagged`;
    const ids = await Promise.all(
      Array.from({ length: 6 }, () =>
        new AvroCodec(createRegistryClient(serviceConfig(prefix))).register(topic, contracts.TaggedMention),
      ),
    );
    expect(new Set(ids).size).toBe(1);
  });
});
