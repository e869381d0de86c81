/**
 * Two host policies a replicating strategy starts from. A primary runs live but hands its outputs to its role, which holds them until the backup
 * holds what produced them (the output rule), and stalls while that hold is full. A backup runs on
 * its own clock and timers but takes no client frame from the network — the service address names
 * the primary, and its role feeds it what the primary took in — and its outputs go to its role,
 * never to the world. A strategy extends them with where inputs come from and what reads return.
 */
import { DelegatingPolicy } from '../../harness/host/delegating-policy.ts';
import type { HostPolicy, MachineInput, MachineOutput } from '../../harness/host/types.ts';
import type { VmHost } from '../../harness/host/vm-host.ts';

/** What a primary's policy asks of its role. */
export interface HeldOutputSink {
  /** An output of the guest: released at once, or held until the backup holds what produced it. */
  onOutput(output: MachineOutput): void;
  /** How far the machine, now at `retired`, may run (it stalls while the output hold is full). */
  executionLimit(retired: number): number;
}

/** A primary's machine: live, its outputs to its role, stalled while the role's hold is full. */
export class HoldingPrimaryPolicy<Sink extends HeldOutputSink = HeldOutputSink> extends DelegatingPolicy {
  constructor(
    protected readonly vmHost: VmHost,
    /** The harness's live policy for this host. */
    live: HostPolicy,
    protected readonly sink: Sink,
  ) {
    super(live);
  }

  override executionLimit(): number {
    return Math.min(this.inner.executionLimit(), this.sink.executionLimit(this.vmHost.machine.retired));
  }

  override onOutput(output: MachineOutput): void {
    this.sink.onOutput(output);
  }
}

/** What a backup's policy asks of its role. */
export interface BackupOutputSink {
  /** An output of the backup's guest: the role compares or counts it; it never leaves. */
  onOutput(output: MachineOutput): void;
}

/** A backup's machine: its own timers and reads, client frames only from its role, never stalled. */
export class FedBackupPolicy<Source extends BackupOutputSink = BackupOutputSink> extends DelegatingPolicy {
  /** Client frames that reached this host directly (none should: the service address names the primary). */
  ignoredFrames = 0;

  constructor(
    /** The harness's live policy for this host: the backup's own timers and reads. */
    live: HostPolicy,
    protected readonly source: Source,
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

  override executionLimit(): number {
    return Infinity;
  }

  override onOutput(output: MachineOutput): void {
    this.source.onOutput(output);
  }
}
