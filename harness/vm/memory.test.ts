import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Hash64 } from './hash.ts';
import { Memory } from './memory.ts';
import { PAGE_SIZE } from './memory-map.ts';

const RAM = 4 * PAGE_SIZE;

function rangeDigest(memory: Memory, offset: number, length: number): string {
  const hash = new Hash64();
  memory.hashRangeInto(hash, offset, length);
  return hash.finish();
}

const write = fc.record({ offset: fc.integer({ min: 0, max: RAM - 16 }), data: fc.uint8Array({ minLength: 1, maxLength: 16 }) });
const range = fc.integer({ min: 0, max: RAM }).chain((offset) => fc.tuple(fc.constant(offset), fc.integer({ min: 0, max: RAM - offset })));

test('range hashes: a memory whose page hashes were cached before later writes hashes like a fresh copy of the same bytes', () => {
  fc.assert(
    fc.property(fc.array(write, { maxLength: 12 }), fc.array(write, { maxLength: 12 }), range, (early, late, [offset, length]) => {
      const cached = new Memory(RAM);
      for (const { offset: at, data } of early) cached.write(at, data);
      rangeDigest(cached, 0, RAM); // fills the page-hash cache; `late` must make it stale where it writes
      for (const { offset: at, data } of late) cached.write(at, data);
      const fresh = new Memory(RAM);
      fresh.write(0, cached.read(0, RAM));
      assert.equal(rangeDigest(cached, offset, length), rangeDigest(fresh, offset, length));
    }),
    { numRuns: 200 },
  );
});

test('range hashes: changing any one byte inside the range changes the digest, one outside it does not', () => {
  fc.assert(
    fc.property(range.filter(([, length]) => length > 0), fc.nat(), fc.integer({ min: 1, max: 255 }), ([offset, length], pick, delta) => {
      const memory = new Memory(RAM);
      memory.write(0, Uint8Array.from({ length: RAM }, (_, index) => (index * 7) & 255));
      const before = rangeDigest(memory, offset, length);
      const inside = offset + (pick % length);
      memory.write(inside, Uint8Array.of((memory.read(inside, 1)[0]! + delta) & 255));
      assert.notEqual(rangeDigest(memory, offset, length), before, `byte ${inside} of [${offset}, ${offset + length})`);
      const after = rangeDigest(memory, offset, length);
      const outside = offset + length < RAM ? offset + length : offset - 1;
      if (outside >= 0) memory.write(outside, Uint8Array.of(~memory.read(outside, 1)[0]! & 255));
      assert.equal(rangeDigest(memory, offset, length), after);
    }),
    { numRuns: 300 },
  );
});

test('range hashes: the length counts, so a range and its zero-extended longer version differ', () => {
  const memory = new Memory(RAM);
  assert.notEqual(rangeDigest(memory, 0, 8), rangeDigest(memory, 0, 12));
  assert.throws(() => rangeDigest(memory, RAM - 4, 8), /outside RAM/);
});
