/**
 * The per-host policies of COLO. Both replicas run the guest live — their own clock, cycle counter,
 * entropy and timers: COLO lets them diverge and compares what they send instead of forcing them
 * into lock-step. The primary's machine takes client frames as they come (the harness's live
 * policy) and tells its role each frame it takes in, which the role forwards; its outputs go to the
 * role, which holds them until compared. The backup's machine never sees client traffic: it takes
 * the primary's forwarded frames in their number order, and its outputs go to its role, which
 * digests them and never lets them leave.
 */
import { DelegatingPolicy } from '../../harness/host/delegating-policy.ts';
import type { HostPolicy, MachineInput, MachineOutput } from '../../harness/host/types.ts';
import type { VmHost } from '../../harness/host/vm-host.ts';

/** What the primary policy asks of its role. */
export interface PrimarySink {
  /** A client frame enters the machine now. */
  onDelivered(source: number, bytes: Uint8Array): void;
  onOutput(output: MachineOutput): void;
  /** How far the machine, now at `retired`, may run (it stalls while the output hold is full). */
  executionLimit(retired: number): number;
}

export class ColoPrimaryPolicy extends DelegatingPolicy {
  constructor(
    private readonly vmHost: VmHost,
    /** The harness's live policy for this host. */
    live: HostPolicy,
    private readonly sink: PrimarySink,
  ) {
    super(live);
  }

  override takeInputs(retired: number): readonly MachineInput[] {
    const inputs = this.inner.takeInputs(retired);
    for (const input of inputs) if (input.kind === 'frame') this.sink.onDelivered(input.source, input.bytes);
    return inputs;
  }

  override executionLimit(): number {
    return Math.min(this.inner.executionLimit(), this.sink.executionLimit(this.vmHost.machine.retired));
  }

  override onOutput(output: MachineOutput): void {
    this.sink.onOutput(output);
  }
}

/** What the backup policy asks of its role. */
export interface ForwardedSource {
  /** The forwarded frames that may enter the machine now, in number order. */
  takeFrames(): readonly MachineInput[];
  onOutput(output: MachineOutput): void;
}

export class ColoBackupPolicy extends DelegatingPolicy {
  /** Client frames that reached this host directly (none should: the service address names the primary). */
  ignoredFrames = 0;

  constructor(
    /** The harness's live policy for this host: its own timers and reads. */
    live: HostPolicy,
    private readonly source: ForwardedSource,
  ) {
    super(live);
  }

  override onArrival(input: MachineInput): void {
    if (input.kind === 'frame') {
      this.ignoredFrames++;
      return;
    }
    this.inner.onArrival(input);
  }

  override takeInputs(retired: number): readonly MachineInput[] {
    return [...this.inner.takeInputs(retired), ...this.source.takeFrames()];
  }

  override executionLimit(): number {
    return Infinity;
  }

  override onOutput(output: MachineOutput): void {
    this.source.onOutput(output);
  }
}
