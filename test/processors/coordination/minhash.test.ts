import { describe, expect, it } from "vitest";
import { BANDS, BandBuckets, fnv1a, SIGNATURE_SIZE, shingleHashes } from "../../../processors/coordination/minhash.js";

/** A signature whose every value is `value`, but for band 0's first row (`first`). */
function sig(value: number, first = value): Uint32Array {
  const signature = new Uint32Array(SIGNATURE_SIZE).fill(value);
  signature[0] = first;
  return signature;
}

describe("BandBuckets", () => {
  it("keeps the buckets of bands whose hashes collide apart, and drops any of a chain", () => {
    // Every band hashes alike: one chain holds every bucket.
    const buckets = new BandBuckets<string>(() => 7);
    const [a, b, c] = [sig(1, 10), sig(1, 20), sig(1, 30)];
    const ba = buckets.open(a, 0, "a");
    const bb = buckets.open(b, 0, "b");
    const bc = buckets.open(c, 0, "c");
    // Band 1 has the same values in all three: one more bucket, found for each of them.
    const shared = buckets.open(a, 1, "a1");
    expect(buckets.size).toBe(4);
    expect([buckets.find(a, 0), buckets.find(b, 0), buckets.find(c, 0)]).toEqual([ba, bb, bc]);
    expect([buckets.find(b, 1), buckets.find(c, 1)]).toEqual([shared, shared]);
    expect(buckets.find(sig(1, 40), 0)).toBeUndefined();
    expect(buckets.find(a, BANDS - 1)).toBeUndefined();

    // The middle of the chain, its head (the last opened), then its tail.
    buckets.close(bb);
    expect([buckets.find(a, 0), buckets.find(b, 0), buckets.find(c, 0), buckets.find(a, 1)]).toEqual([
      ba,
      undefined,
      bc,
      shared,
    ]);
    buckets.close(shared);
    expect([buckets.find(a, 0), buckets.find(c, 0), buckets.find(a, 1)]).toEqual([ba, bc, undefined]);
    buckets.close(ba);
    expect([buckets.find(a, 0), buckets.find(c, 0)]).toEqual([undefined, bc]);
    buckets.close(bc);
    expect(buckets.find(c, 0)).toBeUndefined();
    expect(buckets.size).toBe(0);
    // A bucket opened again once its hash's chain is gone.
    const again = buckets.open(b, 0, "b again");
    expect(buckets.find(b, 0)).toBe(again);
    expect(again.refs).toEqual(["b again"]);
  });

  it("finds a band's bucket by its values only (the default hash)", () => {
    const buckets = new BandBuckets<string>();
    const opened = buckets.open(sig(5), 3, "x");
    expect(buckets.find(sig(5, 99), 3)).toBe(opened);
    expect(buckets.find(sig(5), 2)).toBeUndefined();
    expect(buckets.find(sig(6), 3)).toBeUndefined();
  });
});

describe("shingleHashes", () => {
  it("hashes each overlapping word pair as fnv1a of the pair's text, and a one-word text's word", () => {
    expect(shingleHashes(["polri", "kerja", "nyata", "sekali"])).toEqual([
      fnv1a("polri kerja"),
      fnv1a("kerja nyata"),
      fnv1a("nyata sekali"),
    ]);
    expect(shingleHashes(["mantap"])).toEqual([fnv1a("mantap")]);
    expect(shingleHashes([])).toEqual([]);
    // Its values are in the stored state (signatures, chunk shards): they must not change.
    expect(fnv1a("polri kerja")).toBe(0x7479df7a);
  });
});
