/**
 * The primary's host policy: an unreplicated machine's behaviour (the harness's live policy, which
 * it wraps: live time, cycle and entropy, timers armed on the host) plus the VM-FT log. Every input
 * it delivers and every non-deterministic value the guest reads is appended to the log at the
 * instruction count where it happened; outputs go to the primary role, which applies the output
 * rule. The protocol decisions (what fits, how far to run, when an output leaves) are the role's.
 */
import { InputQueue } from '../../harness/host/input-queue.ts';
import type { HardwareClock, HostPolicy, MachineInput, MachineOutput } from '../../harness/host/types.ts';
import type { VmHost } from '../../harness/host/vm-host.ts';
import type { TimeNs } from '../../harness/sim/types.ts';
import type { HartSlice } from '../../harness/vm/types.ts';
import type { LogEntry } from './log-entry.ts';

/** What the primary policy asks of its role. */
export interface PrimaryLogSink {
  /** Whether entries are logged now (false for a primary that goes on alone). */
  readonly logging: boolean;
  /** Whether `entry` fits in the log buffer now. */
  fits(entry: LogEntry): boolean;
  /** Appends `entry`, produced at `timeNs`. */
  append(entry: LogEntry, timeNs: TimeNs): void;
  /** How far the machine, now at `retired`, may run (flow control). */
  executionLimit(retired: number): number;
  /** An output of the guest. */
  onOutput(output: MachineOutput): void;
  /** The completion of disk request `id` was delivered to the guest. */
  delivered(id: number): void;
}

/** The log entry of an input delivered at the boundary before instruction `retired`. */
export function inputEntry(input: MachineInput, retired: number): LogEntry {
  switch (input.kind) {
    case 'frame':
      return { kind: 'frame', retired, source: input.source, bytes: input.bytes };
    case 'disk':
      return { kind: 'disk', retired, id: input.id, completion: input.completion };
    case 'timer':
      return { kind: 'timer', retired, hart: input.hart };
  }
}

export class PrimaryPolicy implements HostPolicy {
  private readonly pending = new InputQueue();

  constructor(
    private readonly vmHost: VmHost,
    /** The harness's live policy for this host: live reads, host timers. */
    private readonly live: HostPolicy,
    private readonly sink: PrimaryLogSink,
  ) {}

  /** Whether what the machine consumes is logged now (false for a primary that goes on alone). */
  get logging(): boolean {
    return this.sink.logging;
  }

  onArrival(input: MachineInput): void {
    if (this.pending.push(input)) this.vmHost.wake();
  }

  /** Delivers the waiting inputs that fit in the log buffer, logging each at this boundary. */
  takeInputs(retired: number): readonly MachineInput[] {
    const inputs = this.sink.logging ? this.takeLogged(retired) : this.pending.takeAll();
    for (const input of inputs) if (input.kind === 'disk') this.sink.delivered(input.id);
    return inputs;
  }

  /** The waiting inputs that fit in the log buffer, each appended to the log at this boundary. */
  private takeLogged(retired: number): MachineInput[] {
    const timeNs = this.vmHost.cpuNs();
    return this.pending.takeWhile((input) => {
      const entry = inputEntry(input, retired);
      if (!this.sink.fits(entry)) return false;
      this.sink.append(entry, timeNs);
      return true;
    });
  }

  executionLimit(): number {
    return this.sink.executionLimit(this.vmHost.machine.retired);
  }

  readTime(clock: HardwareClock): number {
    const value = this.live.readTime(clock);
    if (this.sink.logging) this.sink.append({ kind: 'time', retired: clock.retired, value }, clock.nowNs);
    return value;
  }

  readCycle(hart: number, clock: HardwareClock): number {
    const value = this.live.readCycle(hart, clock);
    if (this.sink.logging) this.sink.append({ kind: 'cycle', retired: clock.retired, hart, value }, clock.nowNs);
    return value;
  }

  readEntropy(clock: HardwareClock): number {
    const value = this.live.readEntropy(clock);
    if (this.sink.logging) this.sink.append({ kind: 'entropy', retired: clock.retired, value }, clock.nowNs);
    return value;
  }

  scheduleHart(_runnable: readonly number[], _clock: HardwareClock): HartSlice {
    // The lecture: "FT doesn't cope with multi-processor guests". The strategy declares it and the
    // harness refuses such guests up front; reaching this is a bug.
    throw new Error('VM-FT replicates uniprocessor guests only: the hart interleaving is not logged');
  }

  onOutput(output: MachineOutput): void {
    this.sink.onOutput(output);
  }

  onTimerCompare(hart: number, compareTicks: number, clock: HardwareClock): void {
    this.live.onTimerCompare(hart, compareTicks, clock);
  }
}
