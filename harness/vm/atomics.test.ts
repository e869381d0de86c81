import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as asm from './asm.ts';
import { Program, R } from './asm.ts';
import { RAM_BASE } from './memory-map.ts';
import { machineWith } from './testing.ts';
import type { HartSlice } from './types.ts';

const DATA = RAM_BASE + 0x8000;

function readWord(machine: { readMemory(address: number, length: number): Uint8Array }, address: number): number {
  return new DataView(machine.readMemory(address, 4).buffer).getInt32(0, true);
}

describe('AMOs return the old value and store the operation result', () => {
  const memory = -5;
  const operand = 3;
  const cases: [string, (rd: number, rs2: number, rs1: number) => number, number][] = [
    ['amoswap.w', asm.amoswapW, 3],
    ['amoadd.w', asm.amoaddW, -2],
    ['amoxor.w', asm.amoxorW, -5 ^ 3],
    ['amoand.w', asm.amoandW, -5 & 3],
    ['amoor.w', asm.amoorW, -5 | 3],
    ['amomin.w', asm.amominW, -5],
    ['amomax.w', asm.amomaxW, 3],
    ['amominu.w', asm.amominuW, 3],
    ['amomaxu.w', asm.amomaxuW, -5],
  ];
  for (const [name, encode, stored] of cases) {
    it(`${name}: memory -5, operand 3 -> rd = -5, memory = ${stored}`, () => {
      const program = new Program().emit(asm.li(R.s0, DATA), asm.li(R.a1, operand), encode(R.a0, R.a1, R.s0));
      const { machine } = machineWith(program);
      machine.writeMemory(DATA, new Uint8Array(new Int32Array([memory]).buffer));
      machine.markClean();
      assert.equal(machine.run(5).reason, 'budget');
      assert.equal(machine.register(0, R.a0), memory);
      assert.equal(readWord(machine, DATA), stored);
      assert.deepEqual(machine.dirtyPages(), [8], 'the AMO dirtied its page');
    });
  }
});

describe('LR/SC on one hart', () => {
  it('sc.w after lr.w succeeds (rd = 0) and stores', () => {
    const program = new Program().emit(asm.li(R.s0, DATA), asm.lrW(R.a0, R.s0), asm.addi(R.a1, R.zero, 42), asm.scW(R.a2, R.a1, R.s0));
    const { machine } = machineWith(program);
    machine.run(5);
    assert.equal(machine.register(0, R.a2), 0);
    assert.equal(readWord(machine, DATA), 42);
  });

  it('sc.w with no reservation fails (rd = 1) and does not store', () => {
    const program = new Program().emit(asm.li(R.s0, DATA), asm.addi(R.a1, R.zero, 42), asm.scW(R.a2, R.a1, R.s0));
    const { machine } = machineWith(program);
    machine.run(4);
    assert.equal(machine.register(0, R.a2), 1);
    assert.equal(readWord(machine, DATA), 0);
  });

  it('a trap between lr.w and sc.w clears the reservation, so sc.w fails', () => {
    const program = new Program().emit(asm.li(R.t0, RAM_BASE + 0x1000), asm.csrrw(R.zero, 0x305, R.t0), asm.li(R.s0, DATA));
    program.emit(asm.lrW(R.a0, R.s0), asm.ecall(), asm.addi(R.a1, R.zero, 42), asm.scW(R.a2, R.a1, R.s0));
    const { machine } = machineWith(program);
    // Handler: skip the ecall and return.
    const handler = new Program(RAM_BASE + 0x1000).emit(asm.csrrs(R.t1, 0x341, R.zero), asm.addi(R.t1, R.t1, 4), asm.csrrw(R.zero, 0x341, R.t1), asm.mret());
    machine.writeMemory(RAM_BASE + 0x1000, handler.assemble());
    machine.run(6 + 4 + 2);
    assert.equal(machine.register(0, R.a2), 1);
    assert.equal(readWord(machine, DATA), 0);
  });
});

describe('LR/SC across harts', () => {
  /** Hart 0: lr.w, then sc.w; hart 1: a store to DATA + `storeOffset`. The scheduler interleaves them. */
  function interleave(storeOffset: number, slices: HartSlice[]): number {
    const program = new Program().emit(asm.csrrs(R.t0, 0xf14, R.zero), asm.li(R.s0, DATA)).to('hart1', (offset) => asm.bne(R.t0, R.zero, offset));
    program.emit(asm.lrW(R.a0, R.s0), asm.addi(R.a1, R.zero, 42), asm.scW(R.a2, R.a1, R.s0), asm.jal(R.zero, 0));
    program.label('hart1').emit(asm.addi(R.t1, R.zero, 7), asm.sw(R.t1, R.s0, storeOffset), asm.jal(R.zero, 0));
    const { machine, platform } = machineWith(program, { harts: 2 });
    const queue = [...slices];
    platform.schedule = (runnable) => {
      const slice = queue.shift();
      assert.ok(slice !== undefined, 'the test scheduled every slice it needed');
      assert.ok(runnable.includes(slice.hart));
      return slice;
    };
    const total = slices.reduce((sum, slice) => sum + slice.quantum, 0);
    assert.equal(machine.run(total).retired, total);
    return machine.register(0, R.a2);
  }

  it('a store by another hart to the reserved word between lr.w and sc.w makes sc.w fail', () => {
    assert.equal(interleave(0, [{ hart: 0, quantum: 5 }, { hart: 1, quantum: 6 }, { hart: 0, quantum: 2 }]), 1);
  });
  it('the same store after sc.w, or to another word, leaves sc.w successful', () => {
    assert.equal(interleave(0, [{ hart: 0, quantum: 7 }, { hart: 1, quantum: 6 }]), 0);
    assert.equal(interleave(8, [{ hart: 0, quantum: 5 }, { hart: 1, quantum: 6 }, { hart: 0, quantum: 2 }]), 0);
  });
  it('DMA into the reserved word (a NIC frame) also breaks the reservation', () => {
    const program = new Program().emit(asm.li(R.s0, DATA), asm.lrW(R.a0, R.s0), asm.addi(R.a1, R.zero, 42), asm.scW(R.a2, R.a1, R.s0));
    const { machine } = machineWith(program);
    machine.run(3);
    machine.core.nic.registers.ringBase = DATA;
    machine.core.nic.registers.ringSlots = 1;
    assert.equal(machine.deliverFrame(9, new Uint8Array([1, 2, 3])), 'delivered');
    machine.run(2);
    assert.equal(machine.register(0, R.a2), 1);
  });
});
