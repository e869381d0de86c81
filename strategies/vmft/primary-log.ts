/**
 * The primary's log buffer, as protocol logic without I/O: entries appended in execution order
 * with sequence numbers, kept until the backup acknowledges them, handed out for sending when their
 * time has come. Its size is bounded; a full buffer is what stalls the primary (flow control: "a
 * full buffer stalls the primary", as in VMware FT, so a slow backup slows the primary instead of
 * falling ever further behind).
 */
import type { TimeNs } from '../../harness/sim/types.ts';
import { type LogEntry, entryBufferBytes } from './log-entry.ts';

/** An entry in the buffer. */
export interface BufferedEntry {
  readonly sequence: number;
  readonly entry: LogEntry;
  /** Virtual time of the instruction (or boundary) that produced it: it cannot be sent earlier. */
  readonly timeNs: TimeNs;
  /** Buffer space it takes (`entryBufferBytes`). */
  readonly bytes: number;
}

export class PrimaryLog {
  private entries: BufferedEntry[] = [];
  private head = 0;
  private nextSequence = 1;
  private acknowledged = 0;
  private sent = 0;
  private used = 0;
  private unsent = 0;
  /** Most buffer space ever used: never above the capacity. */
  peakBytes = 0;

  constructor(readonly capacityBytes: number) {
    if (!Number.isSafeInteger(capacityBytes) || capacityBytes <= 0) throw new RangeError(`log buffer capacity ${capacityBytes} must be an integer > 0`);
  }

  /** Sequence number of the last entry appended (0: none yet). */
  get lastSequence(): number {
    return this.nextSequence - 1;
  }

  /** Highest sequence number the backup acknowledged. */
  get ackedSequence(): number {
    return this.acknowledged;
  }

  /** Highest sequence number handed out for sending. */
  get sentSequence(): number {
    return this.sent;
  }

  get usedBytes(): number {
    return this.used;
  }

  get freeBytes(): number {
    return this.capacityBytes - this.used;
  }

  /** Bytes of entries not sent yet. */
  get unsentBytes(): number {
    return this.unsent;
  }

  /** Whether `entry` fits in the buffer now. */
  fits(entry: LogEntry): boolean {
    return entryBufferBytes(entry) <= this.freeBytes;
  }

  /** Appends `entry` (which must fit) and returns its sequence number. */
  append(entry: LogEntry, timeNs: TimeNs): number {
    const bytes = entryBufferBytes(entry);
    if (bytes > this.freeBytes) throw new Error(`log buffer overflow: ${bytes} bytes with ${this.freeBytes} of ${this.capacityBytes} free`);
    const last = this.entries[this.entries.length - 1];
    if (this.entries.length > this.head && last !== undefined && entry.retired < last.entry.retired) {
      throw new Error(`log entry at instruction ${entry.retired} after one at ${last.entry.retired}`);
    }
    const sequence = this.nextSequence++;
    this.entries.push({ sequence, entry, timeNs, bytes });
    this.used += bytes;
    this.unsent += bytes;
    this.peakBytes = Math.max(this.peakBytes, this.used);
    return sequence;
  }

  /** The backup holds every entry up to `sequence`: frees them. Returns whether anything was freed. */
  acknowledge(sequence: number): boolean {
    if (!Number.isSafeInteger(sequence) || sequence > this.lastSequence) throw new Error(`ack of sequence ${sequence}, but only ${this.lastSequence} were appended`);
    if (sequence <= this.acknowledged) return false;
    while (this.head < this.entries.length && this.entries[this.head]!.sequence <= sequence) {
      const freed = this.entries[this.head++]!;
      this.used -= freed.bytes;
      if (freed.sequence > this.sent) this.unsent -= freed.bytes;
    }
    this.acknowledged = sequence;
    this.sent = Math.max(this.sent, sequence);
    this.compact();
    return true;
  }

  /**
   * Entries not sent yet whose time has come (`timeNs <= nowNs`), in order, at most `maxEntries`
   * and about `maxBytes`; they count as sent.
   */
  takeDue(nowNs: TimeNs, maxEntries: number, maxBytes: number): BufferedEntry[] {
    const batch: BufferedEntry[] = [];
    let bytes = 0;
    for (let index = this.indexOf(this.sent + 1); index < this.entries.length && batch.length < maxEntries; index++) {
      const buffered = this.entries[index]!;
      if (buffered.timeNs > nowNs || (batch.length > 0 && bytes + buffered.bytes > maxBytes)) break;
      batch.push(buffered);
      bytes += buffered.bytes;
    }
    if (batch.length > 0) {
      this.sent = batch[batch.length - 1]!.sequence;
      this.unsent -= bytes;
    }
    return batch;
  }

  /** Time of the first entry not sent yet, if any. */
  nextUnsentTimeNs(): TimeNs | undefined {
    return this.entries[this.indexOf(this.sent + 1)]?.timeNs;
  }

  /** Go-back-N: entries after `sequence` (at least the acknowledged ones) will be sent again. */
  rewind(sequence: number): void {
    const to = Math.max(this.acknowledged, Math.min(sequence, this.sent));
    for (let index = this.indexOf(to + 1); index < this.indexOf(this.sent + 1); index++) this.unsent += this.entries[index]!.bytes;
    this.sent = to;
  }

  private indexOf(sequence: number): number {
    return this.head + (sequence - this.acknowledged - 1);
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}
