/**
 * The machine: harts, RAM and devices behind one object the host drives. `run(budget)` executes
 * at most `budget` instructions and says why it stopped; inputs (timer interrupt, NIC frame, disk
 * completion) are delivered between runs, so they land at the exact instruction boundary where
 * the previous run stopped. This is what machine-level deterministic replay is built on.
 *
 * Budgets count retired instructions only. A trapping instruction does not retire (minstret does
 * not count it) and taking an interrupt is not an instruction, so neither consumes budget. Runs
 * still always end: two traps in a row with no retired instruction between them is a double fault,
 * which stops the machine.
 *
 * Interrupts delivered by the host are taken lazily, just before the next instruction executes;
 * an interrupt made deliverable by an instruction (csrs mstatus, a device write) is taken right
 * after that instruction. The state at a given retired count is therefore the same however the
 * host splits its runs.
 *
 * The default engine is the block compiler (straight-line code compiled to JavaScript functions,
 * with the switch interpreter for cold code and exact tails); both give the same state at every
 * instruction count, which the tests check against the reference executor.
 */
import { MachineCore } from './core.ts';
import { createBlockCompiler } from './block-compiler.ts';
import { Memory, ramOffset } from './memory.ts';
import { Hash64 } from './hash.ts';
import { RAM_BASE, RAM_DEFAULT_SIZE } from './memory-map.ts';
import { machineDigest, restoreMachine, snapshotMachine } from './snapshot.ts';
import { STOP_FAULT, STOP_HALT, STOP_LIMIT, STOP_OUTPUT } from './stop.ts';
import type { Hart } from './hart.ts';
import type { DiskCompletion, Engine, FrameDelivery, MachineOptions, MachineSnapshot, RunResult, Stop } from './types.ts';

const MAX_HARTS = 32;

export class Machine {
  /** The machine state; exposed for tests and engines, not for hosts. */
  readonly core: MachineCore;
  readonly engine: Engine;
  private readonly harts: readonly Hart[];

  constructor(options: MachineOptions) {
    const hartCount = options.harts ?? 1;
    if (!Number.isInteger(hartCount) || hartCount < 1 || hartCount > MAX_HARTS) {
      throw new RangeError(`harts must be an integer from 1 to ${MAX_HARTS}, got ${hartCount}`);
    }
    const memory = new Memory(options.ramBytes ?? RAM_DEFAULT_SIZE);
    const entryPoint = options.entryPoint ?? RAM_BASE;
    if (ramOffset(entryPoint, 4, memory.ramBytes) < 0 || (entryPoint & 3) !== 0) {
      throw new RangeError(`entry point 0x${(entryPoint >>> 0).toString(16)} must be a 4-byte aligned RAM address`);
    }
    const diskSectors = options.diskSectors ?? 0;
    if (!Number.isInteger(diskSectors) || diskSectors < 0 || diskSectors > 0xffff_ffff) {
      throw new RangeError(`diskSectors must be an unsigned 32-bit integer, got ${diskSectors}`);
    }
    this.core = new MachineCore(memory, options.platform, hartCount, entryPoint, options.nicAddress ?? 0, diskSectors, options.systemCalls ?? 'trap');
    this.harts = this.core.harts;
    this.engine = (options.engine ?? createBlockCompiler)(this.core);
  }

  get hartCount(): number {
    return this.harts.length;
  }

  /** Instructions retired by all harts since reset (what the host charges virtual time for). */
  get retired(): number {
    let total = 0;
    for (const hart of this.harts) total += hart.retired;
    return total;
  }

  hartRetired(hart: number): number {
    return this.hart(hart).retired;
  }

  /** Executes at most `budget` instructions (all harts together) and says why it stopped. */
  run(budget: number): RunResult {
    if (!Number.isSafeInteger(budget) || budget < 0) throw new RangeError(`budget must be a non-negative safe integer, got ${budget}`);
    const stopped = this.core.stopped;
    if (stopped !== undefined) return { ...stopped, retired: 0 };
    return this.harts.length === 1 ? this.runOneHart(this.harts[0]!, budget) : this.runHarts(budget);
  }

  /** Runs until the machine's total retired count is `retired` (or something stops it first). */
  runUntil(retired: number): RunResult {
    const now = this.retired;
    if (retired < now) throw new RangeError(`cannot run back to instruction ${retired}: already at ${now}`);
    return this.run(retired - now);
  }

  private runOneHart(hart: Hart, budget: number): RunResult {
    const start = hart.retired;
    while (hart.retired - start < budget) {
      if (hart.waiting) {
        if (this.core.interruptsReady(hart) === 0) return { reason: 'idle', retired: hart.retired - start };
        hart.waiting = false;
      }
      let stop = this.core.checkInterrupts(hart);
      if (stop === STOP_LIMIT) stop = this.engine.execute(hart, budget - (hart.retired - start));
      const result = this.resultOf(stop, hart, hart.retired - start);
      if (result !== undefined) return result;
    }
    return { reason: 'budget', retired: hart.retired - start };
  }

  /** Several harts: the platform's scheduler picks each slice (a logged source of non-determinism). */
  private runHarts(budget: number): RunResult {
    const start = this.retired;
    let retired = 0;
    while (retired < budget) {
      const runnable = this.harts.filter((hart) => !hart.waiting || this.core.interruptsReady(hart) !== 0).map((hart) => hart.index);
      if (runnable.length === 0) return { reason: 'idle', retired };
      const slice = this.core.platform.scheduleHart(runnable, start + retired);
      if (!runnable.includes(slice.hart)) throw new RangeError(`scheduler chose hart ${slice.hart}, not one of the runnable harts ${runnable.join(', ')}`);
      if (!Number.isSafeInteger(slice.quantum) || slice.quantum < 1) throw new RangeError(`scheduler quantum must be a positive integer, got ${slice.quantum}`);
      const hart = this.harts[slice.hart]!;
      hart.waiting = false;
      const before = hart.retired;
      let stop = this.core.checkInterrupts(hart);
      if (stop === STOP_LIMIT) stop = this.engine.execute(hart, Math.min(slice.quantum, budget - retired));
      retired += hart.retired - before;
      const result = this.resultOf(stop, hart, retired);
      if (result !== undefined) return result;
    }
    return { reason: 'budget', retired };
  }

  /** The run result for an engine stop, or undefined to keep running (budget slice or wfi). */
  private resultOf(stop: Stop, hart: Hart, retired: number): RunResult | undefined {
    const core = this.core;
    if (stop === STOP_OUTPUT) {
      const output = core.pendingOutput;
      core.pendingOutput = undefined;
      if (output === undefined) throw new Error('engine reported an output but no device produced one');
      return { reason: 'output', retired, hart: hart.index, output };
    }
    if (stop === STOP_HALT || stop === STOP_FAULT) {
      const stopped = core.stopped;
      if (stopped === undefined) throw new Error('engine reported a stop but the machine is not stopped');
      return { ...stopped, retired };
    }
    return undefined;
  }

  // --- inputs, delivered between runs ----------------------------------------------------------

  /** Raises MTIP of `hart` (the host's virtual time reached its mtimecmp). */
  raiseTimerInterrupt(hart: number): void {
    this.hart(hart).timerPending = true;
  }

  /** Delivers a frame from network address `source` into the NIC's receive ring. */
  deliverFrame(source: number, frame: Uint8Array): FrameDelivery {
    return this.core.nic.receive(source, frame);
  }

  /** Completes the disk request `id` (reads: the data is DMA'd into RAM). */
  completeDiskRequest(id: number, completion: DiskCompletion): void {
    this.core.disk.complete(id, completion);
  }

  // --- host access to state ------------------------------------------------------------------

  /** Copies bytes into RAM at a guest address (program loading); the pages count as written. */
  writeMemory(address: number, data: Uint8Array): void {
    const offset = ramOffset(address, data.length, this.core.ramBytes);
    if (offset < 0) throw new RangeError(`${data.length} bytes at 0x${(address >>> 0).toString(16)} are not all in RAM`);
    this.core.memory.write(offset, data);
    this.core.dmaWritten(offset, data.length);
  }

  /** Zeroes `length` RAM bytes at a guest address (a program's bss), as a write of zeroes would, without building them. */
  zeroMemory(address: number, length: number): void {
    const offset = ramOffset(address, length, this.core.ramBytes);
    if (offset < 0) throw new RangeError(`${length} bytes at 0x${(address >>> 0).toString(16)} are not all in RAM`);
    this.core.memory.zero(offset, length);
    this.core.dmaWritten(offset, length);
  }

  /** A copy of RAM bytes at a guest address. */
  readMemory(address: number, length: number): Uint8Array {
    const offset = ramOffset(address, length, this.core.ramBytes);
    if (offset < 0) throw new RangeError(`${length} bytes at 0x${(address >>> 0).toString(16)} are not all in RAM`);
    return this.core.memory.read(offset, length);
  }

  /** Mixes the RAM bytes at a guest address into `hash`, through the per-page hash cache. */
  hashMemoryInto(hash: Hash64, address: number, length: number): void {
    const offset = ramOffset(address, length, this.core.ramBytes);
    if (offset < 0) throw new RangeError(`${length} bytes at 0x${(address >>> 0).toString(16)} are not all in RAM`);
    this.core.memory.hashRangeInto(hash, offset, length);
  }

  register(hart: number, index: number): number {
    if (!(Number.isInteger(index) && index >= 0 && index < 32)) throw new RangeError(`no register x${index}`);
    return this.hart(hart).registers[index]!;
  }

  setRegister(hart: number, index: number, value: number): void {
    if (!(Number.isInteger(index) && index >= 0 && index < 32)) throw new RangeError(`no register x${index}`);
    if (index !== 0) this.hart(hart).registers[index] = value;
  }

  pc(hart: number): number {
    return this.hart(hart).pc;
  }

  setPc(hart: number, address: number): void {
    this.hart(hart).pc = address >>> 0;
  }

  /** Reads a CSR as the guest would (platform reads included); undefined if it does not exist. */
  csr(hart: number, csr: number): number | undefined {
    return this.core.readCsr(this.hart(hart), csr);
  }

  // --- dirty pages, digests, snapshots -------------------------------------------------------

  /** Starts a new dirty interval. */
  markClean(): void {
    this.core.memory.markClean();
  }

  /** Pages written since the last `markClean` (by stores, AMOs, DMA or loading), ascending. */
  dirtyPages(): number[] {
    return this.core.memory.dirtyPages();
  }

  pageDigest(page: number): string {
    return this.core.memory.pageDigest(page);
  }

  /** 64-bit digest (16 hex digits) of CPU registers, CSRs, device state, counters and RAM. */
  digest(): string {
    return machineDigest(this.core);
  }

  /** The whole machine ('full') or its state plus the pages dirty since the last mark ('delta'). */
  snapshot(kind: 'full' | 'delta' = 'full'): MachineSnapshot {
    return snapshotMachine(this.core, kind);
  }

  /** Restores a snapshot: a full one onto any machine of the same shape, a delta onto its base. */
  restore(snapshot: MachineSnapshot): void {
    restoreMachine(this.core, snapshot);
  }

  private hart(index: number): Hart {
    const hart = this.harts[index];
    if (hart === undefined) throw new RangeError(`no hart ${index} (the machine has ${this.harts.length})`);
    return hart;
  }
}
