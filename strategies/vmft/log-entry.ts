/**
 * VM-FT log entries and their encoding. The lecture: "While primary was executing deterministic
 * instruction '100', interrupt arrived. It sends to backup through logging channel with something
 * like {100, Interrupt, data1}". An entry is (primary retired count, kind, data) for every input
 * delivered, every non-deterministic read, every output the world sees, and a PROGRESS mark at
 * each heartbeat.
 *
 * Order at one count: inputs are delivered at the boundary *before* instruction `retired`, reads
 * happen *during* it, so at equal counts inputs (and PROGRESS marks, which are boundaries too) come
 * first. Entries are encoded compactly: the count as a varint delta from the previous entry.
 */
import { ByteReader, ByteWriter, DecodeError } from '../../harness/net/codec.ts';
import type { DiskCompletion } from '../../harness/vm/types.ts';

/** A log entry: what the primary saw at instruction count `retired`. */
export type LogEntry =
  /** A NIC frame delivered at the boundary before `retired`. */
  | { readonly kind: 'frame'; readonly retired: number; readonly source: number; readonly bytes: Uint8Array }
  /** A disk completion delivered at the boundary (with the data, for a read). */
  | { readonly kind: 'disk'; readonly retired: number; readonly id: number; readonly completion: DiskCompletion }
  /** The timer interrupt of `hart` raised at the boundary. */
  | { readonly kind: 'timer'; readonly retired: number; readonly hart: number }
  /** The primary's position at a heartbeat: lets the backup advance through stretches without events. */
  | { readonly kind: 'progress'; readonly retired: number }
  /** A read of mtime during instruction `retired`. */
  | { readonly kind: 'time'; readonly retired: number; readonly value: number }
  /** A read of a hart's cycle counter. */
  | { readonly kind: 'cycle'; readonly retired: number; readonly hart: number; readonly value: number }
  /** A read of the entropy register. */
  | { readonly kind: 'entropy'; readonly retired: number; readonly value: number }
  /**
   * A client frame or disk write produced during instruction `retired`. It carries no data (the
   * backup's guest produces the same output): it extends the log to the output, so that a backup
   * going live replays at least to it before anything new (a timer interrupt) can happen — the
   * paper's output requirement, "until the backup VM has received all information that will allow
   * it to replay execution at least to the point of that output operation" (VMware FT §2.2).
   */
  | { readonly kind: 'output'; readonly retired: number; readonly output: OutputKind };

/** Outputs marked in the log: what the world sees. */
export type OutputKind = 'frame' | 'disk-write';

export type LogEntryKind = LogEntry['kind'];
/** Kinds delivered at an instruction boundary (the backup must stop exactly there). */
export type BoundaryEntry = Extract<LogEntry, { kind: 'frame' | 'disk' | 'timer' | 'progress' }>;
/** Kinds consumed during an instruction. */
export type ReadEntry = Extract<LogEntry, { kind: 'time' | 'cycle' | 'entropy' }>;
export type OutputEntry = Extract<LogEntry, { kind: 'output' }>;

export const LOG_ENTRY_KINDS: readonly LogEntryKind[] = ['frame', 'disk', 'timer', 'progress', 'time', 'cycle', 'entropy', 'output'];

export function isBoundaryEntry(entry: LogEntry): entry is BoundaryEntry {
  return entry.kind === 'frame' || entry.kind === 'disk' || entry.kind === 'timer' || entry.kind === 'progress';
}

const KIND_CODES: Readonly<Record<LogEntryKind, number>> = { frame: 1, disk: 2, timer: 3, progress: 4, time: 5, cycle: 6, entropy: 7, output: 8 };
const OUTPUT_CODES: Readonly<Record<OutputKind, number>> = { frame: 1, 'disk-write': 2 };

/** Bytes a count delta may take at most (a varint of a safe integer). */
const MAX_VARINT_BYTES = 8;

/** Writes a non-negative safe integer as a LEB128 varint. */
export function writeVarint(writer: ByteWriter, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint out of range: ${value}`);
  let rest = value;
  while (rest >= 0x80) {
    writer.u8((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  writer.u8(rest);
}

/** Reads a varint written by `writeVarint`. */
export function readVarint(reader: ByteReader): number {
  let value = 0;
  let scale = 1;
  for (let index = 0; index < MAX_VARINT_BYTES; index++) {
    const byte = reader.u8();
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      if (!Number.isSafeInteger(value)) throw new DecodeError(`varint ${value} exceeds 2^53 - 1`);
      return value;
    }
    scale *= 0x80;
  }
  throw new DecodeError(`varint longer than ${MAX_VARINT_BYTES} bytes`);
}

/** Encodes one entry, its count as a delta from `previousRetired`. */
export function writeEntry(writer: ByteWriter, entry: LogEntry, previousRetired: number): void {
  if (entry.retired < previousRetired) throw new RangeError(`log entry at ${entry.retired} after one at ${previousRetired}`);
  writer.u8(KIND_CODES[entry.kind]);
  writeVarint(writer, entry.retired - previousRetired);
  switch (entry.kind) {
    case 'frame':
      writer.u32(entry.source);
      writeVarint(writer, entry.bytes.length);
      writer.raw(entry.bytes);
      return;
    case 'disk':
      writeVarint(writer, entry.id);
      writeDiskCompletion(writer, entry.completion);
      return;
    case 'timer':
      writer.u8(entry.hart);
      return;
    case 'progress':
      return;
    case 'time':
      writeVarint(writer, entry.value);
      return;
    case 'cycle':
      writer.u8(entry.hart);
      writeVarint(writer, entry.value);
      return;
    case 'entropy':
      writer.u32(entry.value);
      return;
    case 'output':
      writer.u8(OUTPUT_CODES[entry.output]);
      return;
  }
}

function writeDiskCompletion(writer: ByteWriter, completion: DiskCompletion): void {
  if (completion.state === 'error') return void writer.u8(0);
  if (completion.data === undefined) return void writer.u8(1);
  writer.u8(2);
  writeVarint(writer, completion.data.length);
  writer.raw(completion.data);
}

/** Decodes one entry written by `writeEntry`. */
export function readEntry(reader: ByteReader, previousRetired: number): LogEntry {
  const code = reader.u8();
  const retired = previousRetired + readVarint(reader);
  switch (code) {
    case KIND_CODES.frame: {
      const source = reader.u32();
      return { kind: 'frame', retired, source, bytes: reader.raw(readVarint(reader)) };
    }
    case KIND_CODES.disk:
      return { kind: 'disk', retired, id: readVarint(reader), completion: readDiskCompletion(reader) };
    case KIND_CODES.timer:
      return { kind: 'timer', retired, hart: reader.u8() };
    case KIND_CODES.progress:
      return { kind: 'progress', retired };
    case KIND_CODES.time:
      return { kind: 'time', retired, value: readVarint(reader) };
    case KIND_CODES.cycle:
      return { kind: 'cycle', retired, hart: reader.u8(), value: readVarint(reader) };
    case KIND_CODES.entropy:
      return { kind: 'entropy', retired, value: reader.u32() };
    case KIND_CODES.output: {
      const output = reader.u8();
      if (output === OUTPUT_CODES.frame) return { kind: 'output', retired, output: 'frame' };
      if (output === OUTPUT_CODES['disk-write']) return { kind: 'output', retired, output: 'disk-write' };
      throw new DecodeError(`unknown output kind ${output} in a log entry`);
    }
    default:
      throw new DecodeError(`unknown log entry kind ${code}`);
  }
}

function readDiskCompletion(reader: ByteReader): DiskCompletion {
  const state = reader.u8();
  if (state === 0) return { state: 'error' };
  if (state === 1) return { state: 'ok' };
  if (state === 2) return { state: 'ok', data: reader.raw(readVarint(reader)) };
  throw new DecodeError(`unknown disk completion state ${state}`);
}

/**
 * Buffer space an entry takes, in bytes: its encoding with the widest count delta. The log
 * buffers are accounted in these, so a buffer's bound is a bound on what it would send.
 */
export function entryBufferBytes(entry: LogEntry): number {
  const header = 1 + MAX_VARINT_BYTES;
  switch (entry.kind) {
    case 'frame':
      return header + 4 + MAX_VARINT_BYTES + entry.bytes.length;
    case 'disk':
      return header + MAX_VARINT_BYTES + 1 + MAX_VARINT_BYTES + (entry.completion.state === 'ok' ? (entry.completion.data?.length ?? 0) : 0);
    case 'timer':
      return header + 1;
    case 'progress':
      return header;
    case 'time':
      return header + MAX_VARINT_BYTES;
    case 'cycle':
      return header + 1 + MAX_VARINT_BYTES;
    case 'entropy':
      return header + 4;
    case 'output':
      return header + 1;
  }
}

/** The most buffer space one read (or output) entry takes: how much room one more instruction may need. */
export const MAX_READ_ENTRY_BYTES = 1 + MAX_VARINT_BYTES + 1 + MAX_VARINT_BYTES;
