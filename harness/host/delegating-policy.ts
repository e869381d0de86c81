/**
 * A host policy that hands every call to `inner`: a strategy's policy extends it and overrides
 * only what it changes (where inputs come from, where outputs go, how far the machine may run),
 * instead of spelling out each forward. `onIdle` is forwarded too, so wrapping a policy never
 * drops the replay's idle check (vmft's backup).
 */
import type { HardwareClock, HostPolicy, MachineInput, MachineOutput } from './types.ts';
import type { HartSlice } from '../vm/types.ts';

export class DelegatingPolicy<Inner extends HostPolicy = HostPolicy> implements HostPolicy {
  constructor(protected readonly inner: Inner) {}

  onArrival(input: MachineInput): void {
    this.inner.onArrival(input);
  }

  takeInputs(retired: number): readonly MachineInput[] {
    return this.inner.takeInputs(retired);
  }

  onIdle(retired: number): void {
    this.inner.onIdle?.(retired);
  }

  executionLimit(): number {
    return this.inner.executionLimit();
  }

  readTime(clock: HardwareClock): number {
    return this.inner.readTime(clock);
  }

  readCycle(hart: number, clock: HardwareClock): number {
    return this.inner.readCycle(hart, clock);
  }

  readEntropy(clock: HardwareClock): number {
    return this.inner.readEntropy(clock);
  }

  scheduleHart(runnable: readonly number[], clock: HardwareClock): HartSlice {
    return this.inner.scheduleHart(runnable, clock);
  }

  onOutput(output: MachineOutput): void {
    this.inner.onOutput(output);
  }

  onTimerCompare(hart: number, compareTicks: number, clock: HardwareClock): void {
    this.inner.onTimerCompare(hart, compareTicks, clock);
  }
}
