import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/**
 * Seeded randomness for simulated code. One root seed makes one run; every component draws from
 * its own stream, named, whose generator state is derived from (root seed, name) alone. Adding a
 * stream therefore never changes the draws of another, and a component's draws do not depend on
 * the order in which streams were created (FoundationDB/TigerBeetle-style simulation).
 *
 * The generator is pure-rand's xoroshiro128+; this module adds the stream derivation and the few
 * draws the harness needs, each with one documented definition.
 */

const MASK_64 = (1n << 64n) - 1n;
const TWO_POW_32 = 0x1_0000_0000;

/** splitmix64's output function: a bijective mix of 64 bits, used only to derive stream states. */
function splitmix64(value: bigint): bigint {
  let z = (value + 0x9e3779b97f4a7c15n) & MASK_64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK_64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK_64;
  return z ^ (z >> 31n);
}

/** FNV-1a over the UTF-8 bytes of a stream name, 64 bits. */
function hashName(name: string): bigint {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(name)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & MASK_64;
  }
  return hash;
}

/** Checks that a root seed is usable: an integer from 0 to 2^53 - 1. */
export function validateSeed(seed: number): number {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`seed ${String(seed)} is not valid: expected an integer from 0 to ${Number.MAX_SAFE_INTEGER}`);
  }
  return seed;
}

/** The 128-bit xoroshiro state of stream `name` under root seed `seed`, as four 32-bit words. */
function streamState(seed: number, name: string): number[] {
  const first = splitmix64(BigInt(seed) ^ hashName(name));
  const second = splitmix64(first);
  const words = [first >> 32n, first & 0xffff_ffffn, second >> 32n, second & 0xffff_ffffn].map((word) => Number(BigInt.asIntN(32, word)));
  // xoroshiro's all-zero state is a fixed point; splitmix64 of two chained values cannot give it in
  // practice, but the invariant is cheap to state.
  if (!words.some((word) => word !== 0)) words[3] = 1;
  return words;
}

/** One named stream of random draws. */
export class RandomStream {
  private readonly generator: RandomGenerator;

  constructor(
    /** The root seed of the run. */
    readonly seed: number,
    /** The stream's name, unique within a run (e.g. `net.link.client-0>primary`). */
    readonly name: string,
  ) {
    validateSeed(seed);
    this.generator = xoroshiro128plusFromState(streamState(seed, name));
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    return this.generator.next() >>> 0;
  }

  /** A uniform integer in [from, to], both included; both must be safe integers with from <= to. */
  int(from: number, to: number): number {
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from > to) {
      throw new RangeError(`RandomStream.int: bad range [${from}, ${to}]`);
    }
    return uniformInt(this.generator, from, to);
  }

  /** True with probability exactly numerator/denominator (integers, 0 <= numerator <= denominator <= 2^32). */
  chance(numerator: number, denominator: number): boolean {
    if (!Number.isInteger(numerator) || !Number.isInteger(denominator) || denominator <= 0 || denominator > TWO_POW_32 || numerator < 0 || numerator > denominator) {
      throw new RangeError(`RandomStream.chance: bad ratio ${numerator}/${denominator}`);
    }
    if (numerator === 0) return false;
    if (numerator === denominator) return true;
    return uniformInt(this.generator, 0, denominator - 1) < numerator;
  }

  /**
   * True with probability p, defined as the integer ratio round(p * 2^32) / 2^32: one 32-bit draw,
   * so the same p and stream state give the same answer on every machine.
   */
  probability(p: number): boolean {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`RandomStream.probability: ${p} is not a probability (expected 0 to 1)`);
    if (p === 0) return false;
    if (p === 1) return true;
    return this.nextUint32() < Math.round(p * TWO_POW_32);
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  float(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** An exponentially distributed value with the given mean (inverse transform of one `float()`). */
  exponential(mean: number): number {
    if (!(mean >= 0) || !Number.isFinite(mean)) throw new RangeError(`RandomStream.exponential: bad mean ${mean}`);
    return -mean * Math.log1p(-this.float());
  }

  /** A normally distributed value (Box–Muller over two `float()` draws). */
  normal(mean: number, standardDeviation: number): number {
    const radius = Math.sqrt(-2 * Math.log1p(-this.float()));
    return mean + standardDeviation * radius * Math.cos(2 * Math.PI * this.float());
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('RandomStream.pick: empty array');
    return items[this.int(0, items.length - 1)]!;
  }
}

/** Hands out named streams for one root seed; asking twice for a name returns the same stream. */
export class RandomSource {
  private readonly streams = new Map<string, RandomStream>();

  constructor(readonly seed: number) {
    validateSeed(seed);
  }

  /** The stream called `name`, created on first use. */
  stream(name: string): RandomStream {
    let stream = this.streams.get(name);
    if (stream === undefined) {
      stream = new RandomStream(this.seed, name);
      this.streams.set(name, stream);
    }
    return stream;
  }
}
