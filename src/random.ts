/**
 * One seedable, splittable random generator for everything (initializers, shuffles, dropout, noise).
 *
 * It is Philox-4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011), a
 * counter-based generator: block i of the stream is `philox(key, counter = i)`, so streams are cheap to
 * split (a child gets a key derived from the parent's) and reproducible from a single seed.
 *
 * ```ts
 * manualSeed(0);
 * rand([2]).toArray();          // the same two numbers on every run
 * const g = new Generator(7);   // an explicit generator, independent of the global one
 * randn([3], { generator: g });
 * ```
 */
import { ValueError } from "./errors.js";

const M0 = 0xd2511f53, M1 = 0xcd9e8d57, W0 = 0x9e3779b9, W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two uint32. */
function mulhi(a: number, b: number): number {
  const aLo = a & 0xffff, aHi = a >>> 16, bLo = b & 0xffff, bHi = b >>> 16;
  const lolo = aLo * bLo;
  const mid1 = aHi * bLo + (lolo >>> 16);
  const mid2 = aLo * bHi + (mid1 & 0xffff);
  return (aHi * bHi + (mid1 >>> 16) + (mid2 >>> 16)) >>> 0;
}

/** Philox-4x32 with 10 rounds: 4 output words from a 4-word counter and a 2-word key. */
export function philox4x32(c: readonly [number, number, number, number], k: readonly [number, number]): [number, number, number, number] {
  let c0 = c[0] >>> 0, c1 = c[1] >>> 0, c2 = c[2] >>> 0, c3 = c[3] >>> 0;
  let k0 = k[0] >>> 0, k1 = k[1] >>> 0;
  for (let r = 0; r < 10; r++) {
    const hi0 = mulhi(M0, c0), lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2), lo1 = Math.imul(M1, c2) >>> 0;
    const n0 = (hi1 ^ c1 ^ k0) >>> 0, n2 = (hi0 ^ c3 ^ k1) >>> 0;
    c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
    k0 = (k0 + W0) >>> 0; k1 = (k1 + W1) >>> 0;
  }
  return [c0, c1, c2, c3];
}

export class Generator {
  private key: [number, number];
  /** 64-bit block counter as two words. */
  private ctrLo = 0;
  private ctrHi = 0;
  private buf: number[] = [];
  private spare: number | null = null;

  constructor(seed: number = 0) {
    this.key = [0, 0];
    this.manualSeed(seed);
  }

  /** Resets the stream to the one `seed` names. */
  manualSeed(seed: number): this {
    if (!Number.isFinite(seed) || !Number.isInteger(seed)) {
      throw new ValueError(`manualSeed: seed must be an integer, got ${seed}. Pass a whole number, e.g. manualSeed(42) or manualSeed(Math.floor(seed)).`);
    }
    this.key = [seed >>> 0, Math.floor(seed / 4294967296) >>> 0];
    this.ctrLo = 0;
    this.ctrHi = 0;
    this.buf = [];
    this.spare = null;
    return this;
  }

  /** A uniformly distributed uint32. */
  nextUint32(): number {
    if (this.buf.length === 0) {
      const out = philox4x32([this.ctrLo, this.ctrHi, 0, 0], this.key);
      this.ctrLo = (this.ctrLo + 1) >>> 0;
      if (this.ctrLo === 0) this.ctrHi = (this.ctrHi + 1) >>> 0;
      this.buf = [out[3], out[2], out[1], out[0]];
    }
    return this.buf.pop()!;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5, lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal by Box–Muller (both values of each pair are used). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const u1 = 1 - this.random(), u2 = this.random();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Uniform integer in [low, high). */
  randint(low: number, high: number): number {
    const span = high - low;
    if (span <= 0) throw new ValueError(`randint: high (${high}) must be greater than low (${low}).`);
    if (span <= 4294967296) {
      // Rejection sampling removes modulo bias.
      const limit = 4294967296 - (4294967296 % span);
      let x: number;
      do x = this.nextUint32(); while (x >= limit);
      return low + (x % span);
    }
    return low + Math.floor(this.random() * span);
  }

  /**
   * A new generator with an independent stream, derived from this one's key and position. The parent
   * advances, so successive splits differ.
   */
  split(): Generator {
    const g = new Generator(0);
    const a = this.nextUint32(), b = this.nextUint32();
    const k = philox4x32([a, b, 0x5717, 0x1e55], this.key);
    g.key = [k[0], k[1]];
    return g;
  }

  /** The generator's full state, for checkpoints. */
  getState(): { key: [number, number]; counter: [number, number]; buffer: number[]; spare: number | null } {
    return { key: [...this.key], counter: [this.ctrLo, this.ctrHi], buffer: [...this.buf], spare: this.spare };
  }

  setState(s: ReturnType<Generator["getState"]>): this {
    this.key = [...s.key];
    [this.ctrLo, this.ctrHi] = s.counter;
    this.buf = [...s.buffer];
    this.spare = s.spare;
    return this;
  }
}

let defaultGenerator: Generator | null = null;

/** The global generator used when no `generator` option is given. */
export function getDefaultGenerator(): Generator {
  return (defaultGenerator ??= new Generator(0));
}

/** Seeds the global generator: the whole run (init, shuffles, dropout, noise) becomes reproducible. */
export function manualSeed(seed: number): Generator {
  return getDefaultGenerator().manualSeed(seed);
}
