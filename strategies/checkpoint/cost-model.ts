/**
 * What a checkpoint costs the primary's CPU, after Remus (Cully et al., NSDI 2008, §3): at the end
 * of every epoch the guest is suspended, its dirty pages are copied to a staging buffer, and it is
 * resumed; between checkpoints the hypervisor tracks which pages the guest writes by
 * write-protecting them, so the first write to each page in an epoch takes a fault. All three are
 * time the guest does not run:
 *
 *   pause = suspend/resume + copied bytes / copy rate + first writes × write-fault cost
 *
 * The write faults are charged in the pause at the end of the epoch rather than at each write:
 * the total CPU time taken from the guest is the same, and no output of the epoch can leave before
 * that checkpoint anyway (output buffering), so no reply sees them earlier. Every write is counted
 * as a fault, DMA by the NIC into guest memory included (Xen marks those pages dirty without a
 * fault; the guests here receive few pages' worth of frames per epoch).
 *
 * Defaults and their sources are in strategies/checkpoint/README.md.
 */
import type { ParameterSpec } from '../../harness/params.ts';
import type { TimeNs } from '../../harness/sim/types.ts';
import { copyTimeNs } from '../shared/reprotect.ts';

/** The cost model's parameters, in the units the code uses. */
export interface CheckpointCostModel {
  /** Fixed cost of suspending and resuming the guest, once per checkpoint. */
  readonly suspendResumeNs: number;
  /** Cost of one write-protection fault: the first write to a page in an epoch. */
  readonly writeFaultNs: number;
  /** Rate at which dirty pages are copied to the staging buffer. */
  readonly copyBytesPerSecond: number;
}

/** The parts of one checkpoint's pause. */
export interface CheckpointPause {
  readonly totalNs: TimeNs;
  readonly suspendResumeNs: TimeNs;
  readonly copyNs: TimeNs;
  readonly dirtyTrackingNs: TimeNs;
}

/** An order-of-magnitude value: no published figure for Remus' suspend/resume was located (README). */
export const SUSPEND_RESUME_DEFAULT_US = 100;
/**
 * A write-protection fault: a VM exit, the fault handler, an entry — a few thousand cycles (Intel,
 * "Understanding VM Exits", 2009; a KVM_RUN round trip of about 2,530 cycles, LKML 2020), at the
 * upper end for 2008 hardware (README).
 */
export const WRITE_FAULT_DEFAULT_NS = 2000;

export const CHECKPOINT_COST_PARAMETERS: readonly ParameterSpec[] = [
  { name: 'suspend-resume-us', description: 'fixed pause per checkpoint to suspend and resume the guest, in µs (Remus §3; an order-of-magnitude default with no located source: see strategies/checkpoint/README.md)', kind: 'integer', default: SUSPEND_RESUME_DEFAULT_US, min: 0, max: 1_000_000 },
  { name: 'write-fault-ns', description: 'dirty-tracking cost per first write to a page in an epoch (a write-protection fault: VM exit, handler, entry), in ns; 0: free tracking (sources in strategies/checkpoint/README.md)', kind: 'integer', default: WRITE_FAULT_DEFAULT_NS, min: 0, max: 1_000_000 },
];

/**
 * The pause of a checkpoint that copies `copiedBytes` of pages after `firstWrites` pages were
 * written for the first time in its epoch (0 for the first checkpoint of a pairing: tracking starts
 * with it, as Remus' log-dirty mode starts with the initial copy).
 */
export function checkpointPause(model: CheckpointCostModel, copiedBytes: number, firstWrites: number): CheckpointPause {
  if (!(copiedBytes >= 0) || !Number.isSafeInteger(firstWrites) || firstWrites < 0) throw new RangeError(`checkpoint of ${copiedBytes} bytes after ${firstWrites} first writes`);
  const copyNs = copyTimeNs(copiedBytes, model.copyBytesPerSecond);
  const dirtyTrackingNs = firstWrites * model.writeFaultNs;
  const suspendResumeNs = model.suspendResumeNs;
  return { totalNs: suspendResumeNs + copyNs + dirtyTrackingNs, suspendResumeNs, copyNs, dirtyTrackingNs };
}
