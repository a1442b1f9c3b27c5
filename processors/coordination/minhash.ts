/**
 * MinHash signatures and locality-sensitive hashing bands: two texts whose shingle sets have a
 * Jaccard similarity J agree in each signature position with probability J, and land in a
 * common band bucket with probability 1 - (1 - J^ROWS)^BANDS (about 0.9 at J = 0.6, 0.02 at 0.2).
 */

export const SIGNATURE_SIZE = 64;
export const BANDS = 16;
const ROWS = SIGNATURE_SIZE / BANDS;

/** Odd multipliers and offsets of the hash family, fixed so signatures are stable across runs. */
const MULTIPLIERS = new Uint32Array(SIGNATURE_SIZE);
const OFFSETS = new Uint32Array(SIGNATURE_SIZE);
{
  let state = 0x9e3779b9;
  const next = (): number => {
    // xorshift32
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  for (let i = 0; i < SIGNATURE_SIZE; i++) {
    MULTIPLIERS[i] = next() | 1;
    OFFSETS[i] = next();
  }
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a's state after the text's UTF-16 code units, from `hash`. */
function fnvUpdate(hash: number, text: string): number {
  let next = hash;
  for (let i = 0; i < text.length; i++) next = Math.imul(next ^ text.charCodeAt(i), FNV_PRIME);
  return next;
}

/** 32-bit FNV-1a of a string's UTF-16 code units. */
export function fnv1a(text: string): number {
  return fnvUpdate(FNV_OFFSET, text) >>> 0;
}

/**
 * The shingles of a text's words, hashed: fnv1a of each overlapping word pair ("a b"), or of the
 * word of a one-word text. Computed from the words, without making the pairs' strings.
 */
export function shingleHashes(words: readonly string[]): number[] {
  if (words.length < 2) return words.map(fnv1a);
  const hashes: number[] = [];
  for (let i = 0; i + 1 < words.length; i++) {
    const left = Math.imul(fnvUpdate(FNV_OFFSET, words[i] as string) ^ 0x20, FNV_PRIME);
    hashes.push(fnvUpdate(left, words[i + 1] as string) >>> 0);
  }
  return hashes;
}

/** The MinHash signature of a text's shingles (shingleHashes). */
export function signature(shingles: readonly number[]): Uint32Array {
  const signature = new Uint32Array(SIGNATURE_SIZE).fill(0xffffffff);
  for (const base of shingles) {
    for (let i = 0; i < SIGNATURE_SIZE; i++) {
      const value = (Math.imul(base, MULTIPLIERS[i] as number) + (OFFSETS[i] as number)) >>> 0;
      if (value < (signature[i] as number)) signature[i] = value;
    }
  }
  return signature;
}

/**
 * The estimated Jaccard similarity of the two shingle sets when it is at least `min`, else -1: stops at the first position that
 * leaves `min` out of reach (most candidates of a bucket are far below it).
 */
export function similarityAtLeast(a: Uint32Array, b: Uint32Array, min: number): number {
  const allowed = SIGNATURE_SIZE - Math.ceil(min * SIGNATURE_SIZE);
  let differ = 0;
  for (let i = 0; i < SIGNATURE_SIZE; i++) if (a[i] !== b[i] && ++differ > allowed) return -1;
  return (SIGNATURE_SIZE - differ) / SIGNATURE_SIZE;
}

/**
 * A band's bucket hash: its number and its rows' values mixed into 30 bits (a small integer, the
 * cheapest map key). Distinct bands can share a hash: `sameBand` tells them apart.
 */
function bandHash(signature: Uint32Array, band: number): number {
  let hash = Math.imul(band + 1, 0x9e3779b1);
  for (let row = band * ROWS; row < (band + 1) * ROWS; row++) {
    hash = Math.imul(hash ^ (signature[row] as number), 0x85ebca6b);
    hash ^= hash >>> 15;
  }
  return hash & 0x3fffffff;
}

/** Whether the two signatures have the same values in the band. */
function sameBand(a: Uint32Array, b: Uint32Array, band: number): boolean {
  for (let row = band * ROWS; row < (band + 1) * ROWS; row++) if (a[row] !== b[row]) return false;
  return true;
}

/** An LSH bucket: what was put in it (in the order it came), for the values of one band. */
export interface BandBucket<T> {
  band: number;
  /** bandHash of its band's values. */
  hash: number;
  /** The signature it was opened for (its band's values are the bucket's). */
  signature: Uint32Array;
  refs: T[];
  /** The buckets before and after it of the same hash (distinct values that hash alike; almost never). */
  previous: BandBucket<T> | null;
  next: BandBucket<T> | null;
}

/**
 * The open LSH buckets, by band hash: an integer key is cheaper to look up than the band's values
 * as a string (a copy looks up 16 bands), and a chain per hash keeps bands that hash alike apart.
 */
export class BandBuckets<T> {
  private readonly heads = new Map<number, BandBucket<T>>();
  size = 0;

  /** `hash`: the band hash (tests make bands collide). */
  constructor(private readonly hash: (signature: Uint32Array, band: number) => number = bandHash) {}

  /** The bucket of the signature's values in the band, if open. */
  find(signature: Uint32Array, band: number): BandBucket<T> | undefined {
    let bucket = this.heads.get(this.hash(signature, band));
    while (bucket && !(bucket.band === band && sameBand(bucket.signature, signature, band))) {
      bucket = bucket.next ?? undefined;
    }
    return bucket;
  }

  /** A bucket for the signature's values in the band (none is open), holding `first`. */
  open(signature: Uint32Array, band: number, first: T): BandBucket<T> {
    const hash = this.hash(signature, band);
    const next = this.heads.get(hash) ?? null;
    const bucket: BandBucket<T> = { band, hash, signature, refs: [first], previous: null, next };
    if (next) next.previous = bucket;
    this.heads.set(hash, bucket);
    this.size++;
    return bucket;
  }

  /** Drops a bucket (emptied): `find` no longer gives it. */
  close(bucket: BandBucket<T>): void {
    const { previous, next } = bucket;
    if (next) next.previous = previous;
    if (previous) previous.next = next;
    else if (next) this.heads.set(bucket.hash, next);
    else this.heads.delete(bucket.hash);
    this.size--;
  }
}
