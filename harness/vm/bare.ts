/**
 * Bare-program mode: run a standalone ELF the way `qemu-riscv32` would (MEMORY-MAP.md, last
 * section): sp at the top of RAM, Linux-style exit and write system calls, and a deterministic
 * platform whose time follows the instruction count and whose entropy comes from a fixed seed.
 */
import { checkElfFits, loadElf, parseElf } from './elf.ts';
import { Machine } from './machine.ts';
import { RAM_BASE, RAM_DEFAULT_SIZE, TIMEBASE_HZ } from './memory-map.ts';
import type { BareOutcome, ConsoleStream, DiskRequest, EngineFactory, HartSlice, Platform } from './types.ts';

/** The modelled speed that turns instructions into bare-mode time: 100 MIPS. */
export const BARE_INSTRUCTIONS_PER_SECOND = 100_000_000;
const INSTRUCTIONS_PER_TICK = BARE_INSTRUCTIONS_PER_SECOND / TIMEBASE_HZ;
const ENTROPY_SEED = 0x2545_f491;
const QUANTUM = 10_000;

/** A deterministic platform for bare programs: console to a callback, no network, no disk. */
export class BarePlatform implements Platform {
  private entropyState = ENTROPY_SEED;
  /** Set once the machine exists; time and cycles derive from its retired counts. */
  machine: Machine | undefined;

  constructor(private readonly console: (stream: ConsoleStream, bytes: Uint8Array) => void) {}

  readTime(): number {
    return Math.floor((this.machine?.retired ?? 0) / INSTRUCTIONS_PER_TICK);
  }
  readCycle(hart: number): number {
    return this.machine?.hartRetired(hart) ?? 0;
  }
  /** xorshift32 from a fixed seed: the same program sees the same "random" bits every run. */
  readEntropy(): number {
    let state = this.entropyState;
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    this.entropyState = state;
    return state >>> 0;
  }
  scheduleHart(runnable: readonly number[], retired: number): HartSlice {
    return { hart: runnable[Math.floor(retired / QUANTUM) % runnable.length]!, quantum: QUANTUM };
  }
  transmitFrame(_destination: number, _frame: Uint8Array): void {
    // Bare mode has no network: frames go nowhere.
  }
  startDiskRequest(_request: DiskRequest): void {
    // Unreachable: bare machines have a disk of 0 sectors, so every command fails at once.
  }
  writeConsole(stream: ConsoleStream, bytes: Uint8Array): void {
    this.console(stream, bytes);
  }
  timerCompareChanged(_hart: number, _compareTicks: number): void {
    // Bare mode delivers no timer interrupts: it has no host clock to schedule them against.
  }
}

export interface BareOptions {
  /** RAM size in bytes; RAM_DEFAULT_SIZE if absent. */
  readonly ramBytes?: number;
  /** Where guest stdout/stderr bytes go. */
  readonly console: (stream: ConsoleStream, bytes: Uint8Array) => void;
  /** The execution engine; the machine's default if absent. */
  readonly engine?: EngineFactory;
}

/** Builds a bare-mode machine with the ELF loaded and sp at the top of RAM; throws ElfError. */
export function createBareMachine(file: Uint8Array, options: BareOptions): Machine {
  const ramBytes = options.ramBytes ?? RAM_DEFAULT_SIZE;
  const image = parseElf(file);
  checkElfFits(image, ramBytes);
  const platform = new BarePlatform(options.console);
  const machine = new Machine({ platform, ramBytes, entryPoint: image.entry, systemCalls: 'linux', ...(options.engine === undefined ? {} : { engine: options.engine }) });
  platform.machine = machine;
  loadElf(machine, image);
  machine.setRegister(0, 2, (RAM_BASE + ramBytes) | 0);
  return machine;
}

/** Runs a bare machine until exit, fault, idle or `maxInstructions`. */
export function runBare(machine: Machine, maxInstructions: number): BareOutcome {
  for (;;) {
    const remaining = maxInstructions - machine.retired;
    if (remaining <= 0) return { state: 'limit', retired: machine.retired };
    const result = machine.run(remaining);
    switch (result.reason) {
      case 'halt': return { state: 'exit', exitCode: result.exitCode, retired: machine.retired };
      case 'fault': return { state: 'fault', fault: result.fault, retired: machine.retired };
      case 'idle': return { state: 'idle', retired: machine.retired };
      case 'budget': case 'output': break;
    }
  }
}
