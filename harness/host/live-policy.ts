import type { RandomStream } from '../sim/random.ts';
import { TIMEBASE_HZ } from '../vm/memory-map.ts';
import type { HartSlice } from '../vm/types.ts';
import { InputQueue } from './input-queue.ts';
import type { HardwareClock, HostPolicy, MachineInput, MachineOutput } from './types.ts';
import type { VmHost } from './vm-host.ts';

/** Virtual ns per mtime tick. */
const NS_PER_TICK = 1e9 / TIMEBASE_HZ;

/** Bounds of a hart's time slice on a multiprocessor guest, in instructions. */
export const HART_QUANTUM_MIN = 50;
export const HART_QUANTUM_MAX = 2000;

/**
 * An unreplicated machine's policy: inputs enter at the next instruction boundary, reads return
 * live hardware values (the host's clock, its entropy stream, a hart schedule drawn from its own
 * stream), and outputs leave at once. Replication strategies extend it: a primary that logs what
 * passes, or holds outputs until they may leave.
 */
export class LivePolicy implements HostPolicy {
  protected readonly pending = new InputQueue();

  constructor(
    protected readonly host: VmHost,
    /** The host's own random stream for entropy and hart scheduling. */
    protected readonly random: RandomStream,
    /** The host CPU's instructions per second; the cycle counter runs at this rate. */
    protected readonly cyclesPerSecond: number,
  ) {}

  onArrival(input: MachineInput): void {
    if (this.pending.push(input)) this.host.wake();
  }

  takeInputs(_retired: number): readonly MachineInput[] {
    return this.pending.takeAll();
  }

  executionLimit(): number {
    return Infinity;
  }

  readTime(clock: HardwareClock): number {
    // One tick is a whole number of ns (100): exact integer division, however long the run.
    return Math.floor(clock.nowNs / NS_PER_TICK);
  }

  readCycle(_hart: number, clock: HardwareClock): number {
    // Scaled rate first: nowNs * cyclesPerSecond would pass 2^53 within milliseconds.
    return Math.floor(clock.nowNs * (this.cyclesPerSecond / 1e9));
  }

  readEntropy(_clock: HardwareClock): number {
    return this.random.nextUint32();
  }

  scheduleHart(runnable: readonly number[], _clock: HardwareClock): HartSlice {
    return { hart: this.random.pick(runnable), quantum: this.random.int(HART_QUANTUM_MIN, HART_QUANTUM_MAX) };
  }

  onOutput(output: MachineOutput): void {
    this.host.release(output);
  }

  onTimerCompare(hart: number, compareTicks: number, clock: HardwareClock): void {
    this.host.armTimer(hart, compareTicks, clock);
  }
}
