/**
 * The memoisation cache reuses the arrays of caches that were released (cache.ts): a new cache
 * must find exactly the configurations stored in it, never one an earlier cache left behind.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LinearizationCache } from './cache.ts';

const WORDS = 3;

function bitset(seed: number): Uint32Array {
  return Uint32Array.from({ length: WORDS }, (_, word) => Math.imul(seed + 1, 0x9e3779b9 + word) >>> 0);
}

function fill(cache: LinearizationCache<number>, from: number, count: number): void {
  for (let entry = from; entry < from + count; entry++) assert.equal(cache.insertIfAbsent(entry & 0x3ff, bitset(entry), entry), true, `entry ${entry} is new`);
}

test('a cache built from released arrays holds only what was stored in it, across growth and chunks', () => {
  const allowance = { remainingBytes: 1 << 30 };
  const first = new LinearizationCache<number>(WORDS, (a, b) => a === b, allowance);
  // Past the first table size (256) and several chunks, with colliding keys (& 0x3ff).
  fill(first, 0, 3000);
  for (let entry = 0; entry < 3000; entry += 7) assert.equal(first.insertIfAbsent(entry & 0x3ff, bitset(entry), entry), false, `entry ${entry} is found again`);
  first.release();
  const second = new LinearizationCache<number>(WORDS, (a, b) => a === b, allowance);
  fill(second, 5000, 2000);
  // What the first cache stored is not in the second, though its arrays may be the same memory.
  for (let entry = 0; entry < 3000; entry += 3) assert.equal(second.insertIfAbsent(entry & 0x3ff, bitset(entry), entry), true, `entry ${entry} of the first cache is new to the second`);
  for (let entry = 5000; entry < 7000; entry += 5) assert.equal(second.insertIfAbsent(entry & 0x3ff, bitset(entry), entry), false, `entry ${entry} is found`);
  assert.throws(() => first.insertIfAbsent(1, bitset(1), 1), /after release/);
});

test('a configuration differing only in its state is a new entry', () => {
  const cache = new LinearizationCache<number>(WORDS, (a, b) => a === b, { remainingBytes: 1 << 20 });
  assert.equal(cache.insertIfAbsent(5, bitset(1), 10), true);
  assert.equal(cache.insertIfAbsent(5, bitset(1), 11), true);
  assert.equal(cache.insertIfAbsent(5, bitset(1), 10), false);
  assert.equal(cache.entryCount, 2);
});
