/**
 * Seeded randomness for the simulator. Every random choice goes through a `Random` so that the same
 * seed gives the same event sequence; each independent stream (arrivals, content, one per
 * scenario) gets its own generator so adding a scenario does not shift the base arrival times.
 */

/** sfc32 ("small fast counting" generator): 128 bits of state, fast in 32-bit JS integer arithmetic. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream: string) {
    // FNV-1a over "seed/stream", then splitmix32 to spread the 32-bit hash over the 128-bit state.
    let h = 0x811c9dc5;
    const key = `${seed}/${stream}`;
    for (let i = 0; i < key.length; i++) {
      h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    }
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      h = (h + 0x9e3779b9) | 0;
      let z = h;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      words.push((z ^ (z >>> 16)) >>> 0);
    }
    [this.a, this.b, this.c, this.d] = words as [number, number, number, number];
    // The first outputs of sfc32 are still correlated with the seed; discard them.
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Waiting time until the next event of a Poisson process with `rate` events per unit. */
  exponential(rate: number): number {
    return -Math.log(1 - this.next()) / rate;
  }

  /** Log-normal with the given median; `sigma` is the standard deviation of its logarithm. */
  logNormal(median: number, sigma: number): number {
    // Box-Muller; the second variate is dropped so that each call consumes exactly two draws.
    const gaussian = Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
    return median * Math.exp(sigma * gaussian);
  }

  /** Log-uniform in [min, max): equally many values per order of magnitude. */
  logUniform(min: number, max: number): number {
    return min * (max / min) ** this.next();
  }

  /** `length` characters drawn from `alphabet`. */
  chars(alphabet: string, length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }
}

/** A categorical distribution, built once and sampled many times. */
export class WeightedTable<T> {
  private readonly items: T[];
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(entries: readonly (readonly [T, number])[]) {
    this.items = entries.map(([item]) => item);
    this.cumulative = new Float64Array(entries.length);
    let sum = 0;
    entries.forEach(([, weight], i) => {
      if (!(weight >= 0)) throw new RangeError(`weight must be >= 0, got ${weight}`);
      sum += weight;
      this.cumulative[i] = sum;
    });
    if (!(sum > 0)) throw new RangeError("a weighted table needs a positive total weight");
    this.total = sum;
  }

  pick(random: Random): T {
    const target = random.next() * this.total;
    // Tables are small (a dozen entries at most), so a linear scan beats a binary search.
    let i = 0;
    while (i < this.cumulative.length - 1 && (this.cumulative[i] as number) <= target) i++;
    return this.items[i] as T;
  }
}
