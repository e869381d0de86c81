/**
 * Interpreter throughput on compute kernels, with exact counting and dirty tracking on (they are
 * always on). Wall-clock code: this file is benchmark code, outside the simulation.
 */
import type { Bench } from 'tinybench';
import { addWorkTask } from '../bench/units.ts';
import {
  Program, R, add, addi, and, bne, blt, jal, jalr, li, lw, mul, or, slli, srli, sub, sw, xor,
} from './asm.ts';
import { createBlockCompiler } from './block-compiler.ts';
import { createInterpreter } from './interpreter.ts';
import { Machine } from './machine.ts';
import { RAM_BASE } from './memory-map.ts';
import type { ConsoleStream, DiskRequest, EngineFactory, HartSlice, Platform } from './types.ts';

const INSTRUCTIONS_PER_ITERATION = 10_000_000;

/** A platform for kernels that never touch devices or counters. */
class QuietPlatform implements Platform {
  readTime(): number { return 0; }
  readCycle(): number { return 0; }
  readEntropy(): number { return 0; }
  scheduleHart(runnable: readonly number[]): HartSlice { return { hart: runnable[0]!, quantum: 1 << 20 }; }
  transmitFrame(_destination: number, _frame: Uint8Array): void {}
  startDiskRequest(_request: DiskRequest): void {}
  writeConsole(_stream: ConsoleStream, _bytes: Uint8Array): void {}
  timerCompareChanged(_hart: number, _compareTicks: number): void {}
}

/** A compute kernel: a program that loops forever, so any budget runs to completion. */
export interface Kernel {
  readonly name: string;
  readonly program: Program;
}

/** ALU: a hash-like mix of add/xor/shift/or/and over registers, one backward branch per 9. */
function aluKernel(): Kernel {
  const program = new Program();
  program.emit(li(R.a0, 0x1234_5678), li(R.a1, 0x9e37_79b9), li(R.a2, 1 << 30));
  program.label('loop').emit(
    add(R.a0, R.a0, R.a1), xor(R.a3, R.a0, R.a1), slli(R.a4, R.a3, 5), srli(R.a5, R.a3, 3),
    or(R.a1, R.a4, R.a5), and(R.a6, R.a1, R.a0), sub(R.a0, R.a0, R.a6), addi(R.a2, R.a2, -1),
  ).to('loop', (offset) => bne(R.a2, R.zero, offset));
  return { name: 'alu', program };
}

/** Memory: sums a 16 KiB array and writes running sums back (loads, stores, dirty tracking). */
function memoryKernel(): Kernel {
  const program = new Program();
  program.emit(li(R.s0, RAM_BASE + 0x10000), li(R.s1, RAM_BASE + 0x14000));
  program.label('outer').emit(addi(R.t0, R.s0, 0), li(R.a0, 0));
  program.label('inner').emit(
    lw(R.t1, R.t0, 0), add(R.a0, R.a0, R.t1), sw(R.a0, R.t0, 0), lw(R.t2, R.t0, 4),
    xor(R.a0, R.a0, R.t2), sw(R.a0, R.t0, 4), addi(R.t0, R.t0, 8),
  ).to('inner', (offset) => blt(R.t0, R.s1, offset)).to('outer', (offset) => jal(R.zero, offset));
  return { name: 'memory', program };
}

/** Calls: a leaf function with a multiply, called through jal/jalr, with a stack spill. */
function callKernel(): Kernel {
  const program = new Program();
  program.emit(li(R.sp, RAM_BASE + 0x20000), li(R.a0, 7), li(R.a1, 3));
  program.label('loop').to('leaf', (offset) => jal(R.ra, offset)).to('loop', (offset) => jal(R.zero, offset));
  program.label('leaf').emit(
    addi(R.sp, R.sp, -8), sw(R.ra, R.sp, 4), mul(R.a2, R.a0, R.a1), add(R.a0, R.a2, R.a1),
    lw(R.ra, R.sp, 4), addi(R.sp, R.sp, 8), jalr(R.zero, R.ra, 0),
  );
  return { name: 'call', program };
}

export const KERNELS: readonly Kernel[] = [aluKernel(), memoryKernel(), callKernel()];

/** The engines measured: the switch interpreter and the block compiler. */
export const ENGINES: readonly { readonly name: string; readonly factory: EngineFactory }[] = [
  { name: 'interpreter', factory: createInterpreter },
  { name: 'block compiler', factory: createBlockCompiler },
];

function machineFor(kernel: Kernel, engine: EngineFactory = createInterpreter): Machine {
  const machine = new Machine({ platform: new QuietPlatform(), ramBytes: 1 << 20, engine });
  machine.writeMemory(RAM_BASE, kernel.program.assemble());
  return machine;
}

/** Median guest MIPS of each kernel over `repeats` runs of `instructions` each (wall clock). */
export function measureMips(instructions = 50_000_000, repeats = 5, engine: EngineFactory = createInterpreter): { kernel: string; medianMips: number }[] {
  return KERNELS.map((kernel) => {
    const machine = machineFor(kernel, engine);
    machine.run(instructions / 5); // warm-up, so the JIT has compiled the loop
    const rates: number[] = [];
    for (let repeat = 0; repeat < repeats; repeat++) {
      const start = performance.now();
      const result = machine.run(instructions);
      const elapsedMs = performance.now() - start;
      if (result.reason !== 'budget') throw new Error(`kernel ${kernel.name} stopped: ${result.reason}`);
      rates.push(instructions / elapsedMs / 1000);
    }
    rates.sort((left, right) => left - right);
    return { kernel: kernel.name, medianMips: Number(rates[Math.floor(rates.length / 2)]!.toFixed(1)) };
  });
}

export function registerVmBenchmarks(bench: Bench): void {
  for (const kernel of KERNELS) {
    const machine = machineFor(kernel);
    addWorkTask(bench, `vm: ${kernel.name} kernel, ${INSTRUCTIONS_PER_ITERATION / 1e6}M instructions`, { perIteration: INSTRUCTIONS_PER_ITERATION, unit: 'instructions' }, () => {
      machine.run(INSTRUCTIONS_PER_ITERATION);
    });
  }
  for (const kernel of KERNELS) {
    const machine = machineFor(kernel, createBlockCompiler);
    addWorkTask(bench, `vm (block compiler): ${kernel.name} kernel, ${INSTRUCTIONS_PER_ITERATION / 1e6}M instructions`, { perIteration: INSTRUCTIONS_PER_ITERATION, unit: 'instructions' }, () => {
      machine.run(INSTRUCTIONS_PER_ITERATION);
    });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const { name, factory } of ENGINES) {
    console.log(name);
    console.table(measureMips(undefined, undefined, factory));
  }
}
