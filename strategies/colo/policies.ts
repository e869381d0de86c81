/**
 * The per-host policies of COLO. Both replicas run the guest live — their own clock, cycle counter,
 * entropy and timers: COLO lets them diverge and compares what they send instead of forcing them
 * into lock-step. The primary's machine takes client frames as they come (the harness's live
 * policy) and tells its role each frame it takes in, which the role forwards; its outputs go to the
 * role, which holds them until compared. The backup's machine never sees client traffic: it takes
 * the primary's forwarded frames in their number order, and its outputs go to its role, which
 * digests them and never lets them leave.
 */
import type { MachineInput } from '../../harness/host/types.ts';
import { type BackupOutputSink, FedBackupPolicy, type HeldOutputSink, HoldingPrimaryPolicy } from '../shared/policies.ts';

/** What the primary policy asks of its role. */
export interface PrimarySink extends HeldOutputSink {
  /** A client frame enters the machine now. */
  onDelivered(source: number, bytes: Uint8Array): void;
}

export class ColoPrimaryPolicy extends HoldingPrimaryPolicy<PrimarySink> {
  override takeInputs(retired: number): readonly MachineInput[] {
    const inputs = this.inner.takeInputs(retired);
    for (const input of inputs) if (input.kind === 'frame') this.sink.onDelivered(input.source, input.bytes);
    return inputs;
  }
}

/** What the backup policy asks of its role. */
export interface ForwardedSource extends BackupOutputSink {
  /** The forwarded frames that may enter the machine now, in number order. */
  takeFrames(): readonly MachineInput[];
}

export class ColoBackupPolicy extends FedBackupPolicy<ForwardedSource> {
  override takeInputs(retired: number): readonly MachineInput[] {
    return [...this.inner.takeInputs(retired), ...this.source.takeFrames()];
  }
}
