/**
 * The per-host policies of the checkpoint strategy. The primary runs the guest exactly as an
 * unreplicated host would (the harness's live policy: live inputs, time, cycles, entropy and hart
 * schedule; state transfer needs no log of them, which is why it copes with multiprocessor
 * guests); only its outputs go to the primary role, which buffers them until the checkpoint that
 * covers them is acknowledged. The backup's machine only holds the last acknowledged checkpoint:
 * it never executes.
 */
import type { HostPolicy, MachineInput } from '../../harness/host/types.ts';
import type { VmHost } from '../../harness/host/vm-host.ts';
import type { HartSlice } from '../../harness/vm/types.ts';
import { type HeldOutputSink, HoldingPrimaryPolicy } from '../shared/policies.ts';

/** What the primary policy asks of its role. */
export interface PrimaryOutputSink extends HeldOutputSink {
  /** The completion of disk request `id` entered the machine: a later checkpoint no longer lists it. */
  delivered(id: number): void;
}

/** Its outputs wait for the checkpoint that covers them to be acknowledged (the role's hold). */
export class PrimaryPolicy extends HoldingPrimaryPolicy<PrimaryOutputSink> {
  override takeInputs(retired: number): readonly MachineInput[] {
    const inputs = this.inner.takeInputs(retired);
    for (const input of inputs) if (input.kind === 'disk') this.sink.delivered(input.id);
    return inputs;
  }
}

/**
 * The backup's machine: a holder of the last applied checkpoint that is never started, so the
 * platform is never called. Every call that would mean it executes is a bug and says so.
 */
export class FrozenPolicy implements HostPolicy {
  constructor(private readonly vmHost: VmHost) {}

  onArrival(input: MachineInput): void {
    throw new Error(`backup ${this.vmHost.name} received a ${input.kind} input: a checkpoint backup never executes`);
  }

  takeInputs(): readonly MachineInput[] {
    return [];
  }

  executionLimit(): number {
    return this.vmHost.machine.retired;
  }

  readTime(): number {
    return this.executing();
  }

  readCycle(): number {
    return this.executing();
  }

  readEntropy(): number {
    return this.executing();
  }

  scheduleHart(): HartSlice {
    return this.executing();
  }

  onOutput(): void {
    this.executing();
  }

  onTimerCompare(): void {
    this.executing();
  }

  private executing(): never {
    throw new Error(`backup ${this.vmHost.name} executed guest instructions: a checkpoint backup never executes`);
  }
}
