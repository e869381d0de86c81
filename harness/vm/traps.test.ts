import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as asm from './asm.ts';
import { Program, R } from './asm.ts';
import { CLINT_BASE, CLINT_MSIP, RAM_BASE } from './memory-map.ts';
import { machineWith } from './testing.ts';

const MSTATUS = 0x300;
const MIE = 0x304;
const MTVEC = 0x305;
const MEPC = 0x341;
const MCAUSE = 0x342;
const MTVAL = 0x343;
const MINSTRET = 0xb02;
const TIMER = 0x8000_0007;

/**
 * main: mtvec = handler (optionally vectored), mie = `enable`, mstatus.MIE = `globalEnable`, then
 * `body`. The handler records mepc/mcause/mtval/minstret in s1..s4, then spins.
 */
function build(body: (program: Program) => void, options: { enable?: number; globalEnable?: boolean; vectored?: boolean } = {}): Program {
  const program = new Program();
  program.emit(asm.li(R.t0, RAM_BASE + 0x1000 + (options.vectored ? 1 : 0)), asm.csrrw(R.zero, MTVEC, R.t0));
  program.emit(asm.li(R.t0, options.enable ?? 0), asm.csrrw(R.zero, MIE, R.t0));
  if (options.globalEnable ?? true) program.emit(asm.csrrsi(R.zero, MSTATUS, 8));
  program.label('body');
  body(program);
  // Handler at RAM_BASE + 0x1000 (and, vectored, its interrupt entries at +4*cause).
  const handler = new Program(RAM_BASE + 0x1000);
  for (let index = 0; index < 16; index++) handler.emit(asm.jal(R.zero, 4 * (16 - index)));
  handler.emit(asm.csrrs(R.s1, MEPC, R.zero), asm.csrrs(R.s2, MCAUSE, R.zero), asm.csrrs(R.s3, MTVAL, R.zero), asm.csrrs(R.s4, MINSTRET, R.zero));
  handler.label('spin').to('spin', (offset) => asm.jal(R.zero, offset));
  handlerImages.set(program, handler);
  return program;
}
const handlerImages = new WeakMap<Program, Program>();

function start(program: Program) {
  const built = machineWith(program);
  built.machine.writeMemory(RAM_BASE + 0x1000, handlerImages.get(program)!.assemble());
  return built;
}

/** An endless counting loop: a0 += 1. */
function countingLoop(program: Program): void {
  program.label('loop').emit(asm.addi(R.a0, R.a0, 1)).to('loop', (offset) => asm.jal(R.zero, offset));
}

const SETUP_INSTRUCTIONS = 2 + 1 + 2 + 1 + 1; // li+csrw mtvec, li+csrw mie, csrsi

describe('timer interrupt delivery is exact', () => {
  it('raised after instruction N, it is taken before instruction N+1 and mepc points at N+1', () => {
    for (const n of [SETUP_INSTRUCTIONS, SETUP_INSTRUCTIONS + 1, SETUP_INSTRUCTIONS + 10, SETUP_INSTRUCTIONS + 11]) {
      const { machine } = start(build(countingLoop, { enable: 1 << 7 }));
      assert.equal(machine.runUntil(n).reason, 'budget');
      machine.raiseTimerInterrupt(0);
      machine.run(20 + 4);
      const loopInstructionsRun = n - SETUP_INSTRUCTIONS;
      assert.equal(machine.register(0, R.a0), Math.ceil(loopInstructionsRun / 2), `n=${n}: a0 counts loop iterations up to N`);
      assert.equal(machine.register(0, R.s2) >>> 0, TIMER);
      assert.equal(machine.register(0, R.s4), n + 4, 'minstret in the handler = N + the 4 handler instructions before it');
      const loopStart = RAM_BASE + 4 * SETUP_INSTRUCTIONS;
      assert.equal(machine.register(0, R.s1) >>> 0, loopStart + 4 * (loopInstructionsRun % 2), 'mepc = the instruction not yet run');
    }
  });

  it('is held while mstatus.MIE is clear and taken right after the csrsi that sets it', () => {
    const { machine } = start(
      build((program) => program.emit(asm.addi(R.a0, R.zero, 1), asm.addi(R.a0, R.a0, 1), asm.csrrsi(R.zero, MSTATUS, 8), asm.addi(R.a0, R.a0, 100)), {
        enable: 1 << 7,
        globalEnable: false,
      }),
    );
    machine.raiseTimerInterrupt(0);
    machine.run(SETUP_INSTRUCTIONS - 1 + 3 + 5);
    assert.equal(machine.register(0, R.a0), 2, 'the instruction after csrsi never ran');
    assert.equal(machine.register(0, R.s1) >>> 0, RAM_BASE + 4 * (SETUP_INSTRUCTIONS - 1 + 3));
    assert.equal(machine.register(0, R.s2) >>> 0, TIMER);
  });

  it('takes nothing when mie does not enable the pending interrupt', () => {
    const { machine } = start(build(countingLoop, { enable: 1 << 3 }));
    machine.raiseTimerInterrupt(0);
    machine.run(100);
    assert.equal(machine.register(0, R.s2), 0);
  });
});

describe('wfi', () => {
  it('stops the hart (idle) until an enabled interrupt is pending, then continues after wfi when MIE is clear', () => {
    const { machine } = start(build((program) => program.emit(asm.wfi(), asm.addi(R.a0, R.zero, 7), asm.jal(R.zero, 0)), { enable: 1 << 7, globalEnable: false }));
    const idle = machine.run(1000);
    assert.equal(idle.reason, 'idle');
    assert.equal(idle.retired, SETUP_INSTRUCTIONS - 1 + 1, 'wfi itself retires');
    assert.equal(machine.run(1000).reason, 'idle', 'still idle: nothing pending');
    machine.raiseTimerInterrupt(0);
    assert.equal(machine.run(1).retired, 1);
    assert.equal(machine.register(0, R.a0), 7);
    assert.equal(machine.register(0, R.s2), 0, 'no trap: MIE was clear');
  });

  it('wakes into the handler with mepc after wfi when MIE is set', () => {
    const { machine } = start(build((program) => program.emit(asm.wfi(), asm.addi(R.a0, R.zero, 7)), { enable: 1 << 7 }));
    assert.equal(machine.run(1000).reason, 'idle');
    machine.raiseTimerInterrupt(0);
    machine.run(30);
    assert.equal(machine.register(0, R.s2) >>> 0, TIMER);
    assert.equal(machine.register(0, R.s1) >>> 0, RAM_BASE + 4 * SETUP_INSTRUCTIONS + 4);
  });
});

describe('trap entry and mret', () => {
  it('trap entry moves MIE to MPIE and clears MIE; mret restores MIE from MPIE and sets MPIE', () => {
    const program = new Program();
    program.emit(asm.li(R.t0, RAM_BASE + 0x100), asm.csrrw(R.zero, MTVEC, R.t0), asm.csrrsi(R.zero, MSTATUS, 8), asm.ecall());
    program.emit(asm.csrrs(R.a1, MSTATUS, R.zero), asm.jal(R.zero, 0));
    const handler = new Program(RAM_BASE + 0x100).emit(asm.csrrs(R.a0, MSTATUS, R.zero), asm.csrrs(R.t1, MEPC, R.zero), asm.addi(R.t1, R.t1, 4), asm.csrrw(R.zero, MEPC, R.t1), asm.mret());
    const { machine } = machineWith(program);
    machine.writeMemory(RAM_BASE + 0x100, handler.assemble());
    machine.run(4 + 5 + 1);
    assert.equal(machine.register(0, R.a0), (1 << 7) | (3 << 11), 'in the handler: MPIE=1, MIE=0, MPP=M');
    assert.equal(machine.register(0, R.a1), (1 << 3) | (1 << 7) | (3 << 11), 'after mret: MIE=1, MPIE=1');
    assert.equal(machine.csr(0, MCAUSE), 11, 'ecall from M-mode');
  });

  it('vectored mtvec sends interrupts to base + 4*cause and exceptions to base', () => {
    const timer = start(build((program) => program.emit(asm.jal(R.zero, 0)), { enable: 1 << 7, vectored: true }));
    timer.machine.run(SETUP_INSTRUCTIONS);
    timer.machine.raiseTimerInterrupt(0);
    timer.machine.run(1);
    assert.equal(timer.machine.pc(0), RAM_BASE + 0x1000 + 4 * 7 + 4 * (16 - 7), 'entry base+28 ran its one jump');
    const exception = start(build((program) => program.emit(asm.ecall()), { vectored: true }));
    exception.machine.run(SETUP_INSTRUCTIONS + 1);
    assert.equal(exception.machine.pc(0), RAM_BASE + 0x1000 + 4 * 16, 'ecall went to base (entry 0 jumps +64)');
    assert.equal(exception.machine.csr(0, MCAUSE), 11);
  });

  it('priority MEI > MSI > MTI when all three are pending at once', () => {
    const { machine } = start(build((program) => program.emit(asm.li(R.t1, CLINT_BASE + CLINT_MSIP), asm.addi(R.t2, R.zero, 1), asm.sw(R.t2, R.t1, 0), asm.csrrsi(R.zero, MSTATUS, 8), asm.jal(R.zero, 0)), { enable: (1 << 3) | (1 << 7) | (1 << 11), globalEnable: false }));
    machine.raiseTimerInterrupt(0);
    // The NIC's line, raised white-box: a frame arrived and the guest enabled its interrupt.
    machine.core.nic.registers.irqEnable = 1;
    machine.core.nic.registers.irqStatus = 1;
    machine.core.eic.enable[0] = 1 << 1;
    machine.run(SETUP_INSTRUCTIONS - 1 + 5);
    assert.equal(machine.csr(0, MCAUSE)! >>> 0, 0x8000_000b, 'MEI first');
    assert.equal(machine.csr(0, 0x344), (1 << 3) | (1 << 7) | (1 << 11), 'mip shows all three');
    machine.core.nic.registers.irqStatus = 0;
    machine.core.harts[0]!.mstatus = 1 << 3;
    machine.run(1);
    assert.equal(machine.csr(0, MCAUSE)! >>> 0, 0x8000_0003, 'then MSI, ahead of MTI');
  });
});

describe('exceptions', () => {
  const cases: { name: string; words: number[]; cause: number; value: (base: number) => number }[] = [
    { name: 'ecall', words: [asm.ecall()], cause: 11, value: () => 0 },
    { name: 'ebreak', words: [asm.ebreak()], cause: 3, value: (pc) => pc },
    { name: 'illegal (all zero)', words: [0], cause: 2, value: () => 0 },
    { name: 'unknown CSR 0x7c0', words: [asm.csrrs(R.a0, 0x7c0, R.zero)], cause: 2, value: () => asm.csrrs(R.a0, 0x7c0, R.zero) | 0 },
    { name: 'write to read-only mhartid', words: [asm.csrrw(R.a0, 0xf14, R.a1)], cause: 2, value: () => asm.csrrw(R.a0, 0xf14, R.a1) | 0 },
    { name: 'write to read-only cycle', words: [asm.csrrsi(R.a0, 0xc00, 1)], cause: 2, value: () => asm.csrrsi(R.a0, 0xc00, 1) | 0 },
    { name: 'misaligned lw', words: [asm.lw(R.a0, R.s0, 2)], cause: 4, value: () => RAM_BASE + 0x8002 },
    { name: 'misaligned sh', words: [asm.sh(R.a0, R.s0, 1)], cause: 6, value: () => RAM_BASE + 0x8001 },
    { name: 'misaligned amoadd', words: [asm.addi(R.t0, R.s0, 4 - 2), asm.amoaddW(R.a0, R.a1, R.t0)], cause: 6, value: () => RAM_BASE + 0x8002 },
    { name: 'load from unmapped address', words: [asm.lw(R.a0, R.zero, 0x100)], cause: 5, value: () => 0x100 },
    { name: 'store to unmapped address', words: [asm.sw(R.a0, R.zero, 0x100)], cause: 7, value: () => 0x100 },
    { name: 'byte load from a device register', words: [asm.lui(R.t0, 0x10001), asm.lb(R.a0, R.t0, 0)], cause: 5, value: () => 0x1000_1000 },
    { name: 'jump to a non-4-aligned target', words: [asm.jal(R.zero, 6)], cause: 0, value: (pc) => pc + 6 },
  ];
  for (const testCase of cases) {
    it(`${testCase.name} traps with mcause ${testCase.cause} and the right mtval, without retiring`, () => {
      const program = new Program();
      program.emit(asm.li(R.t0, RAM_BASE + 0x1000), asm.csrrw(R.zero, MTVEC, R.t0), asm.li(R.s0, RAM_BASE + 0x8000));
      const trappingPc = program.here + 4 * (testCase.words.length - 1);
      program.emit(testCase.words);
      const { machine } = machineWith(program);
      machine.writeMemory(RAM_BASE + 0x1000, new Program(RAM_BASE + 0x1000).emit(asm.jal(R.zero, 0)).assemble());
      const setup = 5 + testCase.words.length - 1;
      assert.equal(machine.run(setup).retired, setup);
      assert.equal(machine.csr(0, MINSTRET), setup);
      assert.equal(machine.run(1).retired, 1, 'the handler instruction retired; the trap did not count');
      assert.equal(machine.csr(0, MCAUSE), testCase.cause);
      assert.equal(machine.csr(0, MTVAL)! >>> 0, testCase.value(trappingPc) >>> 0);
      assert.equal(machine.csr(0, MEPC)! >>> 0, trappingPc);
    });
  }
});

describe('instruction fetch outside RAM', () => {
  it('the jump retires; fetching its target raises instruction access fault with mtval = the target', () => {
    const program = new Program().emit(asm.li(R.t0, RAM_BASE + 0x1000), asm.csrrw(R.zero, MTVEC, R.t0), asm.jalr(R.zero, R.zero, 0x400));
    const { machine } = machineWith(program);
    machine.writeMemory(RAM_BASE + 0x1000, new Program(RAM_BASE + 0x1000).emit(asm.jal(R.zero, 0)).assemble());
    assert.equal(machine.run(4).retired, 4);
    assert.equal(machine.csr(0, MCAUSE), 0, 'no trap yet: the fetch happens before instruction 5');
    assert.equal(machine.run(1).retired, 1, 'the handler instruction');
    assert.equal(machine.csr(0, MCAUSE), 1);
    assert.equal(machine.csr(0, MTVAL), 0x400);
    assert.equal(machine.csr(0, MEPC), 0x400);
  });
});

describe('guest faults with no handler', () => {
  it('an illegal instruction with mtvec = 0 stops with a report and does not throw', () => {
    const { machine } = machineWith(new Program().emit(asm.addi(R.a0, R.zero, 1), 0xffff_ffff));
    const result = machine.run(10);
    assert.equal(result.reason, 'fault');
    if (result.reason !== 'fault') return;
    assert.equal(result.retired, 1);
    assert.deepEqual(
      { hart: result.fault.hart, pc: result.fault.pc, instruction: result.fault.instruction, cause: result.fault.cause, trapValue: result.fault.trapValue, kind: result.fault.kind },
      { hart: 0, pc: RAM_BASE + 4, instruction: 0xffff_ffff, cause: 2, trapValue: 0xffff_ffff, kind: 'no handler' },
    );
    assert.match(result.fault.message, /pc 0x80000004: illegal instruction \(mcause 2\), instruction 0xffffffff, mtval 0xffffffff/);
    assert.equal(machine.run(10).reason, 'fault', 'a faulted machine stays stopped');
  });

  it('a handler address outside RAM is a double fault (fetch fault right after trap entry)', () => {
    const { machine } = machineWith(new Program().emit(asm.li(R.t0, 0x1000), asm.csrrw(R.zero, MTVEC, R.t0), asm.ecall()));
    const result = machine.run(100);
    assert.equal(result.reason, 'fault');
    if (result.reason === 'fault') {
      assert.equal(result.fault.kind, 'double fault');
      assert.equal(result.fault.cause, 1);
      assert.equal(result.fault.pc, 0x1000);
      assert.equal(result.fault.instruction, undefined);
    }
  });
});
