import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as asm from './asm.ts';
import { Program, R } from './asm.ts';
import { RAM_BASE } from './memory-map.ts';
import { createReferenceEngine } from './reference-engine.ts';
import { machineWith } from './testing.ts';
import type { Machine } from './machine.ts';

const INT_MIN = -0x8000_0000;
const DATA = RAM_BASE + 0x8000;

/** Runs `words` (one instruction each, after setting registers) and returns the machine. */
function run(words: number[], registers: Record<number, number> = {}, engine?: 'reference'): Machine {
  const options = engine === 'reference' ? { engine: createReferenceEngine } : {};
  const { machine } = machineWith(new Program().emit(words), options);
  for (const [index, value] of Object.entries(registers)) machine.setRegister(0, Number(index), value);
  const result = machine.run(words.length);
  assert.equal(result.reason, 'budget', `program stopped early: ${JSON.stringify(result)}`);
  return machine;
}

/** The value rd gets from one register-register instruction, on both engines (they must agree). */
function binary(encode: (rd: number, rs1: number, rs2: number) => number, left: number, right: number): number {
  const fast = run([encode(R.a0, R.a1, R.a2)], { [R.a1]: left, [R.a2]: right }).register(0, R.a0);
  const reference = run([encode(R.a0, R.a1, R.a2)], { [R.a1]: left, [R.a2]: right }, 'reference').register(0, R.a0);
  assert.equal(fast, reference, 'interpreter and reference executor disagree');
  return fast;
}

describe('M extension edge cases (spec table 7.1)', () => {
  it('division by zero: div -> -1, divu -> 2^32-1, rem/remu -> dividend', () => {
    assert.equal(binary(asm.div, 7, 0), -1);
    assert.equal(binary(asm.divu, 7, 0), -1);
    assert.equal(binary(asm.rem, -7, 0), -7);
    assert.equal(binary(asm.remu, 7, 0), 7);
  });
  it('overflow INT_MIN / -1: div -> INT_MIN, rem -> 0; unsigned forms divide normally', () => {
    assert.equal(binary(asm.div, INT_MIN, -1), INT_MIN);
    assert.equal(binary(asm.rem, INT_MIN, -1), 0);
    assert.equal(binary(asm.divu, INT_MIN, -1), 0);
    assert.equal(binary(asm.remu, INT_MIN, -1), INT_MIN);
  });
  it('signed division truncates toward zero and the remainder takes the dividend sign', () => {
    assert.equal(binary(asm.div, -7, 2), -3);
    assert.equal(binary(asm.rem, -7, 2), -1);
    assert.equal(binary(asm.rem, 7, -2), 1);
    assert.equal(binary(asm.divu, -1, 2), 0x7fff_ffff);
  });
  it('mulh/mulhsu/mulhu take the high word with the right signedness', () => {
    assert.equal(binary(asm.mul, 0x7fff_ffff, 2), -2);
    assert.equal(binary(asm.mulh, -1, -1), 0);
    assert.equal(binary(asm.mulhu, -1, -1), -2); // (2^32-1)^2 = 0xFFFFFFFE_00000001
    assert.equal(binary(asm.mulhsu, -1, -1), -1); // -1 * (2^32-1) = -(2^32-1)
    assert.equal(binary(asm.mulh, INT_MIN, INT_MIN), 0x4000_0000);
    assert.equal(binary(asm.mulhsu, INT_MIN, -1), INT_MIN + 0); // -2^31 * (2^32-1): high = -2^31
    assert.equal(binary(asm.mulh, 0x1234_5678, -0x0edc_ba98), Number(BigInt.asIntN(32, (0x1234_5678n * -0x0edc_ba98n) >> 32n)));
  });
});

describe('RV32I semantics', () => {
  it('shift amounts use the low 5 bits of rs2', () => {
    assert.equal(binary(asm.sll, 1, 33), 2);
    assert.equal(binary(asm.srl, -1, 36), 0x0fff_ffff);
    assert.equal(binary(asm.sra, INT_MIN, 63), -1);
  });
  it('slt/sltu compare signed and unsigned', () => {
    assert.equal(binary(asm.slt, -1, 1), 1);
    assert.equal(binary(asm.sltu, -1, 1), 0);
  });
  it('writes to x0 are ignored', () => {
    const machine = run([asm.addi(R.zero, R.zero, 5), asm.lui(R.zero, 1), asm.add(R.a0, R.zero, R.zero)]);
    assert.equal(machine.register(0, 0), 0);
    assert.equal(machine.register(0, R.a0), 0);
  });
  it('lb/lh sign-extend and lbu/lhu zero-extend', () => {
    const words = [...asm.li(R.s0, DATA), ...asm.li(R.t0, 0x8081_f0ff | 0), asm.sw(R.t0, R.s0, 0),
      asm.lb(R.a0, R.s0, 0), asm.lbu(R.a1, R.s0, 0), asm.lh(R.a2, R.s0, 2), asm.lhu(R.a3, R.s0, 2)];
    for (const engine of [undefined, 'reference'] as const) {
      const machine = run(words, {}, engine);
      assert.deepEqual([R.a0, R.a1, R.a2, R.a3].map((index) => machine.register(0, index)), [-1, 0xff, 0x8081 - 0x10000, 0x8081]);
    }
  });
  it('jal/jalr link pc+4 and jalr clears bit 0 of the target', () => {
    const words = [asm.auipc(R.t0, 0), asm.jalr(R.ra, R.t0, 13), asm.addi(R.a0, R.zero, 1), asm.addi(R.a1, R.zero, 2), asm.jal(R.a2, 8), asm.addi(R.a3, R.zero, 3), asm.addi(R.a4, R.zero, 4)];
    for (const engine of [undefined, 'reference'] as const) {
      const { machine } = machineWith(new Program().emit(words), engine === undefined ? {} : { engine: createReferenceEngine });
      assert.equal(machine.run(4).reason, 'budget');
      assert.equal(machine.register(0, R.ra) >>> 0, RAM_BASE + 8);
      assert.equal(machine.register(0, R.a0), 0, 'jalr skipped the instruction at +8 (target +13 & ~1 = +12)');
      assert.equal(machine.register(0, R.a1), 2);
      assert.equal(machine.register(0, R.a2) >>> 0, RAM_BASE + 20, 'jal links pc + 4');
      assert.equal(machine.pc(0), RAM_BASE + 24, 'jal +8 from +16 lands on +24');
    }
  });
});

describe('interpreter agrees with the reference executor on random programs', () => {
  it('200 seeded random ALU/memory/branch programs end in identical digests', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const words = randomProgram(seed);
      const fast = machineWith(new Program().emit(words));
      const reference = machineWith(new Program().emit(words), { engine: createReferenceEngine });
      for (const { machine } of [fast, reference]) machine.core.harts[0]!.mtvec = RAM_BASE + 4 * (words.length - 1);
      const fastResult = fast.machine.run(2000);
      const referenceResult = reference.machine.run(2000);
      assert.deepEqual(fastResult, referenceResult, `seed ${seed}`);
      assert.equal(fast.machine.digest(), reference.machine.digest(), `seed ${seed}: digests differ`);
    }
  });
});

/** A random straight-line-ish program over a small data area; ends with a trap-handler loop. */
function randomProgram(seed: number): number[] {
  let state = seed * 0x9e37_79b9;
  const next = (bound: number): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % bound;
  };
  const register = (): number => 5 + next(10);
  const words: number[] = [...asm.li(R.s0, DATA)];
  const ops = [asm.add, asm.sub, asm.sll, asm.slt, asm.sltu, asm.xor, asm.srl, asm.sra, asm.or, asm.and,
    asm.mul, asm.mulh, asm.mulhsu, asm.mulhu, asm.div, asm.divu, asm.rem, asm.remu];
  const loads = [asm.lb, asm.lh, asm.lw, asm.lbu, asm.lhu];
  const stores = [asm.sb, asm.sh, asm.sw];
  const branches = [asm.beq, asm.bne, asm.blt, asm.bge, asm.bltu, asm.bgeu];
  for (let index = 0; index < 60; index++) {
    const choice = next(10);
    if (choice < 4) words.push(ops[next(ops.length)]!(register(), register(), register()));
    else if (choice < 6) words.push(asm.addi(register(), register(), next(4096) - 2048), asm.srai(register(), register(), next(32)));
    else if (choice < 7) words.push(loads[next(loads.length)]!(register(), R.s0, next(64)));
    else if (choice < 8) words.push(stores[next(stores.length)]!(register(), R.s0, next(64)));
    else if (choice < 9) words.push(branches[next(branches.length)]!(register(), register(), 4 * (1 + next(4))));
    else words.push(asm.lui(register(), next(1 << 20)));
  }
  // Trap handler: skip the faulting instruction and go on (misaligned accesses land here).
  words.push(asm.csrrs(R.t6, 0x341, R.zero), asm.addi(R.t6, R.t6, 4), asm.csrrw(R.zero, 0x341, R.t6), asm.mret());
  words.push(asm.jal(R.zero, 0));
  return words;
}
