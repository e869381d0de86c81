/**
 * The backup's side of the log, as protocol logic without I/O: received entries waiting to be
 * replayed, in order, and where the backup may run to. The lecture's rule "backup just stays behind
 * one message": the backup never executes past the count of the last entry it received, since the
 * next entry (not received yet) might be an interrupt at that very count. It must also stop exactly
 * at every boundary entry (an input or a PROGRESS mark) to deliver it there.
 */
import { ReplicaDivergence } from '../../harness/host/types.ts';
import { type LogEntry, type OutputEntry, type OutputKind, type ReadEntry, entryBufferBytes, isBoundaryEntry } from './log-entry.ts';

/**
 * The backup's replay departed from the log: a bug to surface, never to swallow. The host stops the
 * backup's guest and the harness reports it as divergence (`ReplicaDivergence`).
 */
export class ReplayDivergence extends ReplicaDivergence {
  constructor(message: string) {
    super(`VM-FT replay diverged: ${message}`);
    this.name = 'ReplayDivergence';
  }
}

interface ReceivedEntry {
  readonly entry: LogEntry;
  readonly bytes: number;
}

export class ReplayLog {
  private queue: ReceivedEntry[] = [];
  private head = 0;
  /** Counts of boundary entries in the queue, in order (where the backup must stop). */
  private boundaries: number[] = [];
  private boundaryHead = 0;
  private received = 0;
  private lastRetired: number;
  /** Everything the primary produced before this count has been received. */
  private holdsBefore: number;
  private bytes = 0;
  /** Most unreplayed bytes ever held. */
  peakBytes = 0;
  /** Set once the primary is suspected: replay everything received, then stop. */
  draining = false;

  /** `startRetired`: the count the backup's machine starts at (0 booted, or a snapshot's). */
  constructor(startRetired: number) {
    this.lastRetired = startRetired;
    this.holdsBefore = startRetired;
  }

  /**
   * The count before which the backup holds everything the primary produced: the last received
   * entry's count (entries are in count order), or one past it when that entry marks an output (the
   * instruction that produced it is complete: its inputs and reads come before it in the log).
   */
  get heldPoint(): number {
    return this.holdsBefore;
  }

  /** Highest contiguous sequence number received. */
  get receivedSequence(): number {
    return this.received;
  }

  /** Count of the last entry received. */
  get lastReceivedRetired(): number {
    return this.lastRetired;
  }

  /** Bytes of entries received and not replayed yet. */
  get unreplayedBytes(): number {
    return this.bytes;
  }

  get empty(): boolean {
    return this.head === this.queue.length;
  }

  /**
   * Accepts the entries of a batch that continue the log: duplicates are skipped, and a batch that
   * starts after a gap (an earlier one was lost) is refused, to be sent again (go-back-N). Returns
   * how many entries were new.
   */
  receive(firstSequence: number, entries: readonly LogEntry[]): number {
    if (firstSequence > this.received + 1) return 0;
    let accepted = 0;
    entries.forEach((entry, index) => {
      if (firstSequence + index <= this.received) return;
      if (entry.retired < this.lastRetired) throw new ReplayDivergence(`entry ${firstSequence + index} at ${entry.retired} after one at ${this.lastRetired}`);
      const bytes = entryBufferBytes(entry);
      this.queue.push({ entry, bytes });
      if (isBoundaryEntry(entry)) this.boundaries.push(entry.retired);
      this.bytes += bytes;
      this.lastRetired = entry.retired;
      this.holdsBefore = Math.max(this.holdsBefore, entry.kind === 'output' ? entry.retired + 1 : entry.retired);
      this.received = firstSequence + index;
      accepted++;
    });
    this.peakBytes = Math.max(this.peakBytes, this.bytes);
    return accepted;
  }

  /**
   * How far the backup's machine (now at `current`) may run: to the next boundary entry, and never
   * past the last entry received. While draining, past it by one instruction if only reads or
   * outputs at that count are left, and not at all once everything is replayed.
   */
  limit(current: number): number {
    const nextBoundary = this.boundaryHead < this.boundaries.length ? this.boundaries[this.boundaryHead]! : Infinity;
    if (!this.draining) return Math.min(this.lastRetired, nextBoundary);
    if (this.empty) return current;
    return Math.min(nextBoundary, this.lastRetired + 1);
  }

  /** The next entry to replay, if any. */
  peek(): LogEntry | undefined {
    return this.queue[this.head]?.entry;
  }

  /** Removes the next entry (the caller has just replayed it). */
  pop(): LogEntry {
    const next = this.queue[this.head];
    if (next === undefined) throw new ReplayDivergence('nothing to replay');
    this.head++;
    this.bytes -= next.bytes;
    if (isBoundaryEntry(next.entry)) this.boundaryHead++;
    this.compact();
    return next.entry;
  }

  /** The next entry, which must be a read of `kind` during instruction `retired`. */
  popRead<K extends ReadEntry['kind']>(kind: K, retired: number): Extract<ReadEntry, { kind: K }> {
    const next = this.peek();
    if (next === undefined) throw new ReplayDivergence(`a ${kind} read at instruction ${retired}, but the log has nothing left`);
    if (next.kind !== kind || next.retired !== retired) {
      throw new ReplayDivergence(`a ${kind} read at instruction ${retired}, but the log's next entry is ${next.kind} at ${next.retired}`);
    }
    return this.pop() as Extract<ReadEntry, { kind: K }>;
  }

  /** The next entry, which must mark an output of `output` kind produced during instruction `retired`. */
  popOutput(output: OutputKind, retired: number): OutputEntry {
    const next = this.peek();
    if (next === undefined) throw new ReplayDivergence(`a ${output} output at instruction ${retired}, but the log has nothing left`);
    if (next.kind !== 'output' || next.output !== output || next.retired !== retired) {
      throw new ReplayDivergence(`a ${output} output at instruction ${retired}, but the log's next entry is ${next.kind === 'output' ? `a ${next.output} output` : next.kind} at ${next.retired}`);
    }
    return this.pop() as OutputEntry;
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.boundaryHead > 1024 && this.boundaryHead * 2 > this.boundaries.length) {
      this.boundaries = this.boundaries.slice(this.boundaryHead);
      this.boundaryHead = 0;
    }
  }
}
