/**
 * Bringing up a new backup (re-protection after a failover): the running primary is paused while
 * its whole machine is copied, the copy is shipped to a spare host over the replication link, and
 * the spare restores it and starts following. The pause is modelled as the copy time of the
 * snapshot's bytes at a memory-copy rate, so it shows in client latency like a real one would.
 */
import type { VmHost } from '../../harness/host/vm-host.ts';
import type { StrategyClock } from '../types.ts';
import type { TimeNs } from '../../harness/sim/types.ts';
import type { MachineSnapshot } from '../../harness/vm/types.ts';
import { snapshotPageBytes } from './snapshot-codec.ts';

/** Time to copy `bytes` at `bytesPerSecond`, in whole ns (at least 1). */
export function copyTimeNs(bytes: number, bytesPerSecond: number): TimeNs {
  if (!(bytesPerSecond > 0)) throw new RangeError(`copy rate ${bytesPerSecond} B/s must be > 0`);
  return Math.max(1, Math.ceil((bytes * 1e9) / bytesPerSecond));
}

/**
 * Pauses `vmHost`, takes a full snapshot at once (the machine is exactly between two slices), and
 * resumes it after the modelled copy time. `taken` runs right after the snapshot (before the
 * resume: whatever the caller starts there, such as a new log, begins at the snapshot's point);
 * `resumed` runs when the primary executes again.
 */
export function pauseAndSnapshot(sim: Pick<StrategyClock, 'nowNs'> & { timer(delayNs: TimeNs, action: () => void): unknown }, vmHost: VmHost, copyBytesPerSecond: number, taken: (snapshot: MachineSnapshot, pauseNs: TimeNs) => void, resumed: () => void): void {
  // The host may have executed ahead of the clock: the snapshot is its state at cpuNs, and the
  // pause runs from there (from now, it would be hidden in the lead).
  const fromNs = Math.max(sim.nowNs, vmHost.cpuNs());
  vmHost.pause();
  const snapshot = vmHost.machine.snapshot('full');
  if (snapshot.harts.some((hart) => hart.retired < 0)) throw new Error('snapshot with a negative retired count');
  const pauseNs = copyTimeNs(snapshotPageBytes(snapshot), copyBytesPerSecond);
  taken(snapshot, pauseNs);
  sim.timer(fromNs - sim.nowNs + pauseNs, () => {
    vmHost.resume();
    resumed();
  });
}
