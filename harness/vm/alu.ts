/**
 * The M extension's operations on signed 32-bit values, without BigInt: the high product words
 * are assembled from 16-bit partial products. Division follows the spec's table for division by
 * zero and for INT_MIN / -1 (no trap on RISC-V).
 */

/** High 32 bits of the unsigned 64-bit product. */
export function multiplyHighUnsigned(left: number, right: number): number {
  const leftLow = left & 0xffff;
  const leftHigh = left >>> 16;
  const rightLow = right & 0xffff;
  const rightHigh = right >>> 16;
  const lowLow = leftLow * rightLow;
  const lowHigh = leftLow * rightHigh;
  const highLow = leftHigh * rightLow;
  const carry = ((lowLow >>> 16) + (lowHigh & 0xffff) + (highLow & 0xffff)) >>> 16;
  return (leftHigh * rightHigh + (lowHigh >>> 16) + (highLow >>> 16) + carry) | 0;
}

/** High 32 bits of the signed 64-bit product (mulh). */
export function multiplyHigh(left: number, right: number): number {
  return (multiplyHighUnsigned(left, right) - (left < 0 ? right : 0) - (right < 0 ? left : 0)) | 0;
}

/** High 32 bits of signed `left` times unsigned `right` (mulhsu). */
export function multiplyHighSignedUnsigned(left: number, right: number): number {
  return (multiplyHighUnsigned(left, right) - (left < 0 ? right : 0)) | 0;
}

export function divide(left: number, right: number): number {
  if (right === 0) return -1;
  if (left === -0x8000_0000 && right === -1) return left;
  return (left / right) | 0;
}

export function divideUnsigned(left: number, right: number): number {
  if (right === 0) return -1;
  return ((left >>> 0) / (right >>> 0)) | 0;
}

export function remainder(left: number, right: number): number {
  if (right === 0) return left;
  if (left === -0x8000_0000 && right === -1) return 0;
  return left % right | 0;
}

export function remainderUnsigned(left: number, right: number): number {
  if (right === 0) return left;
  return (left >>> 0) % (right >>> 0) | 0;
}

/** OP and OP-IMM's ALU for funct3 with the alternate bit (sub/sra); `alternate` is inst bit 30. */
export function integerOperation(funct3: number, alternate: boolean, left: number, right: number): number {
  switch (funct3) {
    case 0: return alternate ? (left - right) | 0 : (left + right) | 0;
    case 1: return left << (right & 31);
    case 2: return left < right ? 1 : 0;
    case 3: return left >>> 0 < right >>> 0 ? 1 : 0;
    case 4: return left ^ right;
    case 5: return alternate ? left >> (right & 31) : (left >>> (right & 31)) | 0;
    case 6: return left | right;
    default: return left & right;
  }
}

/** The M extension by funct3. */
export function multiplyOperation(funct3: number, left: number, right: number): number {
  switch (funct3) {
    case 0: return Math.imul(left, right);
    case 1: return multiplyHigh(left, right);
    case 2: return multiplyHighSignedUnsigned(left, right);
    case 3: return multiplyHighUnsigned(left, right);
    case 4: return divide(left, right);
    case 5: return divideUnsigned(left, right);
    case 6: return remainder(left, right);
    default: return remainderUnsigned(left, right);
  }
}

/** The A extension's read-modify-write by funct5 (inst bits 31:27); undefined if not an AMO. */
export function atomicOperation(funct5: number, memory: number, operand: number): number | undefined {
  switch (funct5) {
    case 0x01: return operand;
    case 0x00: return (memory + operand) | 0;
    case 0x04: return memory ^ operand;
    case 0x0c: return memory & operand;
    case 0x08: return memory | operand;
    case 0x10: return memory < operand ? memory : operand;
    case 0x14: return memory > operand ? memory : operand;
    case 0x18: return memory >>> 0 < operand >>> 0 ? memory : operand;
    case 0x1c: return memory >>> 0 > operand >>> 0 ? memory : operand;
    default: return undefined;
  }
}
