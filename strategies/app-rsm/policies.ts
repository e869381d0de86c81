/**
 * The per-host policies of the application-level RSM.
 *
 * The primary's host runs live (the harness's live policy: live time, cycles, entropy and timers)
 * but hands its guest client request frames one at a time: the next frame enters the NIC only once
 * the guest answered the previous one (or finished it without an answer). The guests are
 * single-threaded request/reply servers, so this makes every request an *operation* with a clear
 * extent, from its delivery to its reply, and every non-deterministic read the guest makes in that
 * extent belongs to it. The reads pass through to the role, which records them with the operation.
 *
 * The backup's host never sees client traffic: its policy delivers the operations it received,
 * in number order, one at a time, and answers the guest's reads while an operation executes with
 * the values recorded on the primary. Reads outside any operation (timer-driven work: ttl-cache's
 * eager sweeps) are answered live — an application-level RSM does not replicate them, which is
 * exactly why such state can diverge. The backup's outputs never leave.
 */
import { InputQueue } from '../../harness/host/input-queue.ts';
import type { HardwareClock, MachineInput } from '../../harness/host/types.ts';
import { type BackupOutputSink, FedBackupPolicy, type HeldOutputSink, HoldingPrimaryPolicy } from '../shared/policies.ts';
import type { ReadKind } from './messages.ts';

/**
 * Which request frames may enter the primary's guest: `all` as they come (no backup: nothing to
 * number), `one` at a time (each an operation), or `none` (the guest goes idle so that its state
 * can be copied to a new backup).
 */
export type Admission = 'all' | 'one' | 'none';

/** What the primary policy asks of its role. */
export interface PrimarySink extends HeldOutputSink {
  readonly admission: Admission;
  /** Whether an operation is executing (delivered, not yet finished). */
  readonly executing: boolean;
  /** A request frame enters the guest now: it becomes the next operation. */
  onDelivered(source: number, bytes: Uint8Array): void;
  /** A read the guest made now, with the value it got. */
  onRead(kind: ReadKind, value: number): void;
  /** An input arrived: a chance to notice that the guest finished an operation without replying. */
  poke(): void;
}

/** Its replies wait for the backup's ack of their operation (the role's hold). */
export class AppPrimaryPolicy extends HoldingPrimaryPolicy<PrimarySink> {
  /** Client frames waiting to enter the guest, one operation at a time. */
  readonly frames = new InputQueue();

  override onArrival(input: MachineInput): void {
    if (input.kind !== 'frame') return this.inner.onArrival(input);
    this.sink.poke();
    if (this.frames.push(input)) this.vmHost.wake();
  }

  override takeInputs(retired: number): readonly MachineInput[] {
    const inputs = [...this.inner.takeInputs(retired)];
    const admission = this.sink.admission;
    if (admission === 'all') return [...inputs, ...this.frames.takeAll()];
    if (admission === 'none' || this.sink.executing || this.frames.length === 0) return inputs;
    let taken = 0;
    const [frame] = this.frames.takeWhile(() => taken++ === 0);
    if (frame?.kind === 'frame') {
      this.sink.onDelivered(frame.source, frame.bytes);
      inputs.push(frame);
    }
    return inputs;
  }

  override readTime(clock: HardwareClock): number {
    const value = this.inner.readTime(clock);
    this.sink.onRead('time', value);
    return value;
  }

  override readCycle(hart: number, clock: HardwareClock): number {
    const value = this.inner.readCycle(hart, clock);
    this.sink.onRead('cycle', value);
    return value;
  }

  override readEntropy(clock: HardwareClock): number {
    const value = this.inner.readEntropy(clock);
    this.sink.onRead('entropy', value);
    return value;
  }
}

/** What the backup policy asks of its role. */
export interface ReplaySource extends BackupOutputSink {
  /** The next operation's request frame, if it may enter the guest now (it becomes the executing one). */
  takeNext(): { readonly source: number; readonly bytes: Uint8Array } | undefined;
  /** The recorded value for a read of `kind` by the executing operation; undefined outside one (answer live). */
  replayRead(kind: ReadKind): number | undefined;
}

/** Timer-driven work runs on the backup's own clock; an operation's reads are the primary's. */
export class AppBackupPolicy extends FedBackupPolicy<ReplaySource> {
  override takeInputs(retired: number): readonly MachineInput[] {
    const inputs = [...this.inner.takeInputs(retired)];
    const next = this.source.takeNext();
    if (next !== undefined) inputs.push({ kind: 'frame', source: next.source, bytes: next.bytes });
    return inputs;
  }

  override readTime(clock: HardwareClock): number {
    return this.source.replayRead('time') ?? this.inner.readTime(clock);
  }

  override readCycle(hart: number, clock: HardwareClock): number {
    return this.source.replayRead('cycle') ?? this.inner.readCycle(hart, clock);
  }

  override readEntropy(clock: HardwareClock): number {
    return this.source.replayRead('entropy') ?? this.inner.readEntropy(clock);
  }

  /** Timer inputs that arrived and were not delivered yet (handed to the live policy on go-live). */
  takePending(): readonly MachineInput[] {
    return this.inner.takeInputs(0);
  }
}
