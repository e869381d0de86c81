import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as asm from './asm.ts';
import { Program, R } from './asm.ts';
import { Machine } from './machine.ts';
import { CLINT_BASE, CLINT_MTIMECMP, RAM_BASE } from './memory-map.ts';
import { ScriptedPlatform, machineWith } from './testing.ts';

const DATA = RAM_BASE + 0x8000;
const HANDLER = RAM_BASE + 0x400;

/**
 * A guest whose state depends on exactly where timer interrupts land: the main loop folds a
 * counter into a running value and stores it; the handler adds its mepc to the counter and
 * rearms the timer by writing mtimecmp.
 */
function timerGuest(): Program {
  const program = new Program();
  program.emit(asm.li(R.t0, HANDLER), asm.csrrw(R.zero, 0x305, R.t0), asm.li(R.t0, 1 << 7), asm.csrrw(R.zero, 0x304, R.t0), asm.csrrsi(R.zero, 0x300, 8));
  program.emit(asm.li(R.s0, DATA), asm.li(R.a0, 1), asm.li(R.s5, 0));
  program.label('loop').emit(
    asm.slli(R.t1, R.a0, 5), asm.sub(R.a0, R.t1, R.a0), asm.add(R.a0, R.a0, R.s5),
    asm.andi(R.t2, R.a0, 0x7fc), asm.add(R.t2, R.t2, R.s0), asm.sw(R.a0, R.t2, 0),
  ).to('loop', (offset) => asm.jal(R.zero, offset));
  return program;
}

function timerHandler(): Program {
  return new Program(HANDLER).emit(
    asm.addi(R.s5, R.s5, 1), asm.csrrs(R.t3, 0x341, R.zero), asm.add(R.s5, R.s5, R.t3),
    asm.li(R.t4, CLINT_BASE + CLINT_MTIMECMP), asm.sw(R.zero, R.t4, 0), asm.mret(),
  );
}

function newGuest(): Machine {
  const { machine } = machineWith(timerGuest());
  machine.writeMemory(HANDLER, timerHandler().assemble());
  return machine;
}

/** Runs until exactly `retired` instructions, through any output stops, in chunks of `chunk`. */
function advanceTo(machine: Machine, retired: number, chunk = Number.MAX_SAFE_INTEGER): void {
  while (machine.retired < retired) {
    const result = machine.run(Math.min(chunk, retired - machine.retired));
    assert.ok(result.reason === 'budget' || result.reason === 'output', `unexpected stop: ${JSON.stringify(result)}`);
  }
  assert.equal(machine.retired, retired);
}

/** Delivers a timer interrupt at each instruction count of `schedule`, then runs to `end`. */
function runSchedule(machine: Machine, schedule: readonly number[], end: number, chunk?: number): string {
  for (const at of schedule) {
    advanceTo(machine, at, chunk);
    machine.raiseTimerInterrupt(0);
  }
  advanceTo(machine, end, chunk);
  return machine.digest();
}

const SCHEDULE = [100, 257, 901, 1500];

describe('exact, deterministic execution', () => {
  it('two runs with the same interrupt schedule end with identical digests', () => {
    const machine = newGuest();
    assert.equal(runSchedule(machine, SCHEDULE, 3000), runSchedule(newGuest(), SCHEDULE, 3000));
    assert.equal(machine.csr(0, 0x342)! >>> 0, 0x8000_0007, 'the interrupts were taken (last trap: timer)');
  });
  it('how the host splits its runs does not matter (chunks of 1, 7 and all at once)', () => {
    const whole = runSchedule(newGuest(), SCHEDULE, 3000);
    assert.equal(runSchedule(newGuest(), SCHEDULE, 3000, 1), whole);
    assert.equal(runSchedule(newGuest(), SCHEDULE, 3000, 7), whole);
  });
  it('moving one interrupt by one instruction changes the digest', () => {
    const base = runSchedule(newGuest(), SCHEDULE, 3000);
    const moved = runSchedule(newGuest(), [100, 258, 901, 1500], 3000);
    assert.notEqual(moved, base);
  });
  it('the same program on the reference engine agrees, digest for digest', async () => {
    const { createReferenceEngine } = await import('./reference-engine.ts');
    const { machine } = machineWith(timerGuest(), { engine: createReferenceEngine });
    machine.writeMemory(HANDLER, timerHandler().assemble());
    assert.equal(runSchedule(machine, SCHEDULE, 3000), runSchedule(newGuest(), SCHEDULE, 3000));
  });
});

describe('snapshot and restore', () => {
  it('restore into a fresh machine then continue = never snapshotting', () => {
    const original = newGuest();
    runSchedule(original, [100, 257], 400);
    const snapshot = structuredClone(original.snapshot());
    const copy = new Machine({ ramBytes: 1 << 20, platform: new ScriptedPlatform() });
    copy.restore(snapshot);
    assert.equal(copy.digest(), original.digest(), 'identical right after restore');
    assert.equal(runSchedule(copy, [901, 1500], 3000), runSchedule(original, [901, 1500], 3000));
  });
  it('a delta (state + pages dirty since the mark) applied onto the base reproduces the machine', () => {
    const primary = newGuest();
    runSchedule(primary, [100], 300);
    const base = primary.snapshot('full');
    primary.markClean();
    runSchedule(primary, [400, 555], 900);
    const delta = primary.snapshot('delta');
    assert.ok(delta.pages.length < base.pages.length + 4, 'the delta holds only the written pages');
    assert.deepEqual(delta.pages.map((page) => page.index), primary.dirtyPages());
    const backup = new Machine({ ramBytes: 1 << 20, platform: new ScriptedPlatform() });
    backup.restore(base);
    backup.restore(delta);
    assert.equal(backup.digest(), primary.digest());
  });
  it('a restored machine that halted or faulted stays stopped', () => {
    const { machine } = machineWith(new Program().emit(0));
    assert.equal(machine.run(5).reason, 'fault');
    const copy = new Machine({ ramBytes: 1 << 20, platform: new ScriptedPlatform() });
    copy.restore(machine.snapshot());
    assert.equal(copy.run(5).reason, 'fault');
  });
});

describe('dirty pages', () => {
  it('are exactly the pages written by stores, AMOs and DMA, and not pages only read', () => {
    const page = (index: number): number => RAM_BASE + index * 4096;
    const program = new Program().emit(
      asm.li(R.t0, page(3) + 4095), asm.sb(R.a0, R.t0, 0),
      asm.li(R.t0, page(7) + 2), asm.sh(R.a0, R.t0, 0),
      asm.li(R.t0, page(9)), asm.amoaddW(R.a1, R.a0, R.t0),
      asm.li(R.t0, page(5)), asm.lw(R.a1, R.t0, 0),
      asm.li(R.t0, page(11) + 8), asm.sw(R.zero, R.t0, 0),
    );
    const { machine } = machineWith(program);
    machine.markClean();
    assert.deepEqual(machine.dirtyPages(), []);
    assert.equal(machine.run(15).reason, 'budget');
    machine.core.nic.registers.ringBase = page(20) - 8;
    machine.core.nic.registers.ringSlots = 1;
    assert.equal(machine.deliverFrame(1, new Uint8Array(100)), 'delivered');
    assert.deepEqual(machine.dirtyPages(), [3, 7, 9, 11, 19, 20]);
    const before = machine.pageDigest(11);
    machine.markClean();
    assert.deepEqual(machine.dirtyPages(), []);
    assert.equal(machine.pageDigest(11), before, 'marking clean does not change contents');
  });
  it('a page digest changes when its page is written and only then', () => {
    const { machine } = machineWith(new Program().emit(asm.li(R.t0, RAM_BASE + 0x5000), asm.addi(R.a0, R.zero, 1), asm.sw(R.a0, R.t0, 0)));
    const page5 = machine.pageDigest(5);
    const page6 = machine.pageDigest(6);
    machine.run(4);
    assert.notEqual(machine.pageDigest(5), page5);
    assert.equal(machine.pageDigest(6), page6);
  });
});
