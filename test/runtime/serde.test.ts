import { AvroDeserializer, AvroSerializer, MockClient, SerdeType } from "@confluentinc/schemaregistry";
import { describe, expect, it } from "vitest";
import { ErrorCode, SimakError } from "../../runtime/errors.js";
import { AvroCodec } from "../../runtime/serde.js";
import { contracts } from "../../schemas/contracts.js";
import type { Mention } from "../../schemas/types.generated.js";
import { sampleMention } from "../fixtures/mentions.js";

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof SimakError) return error.code;
    throw error;
  }
  return "no error";
}

describe("AvroCodec (Confluent wire format)", () => {
  it("writes magic byte 0, the registered id, then the Avro body, and reads it back", async () => {
    const codec = new AvroCodec(new MockClient({ baseURLs: ["mock://"] }));
    const id = await codec.register("simak.mentions.raw", contracts.Mention);
    const bytes = codec.encode(id, contracts.Mention, sampleMention);
    expect(bytes[0]).toBe(0);
    expect(bytes.readUInt32BE(1)).toBe(id);
    expect(bytes.subarray(5)).toEqual(contracts.Mention.type.toBuffer(sampleMention));
    expect(codec.decode<Mention>(bytes, contracts.Mention)).toEqual(sampleMention);
  });

  it("encodes values larger than its scratch buffer, and each value into a buffer of its own", async () => {
    const codec = new AvroCodec(new MockClient({ baseURLs: ["mock://"] }));
    const id = await codec.register("simak.mentions.raw", contracts.Mention);
    const long = { ...sampleMention, text: "kata ".repeat(40_000) };
    const first = codec.encode(id, contracts.Mention, long);
    const second = codec.encode(id, contracts.Mention, sampleMention);
    expect(first.length).toBe(5 + contracts.Mention.type.toBuffer(long).length);
    expect(first.readUInt32BE(1)).toBe(id);
    expect(codec.decode<Mention>(first, contracts.Mention)).toEqual(long);
    expect(codec.decode<Mention>(second, contracts.Mention)).toEqual(sampleMention);
    expect(codec.decode<Mention>(codec.encode(id, contracts.Mention, long), contracts.Mention).text).toBe(long.text);
  });

  it("interoperates with @confluentinc/schemaregistry's own Avro serdes in both directions", async () => {
    const client = new MockClient({ baseURLs: ["mock://"] });
    const codec = new AvroCodec(client);
    const id = await codec.register("simak.mentions.raw", contracts.Mention);
    const theirs = new AvroDeserializer(client, SerdeType.VALUE, {});
    expect(await theirs.deserialize("simak.mentions.raw", codec.encode(id, contracts.Mention, sampleMention))).toEqual(
      sampleMention,
    );
    const serializer = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true });
    const theirBytes = await serializer.serialize("simak.mentions.raw", sampleMention);
    const reader = new AvroCodec(client);
    await reader.prepare([theirBytes]);
    expect(reader.decode<Mention>(theirBytes, contracts.Mention)).toEqual(sampleMention);
  });

  it("resolves an id it has not seen through the registry, then decodes without it", async () => {
    const client = new MockClient({ baseURLs: ["mock://"] });
    const writer = new AvroCodec(client);
    const id = await writer.register("t", contracts.Mention);
    const reader = new AvroCodec(client);
    const bytes = writer.encode(id, contracts.Mention, sampleMention);
    expect(codeOf(() => reader.decode(bytes, contracts.Mention))).toBe(ErrorCode.BadWireFormat);
    await reader.prepare([bytes, Buffer.from("garbage"), null]);
    expect(reader.decode<Mention>(bytes, contracts.Mention).id).toBe(sampleMention.id);
  });

  it("names what is wrong with malformed bytes, a truncated body and a writer lacking required fields", async () => {
    const client = new MockClient({ baseURLs: ["mock://"] });
    const codec = new AvroCodec(client);
    const mentionId = await codec.register("t", contracts.Mention);
    const alertId = await codec.register("a", contracts.Alert);
    expect(codeOf(() => codec.decode(Buffer.from("{not avro}"), contracts.Mention))).toBe(ErrorCode.BadWireFormat);
    expect(codeOf(() => codec.decode(Buffer.from([0, 0]), contracts.Mention))).toBe(ErrorCode.BadWireFormat);
    const truncated = codec.encode(mentionId, contracts.Mention, sampleMention).subarray(0, 40);
    expect(codeOf(() => codec.decode(truncated, contracts.Mention))).toBe(ErrorCode.SchemaViolation);
    const alert = codec.encode(alertId, contracts.Alert, {
      id: "a1",
      ruleId: "r",
      status: "firing",
      severity: "warning",
      agency: null,
      queryId: null,
      platform: null,
      signal: "negative_count",
      observed: 1,
      baseline: 0,
      threshold: 1,
      windowStart: 0,
      windowEnd: 1,
      firedAt: 1,
      message: "m",
      topPostIds: [],
      topAuthorIds: [],
    });
    expect(codeOf(() => codec.decode(alert, contracts.Mention))).toBe(ErrorCode.IncompatibleSchema);
  });
});
