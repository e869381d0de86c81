/**
 * The per-host policies of COLO. Both replicas run the guest live — their own clock, cycle counter,
 * entropy and timers: COLO lets them diverge and compares what they send instead of forcing them
 * into lock-step. The primary's machine takes client frames as they come (the harness's live
 * policy) and tells its role each frame it takes in, which the role forwards; its outputs go to the
 * role, which holds them until compared. The backup's machine never sees client traffic: it takes
 * the primary's forwarded frames in their number order, and its outputs go to its role, which
 * digests them and never lets them leave.
 */
import type { HardwareClock, HostPolicy, MachineInput, MachineOutput } from '../../harness/host/types.ts';
import type { VmHost } from '../../harness/host/vm-host.ts';
import type { HartSlice } from '../../harness/vm/types.ts';

/** What the primary policy asks of its role. */
export interface PrimarySink {
  /** A client frame enters the machine now. */
  onDelivered(source: number, bytes: Uint8Array): void;
  onOutput(output: MachineOutput): void;
  /** How far the machine, now at `retired`, may run (it stalls while the output hold is full). */
  executionLimit(retired: number): number;
}

export class ColoPrimaryPolicy implements HostPolicy {
  constructor(
    private readonly vmHost: VmHost,
    /** The harness's live policy for this host. */
    private readonly live: HostPolicy,
    private readonly sink: PrimarySink,
  ) {}

  onArrival(input: MachineInput): void {
    this.live.onArrival(input);
  }

  takeInputs(retired: number): readonly MachineInput[] {
    const inputs = this.live.takeInputs(retired);
    for (const input of inputs) if (input.kind === 'frame') this.sink.onDelivered(input.source, input.bytes);
    return inputs;
  }

  executionLimit(): number {
    return Math.min(this.live.executionLimit(), this.sink.executionLimit(this.vmHost.machine.retired));
  }

  readTime(clock: HardwareClock): number {
    return this.live.readTime(clock);
  }

  readCycle(hart: number, clock: HardwareClock): number {
    return this.live.readCycle(hart, clock);
  }

  readEntropy(clock: HardwareClock): number {
    return this.live.readEntropy(clock);
  }

  scheduleHart(runnable: readonly number[], clock: HardwareClock): HartSlice {
    return this.live.scheduleHart(runnable, clock);
  }

  onOutput(output: MachineOutput): void {
    this.sink.onOutput(output);
  }

  onTimerCompare(hart: number, compareTicks: number, clock: HardwareClock): void {
    this.live.onTimerCompare(hart, compareTicks, clock);
  }
}

/** What the backup policy asks of its role. */
export interface ForwardedSource {
  /** The forwarded frames that may enter the machine now, in number order. */
  takeFrames(): readonly MachineInput[];
  onOutput(output: MachineOutput): void;
}

export class ColoBackupPolicy implements HostPolicy {
  /** Client frames that reached this host directly (none should: the service address names the primary). */
  ignoredFrames = 0;

  constructor(
    /** The harness's live policy for this host: its own timers and reads. */
    private readonly live: HostPolicy,
    private readonly source: ForwardedSource,
  ) {}

  onArrival(input: MachineInput): void {
    if (input.kind === 'frame') {
      this.ignoredFrames++;
      return;
    }
    this.live.onArrival(input);
  }

  takeInputs(retired: number): readonly MachineInput[] {
    return [...this.live.takeInputs(retired), ...this.source.takeFrames()];
  }

  executionLimit(): number {
    return Infinity;
  }

  readTime(clock: HardwareClock): number {
    return this.live.readTime(clock);
  }

  readCycle(hart: number, clock: HardwareClock): number {
    return this.live.readCycle(hart, clock);
  }

  readEntropy(clock: HardwareClock): number {
    return this.live.readEntropy(clock);
  }

  scheduleHart(runnable: readonly number[], clock: HardwareClock): HartSlice {
    return this.live.scheduleHart(runnable, clock);
  }

  onOutput(output: MachineOutput): void {
    this.source.onOutput(output);
  }

  onTimerCompare(hart: number, compareTicks: number, clock: HardwareClock): void {
    this.live.onTimerCompare(hart, compareTicks, clock);
  }
}
