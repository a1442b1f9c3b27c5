import kafkajs from "kafkajs";
import { describe, expect, it } from "vitest";
import { keyPartitioner, partitionFor } from "../../../runtime/bus/partition.js";

function metadata(count: number): kafkajs.PartitionMetadata[] {
  return Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
    offlineReplicas: [],
  }));
}

/** Keys of every length from 0 to 40 (each remainder mod 4), ASCII and not, and our key shapes. */
const KEYS = [
  ...Array.from({ length: 41 }, (_, n) => "abcdefghijklmnopqrstuvwxyz0123456789:_-@!".slice(0, n)),
  ...Array.from({ length: 500 }, (_, i) => `instagram:post-${i * 7919}`),
  ...Array.from({ length: 100 }, (_, i) => `x:${i}`),
  "tiktok:7300000000000000001",
  "youtube:Bupati Sleman 🚜",
  "news:berita-ékonomi-ñ",
  "\u00ff\u00fe\u0080",
];

describe("partitionFor", () => {
  it("hashes as kafkajs's DefaultPartitioner (the Java client's murmur2) does", () => {
    const reference = kafkajs.Partitioners.DefaultPartitioner();
    for (const count of [1, 2, 3, 6, 7]) {
      const partitionMetadata = metadata(count);
      for (const key of KEYS) {
        const expected = reference({ topic: "t", partitionMetadata, message: { key, value: null } });
        expect(partitionFor(key, count), `${key} on ${count}`).toBe(expected);
        expect(partitionFor(Buffer.from(key), count)).toBe(expected);
      }
    }
  });

  it("is what producers use: a record's own partition first, then its key, else kafkajs's round robin", () => {
    const partitioner = keyPartitioner();
    const partitionMetadata = metadata(6);
    const choose = (message: kafkajs.Message) => partitioner({ topic: "t", partitionMetadata, message });
    expect(choose({ key: "x:1", value: null, partition: 4 })).toBe(4);
    expect(choose({ key: "x:1", value: null })).toBe(partitionFor("x:1", 6));
    const keyless = new Set(Array.from({ length: 12 }, () => choose({ value: null })));
    expect(keyless.size).toBe(6);
  });
});
