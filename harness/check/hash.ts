/**
 * Cheap 32-bit hashes for the search's memoisation cache. They need to spread well, not to resist
 * an adversary: a collision costs one extra equality check, never a wrong verdict.
 */

/** Final mix of MurmurHash3: spreads every input bit over the whole word. */
export function mix32(value: number): number {
  let hash = value | 0;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash | 0;
}

/** Combines a running hash with one more 32-bit value (order matters). */
export function combineHash(hash: number, value: number): number {
  return mix32(Math.imul(hash ^ value, 0x9e3779b1) + 0x7f4a7c15);
}

const STRING_SEED = 0x1b873593;

/**
 * Continues a polynomial hash over `text`: `extendStringHash(hashString(a), b)` equals
 * `hashString(a + b)`, so a model can hash an appended value without rereading what came before.
 * The result is not mixed; mix it before using it as a key.
 */
export function extendStringHash(hash: number, text: string): number {
  let result = hash;
  for (let index = 0; index < text.length; index++) result = (Math.imul(result, 31) + text.charCodeAt(index)) | 0;
  return result;
}

/** Polynomial hash of a string (see `extendStringHash`). */
export function hashString(text: string): number {
  return extendStringHash(STRING_SEED, text);
}

const float64 = new Float64Array(1);
const float64Words = new Uint32Array(float64.buffer);

/** Hash of a number: equal numbers (0 and -0 included) hash alike. */
export function hashNumber(value: number): number {
  if (Number.isInteger(value) && Math.abs(value) <= 0x7fffffff) return mix32(value);
  float64[0] = value;
  return combineHash(mix32(float64Words[0]!), float64Words[1]!);
}

/** A value a register can hold: JSON scalars, compared with `===`. */
export type Scalar = string | number | boolean | null;

const NULL_HASH = 0x2545f491;
const TRUE_HASH = 0x4f6cdd1d;
const FALSE_HASH = 0x6a09e667;

/** Hash of a scalar; values of different types hash apart even when they print alike. */
export function hashScalar(value: Scalar): number {
  if (typeof value === 'number') return hashNumber(value);
  if (typeof value === 'string') return mix32(hashString(value));
  if (value === null) return NULL_HASH;
  return value ? TRUE_HASH : FALSE_HASH;
}
