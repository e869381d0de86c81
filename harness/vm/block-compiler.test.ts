import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as asm from './asm.ts';
import { Program, R } from './asm.ts';
import { createBareMachine, runBare } from './bare.ts';
import { blockCompilerWith, compileBlock, createBlockCompiler, MAX_BLOCK } from './block-compiler.ts';
import { createInterpreter } from './interpreter.ts';
import { Machine } from './machine.ts';
import { CLINT_BASE, CLINT_MTIMECMP, ENTROPY_BASE, RAM_BASE } from './memory-map.ts';
import { createReferenceEngine } from './reference-engine.ts';
import { ScriptedPlatform, machineWith } from './testing.ts';
import type { EngineFactory, RunResult } from './types.ts';

const DATA = RAM_BASE + 0x8000;
const HANDLER = RAM_BASE + 0x3000;

/** The engines under test: compile at first reach, after a few reaches (cold/hot mix), default. */
const ENGINES: readonly [string, EngineFactory][] = [
  ['block compiler (hot at once)', blockCompilerWith({ hotThreshold: 0 })],
  ['block compiler (hot after 2)', blockCompilerWith({ hotThreshold: 2, shareCode: false })],
  ['block compiler (always cold)', blockCompilerWith({ hotThreshold: Number.POSITIVE_INFINITY, shareCode: false })],
  ['block compiler (default)', createBlockCompiler],
];

/** A seeded xorshift32. */
function random(seed: number): (bound: number) => number {
  let state = (seed * 0x9e37_79b9) | 1;
  return (bound: number): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % bound;
  };
}

/** The skip-the-instruction trap handler (misaligned and out-of-RAM accesses, garbage code land here). */
function skipHandler(): Program {
  return new Program(HANDLER).emit(asm.csrrs(R.t6, 0x341, R.zero), asm.addi(R.t6, R.t6, 4), asm.csrrw(R.zero, 0x341, R.t6), asm.mret());
}

/**
 * A random program with loops: an outer loop over a body of random ALU, M, load/store (some
 * misaligned, some through a random base: out of RAM or a device), forward branches, jal/jalr,
 * calls and returns, AMOs and LR/SC, and stores of a valid instruction word into the body itself (self-modifying
 * code).
 */
function loopingProgram(seed: number): Program {
  const next = random(seed);
  const pool = [5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17, 28, 29, 30];
  const register = (): number => pool[next(pool.length)]!;
  const program = new Program();
  program.emit(asm.li(R.t0, HANDLER), asm.csrrw(R.zero, 0x305, R.t0), asm.li(R.s0, DATA), asm.li(R.s2, 1 + next(40)));
  program.emit(asm.li(R.s4, asm.xori(R.a0, R.a0, 0x55)), asm.li(R.s5, asm.addi(R.a1, R.a1, 3)));
  program.emit(asm.auipc(R.s1, 0)); // s1: the body's address (+ 4, see below)
  const bodyStart = program.assemble().length / 4;
  program.label('body');
  const ops = [asm.add, asm.sub, asm.sll, asm.slt, asm.sltu, asm.xor, asm.srl, asm.sra, asm.or, asm.and,
    asm.mul, asm.mulh, asm.mulhsu, asm.mulhu, asm.div, asm.divu, asm.rem, asm.remu];
  const immediates = [asm.addi, asm.slti, asm.sltiu, asm.xori, asm.ori, asm.andi];
  const shifts = [asm.slli, asm.srli, asm.srai];
  const loads = [asm.lb, asm.lh, asm.lw, asm.lbu, asm.lhu];
  const stores = [asm.sb, asm.sh, asm.sw];
  const branches = [asm.beq, asm.bne, asm.blt, asm.bge, asm.bltu, asm.bgeu];
  const amos = [asm.amoswapW, asm.amoaddW, asm.amoxorW, asm.amoandW, asm.amoorW, asm.amominW, asm.amomaxW, asm.amominuW, asm.amomaxuW];
  const bodyLength = 40 + next(60);
  const body: number[] = [];
  while (body.length < bodyLength) {
    const left = bodyLength - body.length;
    const choice = next(20);
    if (choice < 5) body.push(ops[next(ops.length)]!(register(), register(), register()));
    else if (choice < 8) body.push(immediates[next(immediates.length)]!(register(), register(), next(4096) - 2048));
    else if (choice < 9) body.push(shifts[next(shifts.length)]!(register(), register(), next(32)));
    else if (choice < 11) body.push(loads[next(loads.length)]!(register(), R.s0, next(64)));
    else if (choice < 13) body.push(stores[next(stores.length)]!(register(), R.s0, next(64)));
    else if (choice < 14) body.push(next(2) === 0 ? loads[next(loads.length)]!(register(), register(), 0) : stores[next(stores.length)]!(register(), register(), 0));
    else if (choice < 15) body.push(branches[next(branches.length)]!(register(), register(), 4 * (1 + next(Math.min(4, left)))));
    else if (choice < 16) body.push(next(2) === 0 ? asm.lui(register(), next(1 << 20)) : asm.auipc(register(), next(1 << 20)));
    else if (choice < 17 && left > 3) {
      const link = register();
      const shape = next(3);
      if (shape === 0) {
        // A call and its return: jal into the jalr two words on, which returns over it.
        body.push(asm.jal(link, 8), asm.jal(R.zero, 8), asm.jalr(R.zero, link, 0));
      } else if (shape === 1 && left > 6) {
        // A callee that moves its return address on by one instruction before it returns.
        body.push(asm.jal(link, 12), asm.addi(R.a0, R.a0, 1), asm.jal(R.zero, 12), asm.addi(link, link, 4), asm.jalr(R.zero, link, 0));
      } else {
        const skip = next(Math.min(3, left - 2));
        body.push(asm.auipc(R.t0, 0), asm.jalr(register(), R.t0, 8 + 4 * skip));
      }
    } else if (choice < 18) body.push(asm.jal(register(), 4 * (1 + next(Math.min(3, left)))));
    else if (choice < 19) body.push(asm.sw(next(2) === 0 ? R.s4 : R.s5, R.s1, 4 + 4 * next(bodyLength))); // self-modifying
    else {
      // Atomics: mostly on the aligned data word at s0, sometimes through a random register
      // (misaligned, outside RAM or a device: a trap the handler skips).
      const pick = next(8);
      const base = next(4) === 0 ? register() : R.s0;
      if (pick === 0) body.push(asm.fenceI());
      else if (pick < 3) body.push(amos[next(amos.length)]!(register(), register(), base));
      else if (pick === 3) body.push(asm.lrW(register(), base));
      else if (pick === 4) body.push(asm.scW(register(), register(), base));
      else body.push(asm.lw(register(), R.s0, 4 * next(16)));
    }
  }
  program.emit(body.slice(0, bodyLength));
  program.emit(asm.addi(R.s2, R.s2, -1)).to('body', (offset) => asm.bne(R.s2, R.zero, offset));
  program.emit(asm.addi(R.s2, R.zero, 3)).to('body', (offset) => asm.jal(R.zero, offset));
  assert.ok(bodyStart > 0);
  return program;
}

interface Trace {
  readonly results: RunResult[];
  readonly digest: string;
  readonly pc: number;
  readonly registers: number[];
  readonly retired: number;
  readonly dirty: number[];
}

/** Runs `total` instructions in the given chunk sizes (cycled), recording every result. */
function trace(machine: Machine, total: number, chunks: readonly number[]): Trace {
  machine.markClean();
  const results: RunResult[] = [];
  let index = 0;
  while (machine.retired < total) {
    const result = machine.run(Math.min(chunks[index++ % chunks.length]!, total - machine.retired));
    results.push(result);
    if (result.reason === 'halt' || result.reason === 'fault' || result.reason === 'idle') break;
  }
  return {
    results,
    digest: machine.digest(),
    pc: machine.pc(0),
    registers: Array.from({ length: 32 }, (_, register) => machine.register(0, register)),
    retired: machine.retired,
    dirty: machine.dirtyPages(),
  };
}

function loopingMachine(seed: number, engine: EngineFactory, harts = 1): Machine {
  const { machine, platform } = machineWith(loopingProgram(seed), { engine, harts });
  machine.writeMemory(HANDLER, skipHandler().assemble());
  if (harts > 1) {
    const next = random(seed + 7);
    platform.schedule = (runnable) => ({ hart: runnable[next(runnable.length)]!, quantum: 1 + next(150) });
  }
  return machine;
}

describe('block compiler: random programs agree with the reference executor', () => {
  for (const [name, engine] of ENGINES) {
    it(`${name}: 60 seeded looping programs, whole runs and random run splits`, () => {
      let long = 0;
      for (let seed = 1; seed <= 60; seed++) {
        const next = random(seed + 1000);
        const chunks = Array.from({ length: 50 }, () => 1 + next(next(2) === 0 ? 8 : 300));
        const reference = trace(loopingMachine(seed, createReferenceEngine), 6000, [1 << 30]);
        if (reference.retired === 6000) long++;
        const whole = trace(loopingMachine(seed, engine), 6000, [1 << 30]);
        assert.deepEqual(whole, reference, `seed ${seed}: one run`);
        const split = trace(loopingMachine(seed, engine), 6000, chunks);
        const referenceSplit = trace(loopingMachine(seed, createReferenceEngine), 6000, chunks);
        assert.deepEqual(split, referenceSplit, `seed ${seed}: split runs`);
        assert.equal(split.digest, reference.digest, `seed ${seed}: splitting changes nothing`);
      }
      assert.ok(long >= 40, `most programs ran all 6000 instructions (${long} of 60 did; the rest fault or halt)`);
    });
  }
  it('every exact limit from 0 to 400 stops at the same pc, count and digest as the reference', () => {
    for (const [name, engine] of ENGINES) {
      for (let limit = 0; limit <= 400; limit += 1) {
        const machine = loopingMachine(3, engine);
        const reference = loopingMachine(3, createReferenceEngine);
        assert.deepEqual(machine.run(limit), reference.run(limit), `${name}, limit ${limit}`);
        assert.equal(machine.pc(0), reference.pc(0), `${name}, limit ${limit}: pc`);
        assert.equal(machine.digest(), reference.digest(), `${name}, limit ${limit}: digest`);
      }
    }
  });
  it('two harts with random slices (stores across harts, shared code) agree', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const machine = loopingMachine(seed, blockCompilerWith({ hotThreshold: 0 }), 2);
      const reference = loopingMachine(seed, createReferenceEngine, 2);
      assert.deepEqual(machine.run(5000), reference.run(5000), `seed ${seed}`);
      assert.equal(machine.digest(), reference.digest(), `seed ${seed}: digest`);
    }
  });
  it('LR/SC across harts: a plain store by another hart breaks the reservation under the block compiler', () => {
    const program = new Program().emit(asm.csrrs(R.t0, 0xf14, R.zero), asm.li(R.s0, DATA)).to('hart1', (offset) => asm.bne(R.t0, R.zero, offset));
    program.emit(asm.lrW(R.a0, R.s0), asm.addi(R.a1, R.zero, 42), asm.scW(R.a2, R.a1, R.s0), asm.jal(R.zero, 0));
    program.label('hart1').emit(asm.addi(R.t1, R.zero, 7), asm.addi(R.t2, R.zero, 8), asm.sw(R.t1, R.s0, 0), asm.jal(R.zero, 0));
    const { machine, platform } = machineWith(program, { harts: 2, engine: blockCompilerWith({ hotThreshold: 0 }) });
    // Hart 1 runs its whole loop block (addi, addi, sw, jal) compiled, and spins on jal afterwards.
    const slices = [{ hart: 0, quantum: 5 }, { hart: 1, quantum: 30 }, { hart: 0, quantum: 2 }];
    platform.schedule = () => slices.shift()!;
    assert.equal(machine.run(37).retired, 37);
    assert.equal(machine.register(0, R.a2), 1, 'sc.w failed');
  });
});

describe('block compiler: bare guest programs', () => {
  const files = [
    ...readdirSync('workloads/guest/programs/bin').filter((name) => name.endsWith('.elf')).map((name) => `workloads/guest/programs/bin/${name}`),
    'workloads/guest/benchmarks/bin/kernels.elf',
  ];
  function runFile(file: string, engine: EngineFactory): { output: string; outcome: unknown; digest: string } {
    let output = '';
    const machine = createBareMachine(readFileSync(file), { console: (stream, bytes) => { output += `${stream}:${Buffer.from(bytes).toString('latin1')}`; }, engine });
    const outcome = runBare(machine, 200_000_000);
    return { output, outcome, digest: machine.digest() };
  }
  for (const file of files) {
    it(`${file}: same output, exit code, retired count and digest as the interpreter`, () => {
      const expected = runFile(file, createInterpreter);
      assert.equal((expected.outcome as { state: string }).state, 'exit');
      assert.deepEqual(runFile(file, createBlockCompiler), expected);
      if (!file.includes('kernels')) assert.deepEqual(runFile(file, blockCompilerWith({ hotThreshold: 0 })), expected);
    });
  }
});

/** Runs the same program on the engine under test, the interpreter and the reference; all must agree. */
function agree(build: (engine: EngineFactory) => Machine, drive: (machine: Machine) => unknown): void {
  const expected = build(createReferenceEngine);
  const expectedResult = drive(expected);
  for (const [name, engine] of [['interpreter', createInterpreter] as const, ...ENGINES]) {
    const machine = build(engine);
    assert.deepEqual(drive(machine), expectedResult, `${name}: results`);
    assert.equal(machine.digest(), expected.digest(), `${name}: digest`);
    assert.deepEqual(machine.dirtyPages(), expected.dirtyPages(), `${name}: dirty pages`);
  }
}

describe('block compiler: self-modifying code', () => {
  /**
   * A loop whose body rewrites its own next instruction: iteration 1 runs `addi a0, a0, 1`, then
   * stores `addi a0, a0, 100` over it (in the same block, right before it), optionally with fence.i.
   */
  function patchNext(withFence: boolean): Program {
    const program = new Program();
    program.emit(asm.li(R.t1, asm.addi(R.a0, R.a0, 100)), asm.li(R.s2, 5));
    program.label('loop').emit(asm.auipc(R.t0, 0), asm.addi(R.a2, R.a2, 1), asm.sw(R.t1, R.t0, withFence ? 16 : 12));
    if (withFence) program.emit(asm.fenceI());
    program.emit(asm.addi(R.a0, R.a0, 1), asm.addi(R.s2, R.s2, -1)).to('loop', (offset) => asm.bne(R.s2, R.zero, offset));
    program.emit(asm.jal(R.zero, 0));
    return program;
  }
  for (const withFence of [false, true]) {
    it(`a store to the next instruction of the running block takes effect at once (${withFence ? 'with' : 'without'} fence.i)`, () => {
      agree((engine) => machineWith(patchNext(withFence), { engine }).machine, (machine) => {
        const results = [machine.run(200)];
        return { results, a0: machine.register(0, R.a0), pc: machine.pc(0) };
      });
      const { machine } = machineWith(patchNext(withFence), { engine: blockCompilerWith({ hotThreshold: 0 }) });
      machine.run(100);
      assert.equal(machine.register(0, R.a0), 100 * 5, 'every iteration ran the patched instruction');
    });
  }

  /** A function on page 2, called in a loop from page 0; after some calls page 0 rewrites it. */
  function patchOtherPage(): Program {
    const program = new Program();
    program.emit(asm.li(R.s1, RAM_BASE + 0x2000), asm.li(R.t1, asm.addi(R.a0, R.a0, 7)), asm.li(R.s2, 40));
    program.label('loop').emit(asm.jalr(R.ra, R.s1, 0), asm.addi(R.s2, R.s2, -1), asm.addi(R.t2, R.zero, 20));
    program.to('skip', (offset) => asm.bne(R.s2, R.t2, offset)).emit(asm.sw(R.t1, R.s1, 4));
    program.label('skip').to('loop', (offset) => asm.bne(R.s2, R.zero, offset)).emit(asm.jal(R.zero, 0));
    return program;
  }
  function withFunction(engine: EngineFactory): Machine {
    const { machine } = machineWith(patchOtherPage(), { engine });
    machine.writeMemory(RAM_BASE + 0x2000, new Program(RAM_BASE + 0x2000).emit(asm.addi(R.a1, R.a1, 1), asm.addi(R.a0, R.a0, 1), asm.jalr(R.zero, R.ra, 0)).assemble());
    return machine;
  }
  it('a store from another page to compiled code invalidates it', () => {
    agree(withFunction, (machine) => {
      const result = machine.run(1000);
      return { result, a0: machine.register(0, R.a0), a1: machine.register(0, R.a1) };
    });
    const machine = withFunction(blockCompilerWith({ hotThreshold: 0 }));
    machine.run(1000);
    assert.equal(machine.register(0, R.a0), 20 * 1 + 20 * 7);
  });
  it('machines share block tables only for pages with the same words: a second machine with one instruction patched before it runs gets its own code', () => {
    const program = (): Machine => withFunction(createBlockCompiler);
    const warm = program();
    warm.run(1000); // compiles the function page's blocks into the process-wide tables
    const patch = new Uint8Array(new Uint32Array([asm.addi(R.a0, R.a0, 1000)]).buffer);
    const patched = program();
    patched.writeMemory(RAM_BASE + 0x2004, patch);
    const reference = withFunction(createReferenceEngine);
    reference.writeMemory(RAM_BASE + 0x2004, patch);
    assert.deepEqual(patched.run(1000), reference.run(1000));
    assert.equal(patched.digest(), reference.digest());
    const same = program();
    assert.deepEqual(same.run(1000), withFunction(createReferenceEngine).run(1000), 'the unpatched copy reuses the tables and agrees');
    assert.equal(same.digest(), warm.digest());
  });
  it('host writes (writeMemory) between runs invalidate compiled code', () => {
    agree(withFunction, (machine) => {
      const first = machine.run(50);
      machine.writeMemory(RAM_BASE + 0x2004, new Uint8Array(new Uint32Array([asm.addi(R.a0, R.a0, 1000)]).buffer));
      const second = machine.run(50);
      return { first, second, a0: machine.register(0, R.a0) };
    });
  });
  it('NIC DMA into a receive ring that overlaps compiled code invalidates it', () => {
    agree(withFunction, (machine) => {
      const first = machine.run(60);
      // The ring's one slot starts 8 bytes before the function, so the frame lands on its code.
      machine.core.nic.registers.ringBase = RAM_BASE + 0x2000 - 8;
      machine.core.nic.registers.ringSlots = 1;
      const patch = new Uint32Array([asm.addi(R.a1, R.a1, 2), asm.addi(R.a0, R.a0, 500), asm.jalr(R.zero, R.ra, 0)]);
      const delivery = machine.deliverFrame(3, new Uint8Array(patch.buffer));
      const second = machine.run(60);
      return { first, delivery, second, a0: machine.register(0, R.a0), a1: machine.register(0, R.a1) };
    });
  });
  it('restoring an older snapshot brings the old code back (the cache is derived from memory)', () => {
    agree(withFunction, (machine) => {
      machine.run(30);
      const snapshot = machine.snapshot();
      machine.run(400); // past the patch
      const late = machine.register(0, R.a0);
      machine.restore(snapshot);
      const again = machine.run(40);
      return { late, again, a0: machine.register(0, R.a0) };
    });
  });
});

describe('block compiler: code and hot data on one page', () => {
  it('a loop storing into its own code page every iteration gives the page to the interpreter, exactly', () => {
    const program = new Program().emit(asm.auipc(R.s0, 0), asm.addi(R.s0, R.s0, 0x7f0), asm.li(R.s2, 300));
    program.label('loop').emit(asm.lw(R.a0, R.s0, 0), asm.addi(R.a0, R.a0, 3), asm.sw(R.a0, R.s0, 0), asm.xor(R.a1, R.a1, R.a0), asm.addi(R.s2, R.s2, -1));
    program.to('loop', (offset) => asm.bne(R.s2, R.zero, offset)).emit(asm.jal(R.zero, 0));
    for (const chunk of [1 << 30, 3, 17]) {
      agree((engine) => machineWith(program, { engine }).machine, (machine) => {
        const results: RunResult[] = [];
        while (machine.retired < 2500) {
          const result = machine.run(Math.min(chunk, 2500 - machine.retired));
          results.push(result);
          assert.equal(result.reason, 'budget');
        }
        return { results: results.length, a0: machine.register(0, R.a0), a1: machine.register(0, R.a1), pc: machine.pc(0) };
      });
    }
  });
});

describe('block compiler: traps inside a block are exact', () => {
  const cases: [string, number[], number][] = [
    ['misaligned lw', [asm.lw(R.a3, R.s0, 2)], 4],
    ['misaligned sh', [asm.sh(R.a3, R.s0, 1)], 6],
    ['lw beyond RAM', [asm.lw(R.a3, R.s1, 0)], 5],
    ['sb beyond RAM', [asm.sb(R.a3, R.s1, 0)], 7],
    ['lh from a device', [asm.lh(R.a3, R.s3, 0)], 5],
  ];
  for (const [name, faulting, cause] of cases) {
    it(`${name} in the middle of a block traps there (mepc, mcause, mtval, retired)`, () => {
      const build = (engine: EngineFactory): Machine => {
        const program = new Program().emit(asm.li(R.t0, HANDLER), asm.csrrw(R.zero, 0x305, R.t0), asm.li(R.s0, DATA), asm.li(R.s1, RAM_BASE + (1 << 20)), asm.li(R.s3, ENTROPY_BASE));
        program.label('loop').emit(asm.addi(R.a0, R.a0, 1), asm.sw(R.a0, R.s0, 8), asm.addi(R.a1, R.a1, 2), faulting, asm.addi(R.a2, R.a2, 3)).to('loop', (offset) => asm.jal(R.zero, offset));
        const { machine } = machineWith(program, { engine });
        // Handler: record mepc/mcause/mtval and minstret, then skip the instruction.
        const handler = new Program(HANDLER).emit(asm.csrrs(R.t3, 0x341, R.zero), asm.csrrs(R.t4, 0x342, R.zero), asm.csrrs(R.t5, 0x343, R.zero), asm.csrrs(R.s4, 0xb02, R.zero));
        handler.emit(asm.csrrs(R.t6, 0x341, R.zero), asm.addi(R.t6, R.t6, 4), asm.csrrw(R.zero, 0x341, R.t6), asm.mret());
        machine.writeMemory(HANDLER, handler.assemble());
        return machine;
      };
      agree(build, (machine) => {
        const first = machine.run(14); // stops at the first trap's handler entry (+ a few)
        const rest = machine.run(300);
        return { first, rest, mepc: machine.register(0, R.t3), mcause: machine.register(0, R.t4), mtval: machine.register(0, R.t5), minstret: machine.register(0, R.s4), pc: machine.pc(0) };
      });
      const machine = build(blockCompilerWith({ hotThreshold: 0 }));
      machine.run(200);
      assert.equal(machine.register(0, R.t4), cause);
      const loop = RAM_BASE + 4 * (new Program().emit(asm.li(R.t0, HANDLER), asm.csrrw(R.zero, 0x305, R.t0), asm.li(R.s0, DATA), asm.li(R.s1, RAM_BASE + (1 << 20)), asm.li(R.s3, ENTROPY_BASE)).assemble().length / 4);
      assert.equal(machine.register(0, R.t3) >>> 0, loop + 12, 'mepc is the faulting instruction, the fourth of its block');
    });
  }
  it('with no handler the fault report is the same as the interpreter\'s', () => {
    agree((engine) => machineWith(new Program().emit(asm.li(R.s0, DATA), asm.addi(R.a0, R.zero, 1), asm.sw(R.a0, R.s0, 0), asm.lw(R.a1, R.s0, 1), asm.addi(R.a2, R.zero, 1)), { engine }).machine, (machine) => machine.run(100));
  });
});

describe('block compiler: interrupts land at exact instruction counts', () => {
  const TIMER_HANDLER = RAM_BASE + 0x400;
  function timerGuest(engine: EngineFactory): Machine {
    const program = new Program();
    program.emit(asm.li(R.t0, TIMER_HANDLER), asm.csrrw(R.zero, 0x305, R.t0), asm.li(R.t0, 1 << 7), asm.csrrw(R.zero, 0x304, R.t0), asm.csrrsi(R.zero, 0x300, 8));
    program.emit(asm.li(R.s0, DATA), asm.li(R.a0, 1), asm.li(R.s5, 0));
    program.label('loop').emit(
      asm.slli(R.t1, R.a0, 5), asm.sub(R.a0, R.t1, R.a0), asm.add(R.a0, R.a0, R.s5),
      asm.andi(R.t2, R.a0, 0x7fc), asm.add(R.t2, R.t2, R.s0), asm.sw(R.a0, R.t2, 0),
    ).to('loop', (offset) => asm.jal(R.zero, offset));
    const { machine } = machineWith(program, { engine });
    machine.writeMemory(TIMER_HANDLER, new Program(TIMER_HANDLER).emit(
      asm.addi(R.s5, R.s5, 1), asm.csrrs(R.t3, 0x341, R.zero), asm.add(R.s5, R.s5, R.t3),
      asm.li(R.t4, CLINT_BASE + CLINT_MTIMECMP), asm.sw(R.zero, R.t4, 0), asm.mret(),
    ).assemble());
    return machine;
  }
  function runSchedule(machine: Machine, schedule: readonly number[], end: number, chunk: number): string {
    const advance = (to: number): void => {
      while (machine.retired < to) {
        const result = machine.run(Math.min(chunk, to - machine.retired));
        assert.ok(result.reason === 'budget' || result.reason === 'output', JSON.stringify(result));
      }
    };
    for (const at of schedule) {
      advance(at);
      machine.raiseTimerInterrupt(0);
    }
    advance(end);
    return machine.digest();
  }
  it('timer interrupts at instructions 100, 257, 901, 1500, ...: digests equal to the interpreter\'s, however runs are split', () => {
    const schedule = [100, 257, 901, 1500, 1501, 2222, 2229];
    const expected = runSchedule(timerGuest(createInterpreter), schedule, 3000, Number.MAX_SAFE_INTEGER);
    for (const [name, engine] of ENGINES) {
      for (const chunk of [Number.MAX_SAFE_INTEGER, 1, 7, 61]) {
        assert.equal(runSchedule(timerGuest(engine), schedule, 3000, chunk), expected, `${name}, chunks of ${chunk}`);
      }
    }
    const moved = runSchedule(timerGuest(ENGINES[0]![1]), [100, 258, 901, 1500, 1501, 2222, 2229], 3000, Number.MAX_SAFE_INTEGER);
    assert.notEqual(moved, expected, 'moving one interrupt by one instruction changes the digest');
  });
  it('random interrupt schedules agree with the interpreter', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const next = random(seed);
      const schedule = Array.from({ length: 8 }, () => next(5000)).sort((a, b) => a - b);
      const expected = runSchedule(timerGuest(createInterpreter), schedule, 6000, Number.MAX_SAFE_INTEGER);
      assert.equal(runSchedule(timerGuest(ENGINES[0]![1]), schedule, 6000, 1 + next(100)), expected, `seed ${seed}`);
    }
  });
});

describe('block compiler: blocks', () => {
  it('a trace goes on through a branch\'s fall-through and a jal in the page; it ends at a jalr, before a system instruction, at the page end and at MAX_BLOCK', () => {
    const words = new Int32Array(2048);
    const put = (index: number, list: number[]): void => list.forEach((word, at) => { words[index + at] = word | 0; });
    put(0, [asm.addi(R.a0, R.a0, 1), asm.add(R.a1, R.a0, R.a0), asm.beq(R.a0, R.a1, 8), asm.addi(R.a0, R.a0, 1), asm.jalr(R.zero, R.ra, 0), asm.addi(R.a0, R.a0, 1)]);
    assert.equal(compileBlock(words, 0, 8192)!.length, 5, 'through the beq, up to and including the jalr');
    put(8, [asm.addi(R.a0, R.a0, 1), asm.csrrs(R.a0, 0x300, R.zero)]);
    assert.equal(compileBlock(words, 32, 8192)!.length, 1);
    assert.equal(compileBlock(words, 36, 8192), undefined, 'a CSR instruction is not compiled');
    put(16, [asm.lrW(R.a0, R.s0)]);
    assert.equal(compileBlock(words, 64, 8192)!.length, 1, 'LR is compiled (the rest of the page is empty)');
    put(20, [asm.amoaddW(R.a0, R.a1, R.s0), asm.jal(R.ra, 16), asm.addi(R.a2, R.a2, 1)]);
    put(25, [asm.addi(R.a3, R.a3, 1), asm.jalr(R.zero, R.ra, 0)]);
    assert.equal(compileBlock(words, 80, 8192)!.length, 5, 'an AMO, a call followed into its callee, and its return followed back to the instruction after the call');
    put(30, [asm.addi(R.a0, R.a0, 1), asm.jal(R.zero, -4)]);
    assert.equal(compileBlock(words, 124, 8192)!.length, 2, 'the jal, the addi it jumps to, then the jal again: a revisited instruction ends the trace');
    put(1020, [asm.addi(R.a0, R.a0, 1), asm.addi(R.a0, R.a0, 1), asm.addi(R.a0, R.a0, 1), asm.addi(R.a0, R.a0, 1), asm.addi(R.a0, R.a0, 1)]);
    assert.equal(compileBlock(words, 4080, 8192)!.length, 4, 'stops at the page end');
    words.fill(asm.addi(R.a0, R.a0, 1) | 0, 1100, 1300);
    assert.equal(compileBlock(words, 4400, 8192)!.length, MAX_BLOCK);
  });
  it('a block that branches back to its own start loops inside its function, and never past its budget', () => {
    const words = new Int32Array(1024);
    const loop = [asm.addi(R.a0, R.a0, 1), asm.addi(R.a1, R.a1, -1), asm.bne(R.a1, R.zero, -8)];
    loop.forEach((word, at) => { words[at] = word | 0; });
    const source = compileBlock(words, 0, 4096)!;
    assert.equal(source.length, 3);
    assert.match(source.code, /for \(;;\)/);
    const block = new Function('mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu', `return function (r, w, h, uh, b, ub, f, budget, out) {\n${source.code}\n};`)() as (...args: unknown[]) => number;
    const registers = new Int32Array(32);
    const out = new Int32Array(1);
    const run = (budget: number): number => block(registers, words, new Int16Array(words.buffer), new Uint16Array(words.buffer), new Int8Array(words.buffer), new Uint8Array(words.buffer), new Uint8Array(1), budget, out);
    registers[R.a1] = 100;
    assert.equal(run(10), RAM_BASE | 0, 'three trips fit in 10 instructions, a fourth would not: back at the start');
    assert.deepEqual([out[0], registers[R.a0], registers[R.a1]], [9, 3, 97]);
    assert.equal(run(1000), (RAM_BASE + 12) | 0, 'the loop ends: the fall-through pc');
    assert.deepEqual([out[0], registers[R.a0], registers[R.a1]], [291, 100, 0]);
  });
  it('a machine with the block compiler snapshots and restores into an interpreter machine and back', () => {
    const original = loopingMachine(5, blockCompilerWith({ hotThreshold: 0 }));
    original.run(2500);
    const copy = new Machine({ ramBytes: 1 << 20, platform: new ScriptedPlatform() });
    copy.restore(structuredClone(original.snapshot()));
    const back = new Machine({ ramBytes: 1 << 20, platform: new ScriptedPlatform(), engine: createBlockCompiler });
    back.restore(structuredClone(original.snapshot()));
    original.run(3000);
    copy.run(3000);
    back.run(3000);
    assert.equal(copy.digest(), original.digest());
    assert.equal(back.digest(), original.digest());
  });
});
