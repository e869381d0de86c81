/**
 * The backup's host policy: everything comes from the log. Inputs are delivered at exactly the
 * boundary the primary delivered them; reads return the logged value and must match the logged
 * kind and count (a mismatch throws: divergence is a bug to surface). Outputs are suppressed (the
 * primary's went out), but disk requests the guest started are remembered until their completion
 * comes from the log, so that on go-live they can be issued again. mtimecmp writes arm nothing:
 * timer interrupts come from the log.
 */
import type { HardwareClock, HostPolicy, MachineInput, MachineOutput } from '../../harness/host/types.ts';
import type { VmHost } from '../../harness/host/vm-host.ts';
import type { DiskRequest, HartSlice } from '../../harness/vm/types.ts';
import { type BoundaryEntry, type OutputKind, isBoundaryEntry } from './log-entry.ts';
import { ReplayDivergence, type ReplayLog } from './replay-log.ts';

/** What the backup policy tells its role. */
export interface BackupReplayListener {
  /** The machine is exactly at the PROGRESS entry at `retired` (a sync point). */
  onProgress(retired: number): void;
  /** Entries were replayed (buffer space freed). */
  onReplayed(): void;
  /** A PROGRESS entry follows inputs just returned: call `takeInputs` again at this boundary. */
  onBoundaryPending(): void;
}

/** Most disk requests a guest can have in flight that the backup remembers: a stated bound. */
const MAX_PENDING_DISK = 1024;

export class BackupPolicy implements HostPolicy {
  /** Disk requests the guest started whose completion has not come from the log. */
  readonly pendingDisk = new Map<number, DiskRequest>();
  /** Last mtimecmp the guest wrote, per hart (armed on go-live). */
  readonly timerCompare = new Map<number, number>();
  /** Client frames that reached the backup directly (they are not inputs: only the log is). */
  ignoredFrames = 0;

  constructor(
    private readonly vmHost: VmHost,
    private readonly replay: ReplayLog,
    private readonly listener: BackupReplayListener,
  ) {}

  onArrival(input: MachineInput): void {
    if (input.kind === 'frame') {
      this.ignoredFrames++;
      return;
    }
    // The backup releases no disk request and arms no timer, so nothing else can arrive.
    throw new Error(`backup ${this.vmHost.name}: unexpected live ${input.kind} input`);
  }

  /** The logged inputs at boundary `retired`, up to a PROGRESS entry (declared as a sync point). */
  takeInputs(retired: number): readonly MachineInput[] {
    const inputs: MachineInput[] = [];
    let replayed = false;
    for (let next = this.replay.peek(); next !== undefined; next = this.replay.peek()) {
      if (next.retired < retired) throw new ReplayDivergence(`the machine is at ${retired}, past the log's ${next.kind} entry at ${next.retired}`);
      if (next.retired > retired || !isBoundaryEntry(next)) break;
      if (next.kind === 'progress' && inputs.length > 0) {
        // The sync point must see the inputs before it delivered: come back once they are.
        this.listener.onBoundaryPending();
        break;
      }
      this.replay.pop();
      replayed = true;
      if (next.kind === 'progress') this.listener.onProgress(retired);
      else inputs.push(this.toInput(next));
    }
    if (replayed) this.listener.onReplayed();
    return inputs;
  }

  executionLimit(): number {
    return this.replay.limit(this.vmHost.machine.retired);
  }

  /**
   * An idle guest short of the log's next entry: the primary's guest ran on to that instruction
   * without idling, so this one no longer executes what the primary did (harts interleaved another
   * way, say) and would wait for ever.
   */
  onIdle(retired: number): void {
    const next = this.replay.peek();
    if (next !== undefined && next.retired > retired) throw new ReplayDivergence(`the guest went idle at instruction ${retired}, short of the log's ${next.kind} entry at ${next.retired}`);
  }

  readTime(clock: HardwareClock): number {
    return this.replayed(() => this.replay.popRead('time', clock.retired).value);
  }

  readCycle(hart: number, clock: HardwareClock): number {
    return this.replayed(() => {
      const entry = this.replay.popRead('cycle', clock.retired);
      if (entry.hart !== hart) throw new ReplayDivergence(`cycle read of hart ${hart} at ${clock.retired}, logged for hart ${entry.hart}`);
      return entry.value;
    });
  }

  readEntropy(clock: HardwareClock): number {
    return this.replayed(() => this.replay.popRead('entropy', clock.retired).value);
  }

  scheduleHart(_runnable: readonly number[], _clock: HardwareClock): HartSlice {
    throw new Error('VM-FT replicates uniprocessor guests only: the hart interleaving is not logged');
  }

  /**
   * The backup's outputs never leave. Each one the world saw from the primary is marked in the log
   * at the same count: the replay must produce it there. Disk requests are remembered for go-live.
   */
  onOutput(output: MachineOutput): void {
    const marked = markedOutput(output);
    if (marked !== undefined) this.replayed(() => this.replay.popOutput(marked, output.retired).retired);
    if (output.kind !== 'disk') return;
    if (this.pendingDisk.size >= MAX_PENDING_DISK) throw new Error(`backup ${this.vmHost.name}: more than ${MAX_PENDING_DISK} disk requests in flight`);
    this.pendingDisk.set(output.request.id, output.request);
  }

  onTimerCompare(hart: number, compareTicks: number, _clock: HardwareClock): void {
    this.timerCompare.set(hart, compareTicks);
  }

  private replayed(read: () => number): number {
    const value = read();
    this.listener.onReplayed();
    return value;
  }

  private toInput(entry: Exclude<BoundaryEntry, { kind: 'progress' }>): MachineInput {
    switch (entry.kind) {
      case 'frame':
        return { kind: 'frame', source: entry.source, bytes: entry.bytes };
      case 'disk':
        this.pendingDisk.delete(entry.id);
        return { kind: 'disk', id: entry.id, completion: entry.completion };
      case 'timer':
        return { kind: 'timer', hart: entry.hart };
    }
  }
}

/** The kind under which the primary marks `output` in the log, or undefined for one it does not mark. */
export function markedOutput(output: MachineOutput): OutputKind | undefined {
  if (output.kind === 'frame') return 'frame';
  if (output.kind === 'disk' && output.request.operation === 'write') return 'disk-write';
  return undefined;
}
