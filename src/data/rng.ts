/**
 * The project's one seeded random number generator: xoshiro128** (Blackman & Vigna), seeded through splitmix32.
 *
 * Everything random in tandem (parameter init, train/validation splits, batch order) draws from this module so
 * that one seed reproduces a run on every backend. The state is four uint32 words, small enough to store in a
 * checkpoint manifest (`state()` / `Rng.fromState()`).
 *
 * Independent streams come from `rngFor(seed, ...labels)`: the labels (e.g. `'init', 'layer1.weight'` or
 * `'batches', epoch`) are hashed into the seed, so adding a new consumer never shifts the numbers of another.
 */
export type RngState = readonly [number, number, number, number];

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Seeds from any 32-bit integer (other numbers are reduced modulo 2^32). */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`an RNG seed must be a finite number, got ${seed}`);
    let x = Math.trunc(seed) >>> 0;
    // splitmix32 spreads a small seed over the 128-bit state; xoshiro must never start from all zeros.
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  static fromState(state: RngState): Rng {
    if (state.length !== 4 || state.every((w) => w === 0) || state.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) {
      throw new RangeError(`an RNG state is four uint32 words, not all zero; got [${state.join(', ')}]`);
    }
    const r = new Rng(0);
    [r.s0, r.s1, r.s2, r.s3] = state;
    return r;
  }

  state(): RngState {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  /** A uniformly distributed uint32. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    this.s0 >>>= 0;
    this.s1 >>>= 0;
    this.s2 >>>= 0;
    this.s3 >>>= 0;
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits, so float64 consumers get full precision. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n), without modulo bias (rejection sampling). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 0x100000000) throw new RangeError(`Rng.int needs an integer n in [1, 2^32], got ${n}`);
    const limit = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Standard normal by Box-Muller; the second value is dropped so the state depends only on the call count. */
  normal(): number {
    const u1 = 1 - this.uniform(); // (0, 1]: log is finite
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }
}

/** An independent stream for one consumer: the labels are hashed (FNV-1a) into the seed. */
export function rngFor(seed: number, ...labels: (string | number)[]): Rng {
  let h = Math.trunc(seed) >>> 0;
  for (const label of labels) {
    h = Math.imul(h ^ 0x2f, 0x01000193) >>> 0; // separator, so ('ab') and ('a','b') differ
    for (const ch of String(label)) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193) >>> 0;
  }
  return new Rng(h);
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
