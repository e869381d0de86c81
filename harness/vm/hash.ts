/**
 * A fast 64-bit hash over 32-bit words, kept as two independent 32-bit lanes so that it needs
 * neither BigInt nor floating point. It detects divergence and identifies page contents; it is
 * not cryptographic. Lane one is MurmurHash3's word step, lane two a multiply-xorshift with other
 * constants, so a collision must defeat both mixes at once.
 */

/** A running 64-bit hash state: two 32-bit lanes. */
export class Hash64 {
  private high = 0x243f6a88 | 0;
  private low = 0x85a308d3 | 0;

  /** Mixes one 32-bit word in. */
  word(value: number): this {
    let key = Math.imul(value, 0xcc9e2d51);
    key = (key << 15) | (key >>> 17);
    key = Math.imul(key, 0x1b873593);
    let high = this.high ^ key;
    high = (high << 13) | (high >>> 19);
    this.high = (Math.imul(high, 5) + 0xe6546b64) | 0;
    let low = Math.imul(this.low ^ value, 0x2127599b);
    this.low = low ^ (low >>> 15);
    return this;
  }

  /** Mixes a JS number that may exceed 32 bits (counters up to 2^53) in as two words. */
  number(value: number): this {
    return this.word(value >>> 0).word(Math.floor(value / 0x1_0000_0000) | 0);
  }

  /** Mixes a string (names, tags) in, one UTF-16 unit per word, with its length. */
  text(value: string): this {
    this.word(value.length);
    for (let index = 0; index < value.length; index++) this.word(value.charCodeAt(index));
    return this;
  }

  /** Mixes another 64-bit digest (16 hex digits) in. */
  digest(value: string): this {
    return this.word(Number.parseInt(value.slice(0, 8), 16)).word(Number.parseInt(value.slice(8), 16));
  }

  /** The final avalanche: 16 lowercase hex digits. */
  finish(): string {
    let high = this.high ^ Math.imul(this.low, 0x85ebca6b);
    let low = this.low ^ Math.imul(high, 0xc2b2ae35);
    high ^= high >>> 16;
    high = Math.imul(high, 0x85ebca6b);
    high ^= high >>> 13;
    low ^= low >>> 16;
    low = Math.imul(low, 0xc2b2ae35);
    low ^= low >>> 13;
    return hex32(high) + hex32(low);
  }
}

/**
 * Hashes `count` words of `words` from index `start` into out[at] (high lane) and out[at + 1]
 * (low lane). Inlined lanes rather than Hash64.word, because this runs over every written page at
 * checkpoints (1024 words per page).
 */
export function hashWordsInto(words: Int32Array, start: number, count: number, out: Int32Array, at: number): void {
  let high = 0x243f6a88 | 0;
  let low = 0x85a308d3 | 0;
  const end = start + count;
  for (let index = start; index < end; index++) {
    const value = words[index]!;
    let key = Math.imul(value, 0xcc9e2d51);
    key = (key << 15) | (key >>> 17);
    key = Math.imul(key, 0x1b873593);
    high ^= key;
    high = (high << 13) | (high >>> 19);
    high = (Math.imul(high, 5) + 0xe6546b64) | 0;
    low = Math.imul(low ^ value, 0x2127599b);
    low ^= low >>> 15;
  }
  out[at] = high;
  out[at + 1] = low;
}

function hex32(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}
