import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { multiplyHigh, multiplyHighSignedUnsigned, multiplyHighUnsigned } from './alu.ts';

/** The high word of a 64-bit product, by BigInt: the reference the fast versions must match. */
function highReference(left: bigint, right: bigint): number {
  return Number(BigInt.asIntN(32, (left * right) >> 32n));
}

const signed = (value: number): bigint => BigInt(value | 0);
const unsigned = (value: number): bigint => BigInt(value >>> 0);
/** Operands biased to the edges (0, ±1, the extremes, powers of two and their neighbours) and uniform ones. */
const operand = fc.oneof(
  fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }),
  fc.constantFrom(0, 1, -1, 2, -2, 0x7fff_ffff, -0x8000_0000, 0x8000_0001 | 0, 0xffff, 0x10000, 0xffff_fffe | 0),
  fc.integer({ min: 0, max: 31 }).chain((shift) => fc.constantFrom((1 << shift) | 0, ((1 << shift) - 1) | 0, ((1 << shift) + 1) | 0)),
);

test('mulh, mulhu and mulhsu equal the high word of the exact (BigInt) 64-bit product', () => {
  fc.assert(
    fc.property(operand, operand, (left, right) => {
      assert.equal(multiplyHighUnsigned(left, right), highReference(unsigned(left), unsigned(right)), `mulhu ${left} ${right}`);
      assert.equal(multiplyHigh(left, right), highReference(signed(left), signed(right)), `mulh ${left} ${right}`);
      assert.equal(multiplyHighSignedUnsigned(left, right), highReference(signed(left), unsigned(right)), `mulhsu ${left} ${right}`);
    }),
    { numRuns: 20_000 },
  );
});

test('the largest products, where the double is furthest from exact, give exact high words', () => {
  const extremes = [0xffff_ffff | 0, 0xffff_fffe | 0, -0x8000_0000, 0x7fff_ffff, 0x8000_0001 | 0, 0xfffe_ffff | 0];
  for (const left of extremes) {
    for (const right of extremes) {
      assert.equal(multiplyHighUnsigned(left, right), highReference(unsigned(left), unsigned(right)), `mulhu ${left} ${right}`);
      assert.equal(multiplyHigh(left, right), highReference(signed(left), signed(right)), `mulh ${left} ${right}`);
      assert.equal(multiplyHighSignedUnsigned(left, right), highReference(signed(left), unsigned(right)), `mulhsu ${left} ${right}`);
    }
  }
});
