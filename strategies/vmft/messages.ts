/**
 * The messages between VM-FT replicas, encoded with ByteWriter so the network measures their real
 * size. Channels: `replication` carries log batches and the snapshot of a new backup, `ack` the
 * backup's acknowledgements, `heartbeat` both sides' heartbeats. Every message names its epoch (one
 * primary-backup pairing); messages of another epoch are ignored.
 */
import { ByteReader, ByteWriter, DecodeError } from '../../harness/net/codec.ts';
import type { DiskRequest, MachineSnapshot } from '../../harness/vm/types.ts';
import { readSnapshot, writeSnapshot } from '../shared/snapshot-codec.ts';
import { type LogEntry, readEntry, readVarint, writeEntry, writeVarint } from './log-entry.ts';

export const CHANNEL_REPLICATION = 'replication';
export const CHANNEL_ACK = 'ack';
export const CHANNEL_HEARTBEAT = 'heartbeat';

const TYPE_LOG = 1;
const TYPE_ACK = 2;
const TYPE_HEARTBEAT = 3;
const TYPE_SNAPSHOT = 4;

/** Most entries in one log message: a stated bound on a batch. */
export const MAX_BATCH_ENTRIES = 4096;

/** A batch of consecutive log entries, the first with sequence number `firstSequence`. */
export interface LogBatch {
  readonly epoch: number;
  readonly firstSequence: number;
  readonly entries: readonly LogEntry[];
}

/** The backup's acknowledgement: every entry up to `sequence` received; replayed up to `replayedRetired`. */
export interface LogAck {
  readonly epoch: number;
  readonly sequence: number;
  readonly replayedRetired: number;
}

/**
 * A heartbeat; the backup's carries the highest contiguous sequence it received (for
 * retransmission), the primary's whether the pairing is established (shared/pairing.ts: its outputs
 * wait on this backup, which may contest the epoch's flag from then on), and the backup's whether it
 * has heard so (the primary counts a new backup in place only then).
 */
export interface Heartbeat {
  readonly epoch: number;
  readonly receivedSequence: number;
  readonly established: boolean;
}

/** The machine of a new backup, and the disk requests in flight on the primary when it was taken. */
export interface SnapshotMessage {
  readonly epoch: number;
  readonly snapshot: MachineSnapshot;
  readonly pendingDisk: readonly DiskRequest[];
}

export type ReplicationMessage = ({ readonly type: 'log' } & LogBatch) | ({ readonly type: 'snapshot' } & SnapshotMessage);

export function encodeLogBatch(batch: LogBatch): Uint8Array {
  if (batch.entries.length === 0 || batch.entries.length > MAX_BATCH_ENTRIES) throw new RangeError(`log batch of ${batch.entries.length} entries`);
  const first = batch.entries[0]!;
  const writer = new ByteWriter(256).u8(TYPE_LOG).u32(batch.epoch).u64(batch.firstSequence).u64(first.retired);
  writeVarint(writer, batch.entries.length);
  let previous = first.retired;
  for (const entry of batch.entries) {
    writeEntry(writer, entry, previous);
    previous = entry.retired;
  }
  return writer.finish();
}

export function encodeSnapshotMessage(message: SnapshotMessage): Uint8Array {
  const writer = new ByteWriter(64 * 1024).u8(TYPE_SNAPSHOT).u32(message.epoch);
  writer.u16(message.pendingDisk.length);
  for (const request of message.pendingDisk) writeDiskRequest(writer, request);
  writeSnapshot(writer, message.snapshot);
  return writer.finish();
}

/** Decodes a message of the `replication` channel. */
export function decodeReplication(bytes: Uint8Array): ReplicationMessage {
  const reader = new ByteReader(bytes);
  const type = reader.u8();
  const epoch = reader.u32();
  if (type === TYPE_LOG) {
    const firstSequence = reader.u64();
    let previous = reader.u64();
    const count = readVarint(reader);
    if (count === 0 || count > MAX_BATCH_ENTRIES) throw new DecodeError(`log batch of ${count} entries`);
    const entries: LogEntry[] = [];
    for (let index = 0; index < count; index++) {
      const entry = readEntry(reader, previous);
      entries.push(entry);
      previous = entry.retired;
    }
    reader.end();
    return { type: 'log', epoch, firstSequence, entries };
  }
  if (type === TYPE_SNAPSHOT) {
    const pendingDisk: DiskRequest[] = [];
    const count = reader.u16();
    for (let index = 0; index < count; index++) pendingDisk.push(readDiskRequest(reader));
    const snapshot = readSnapshot(reader);
    reader.end();
    return { type: 'snapshot', epoch, snapshot, pendingDisk };
  }
  throw new DecodeError(`unknown replication message type ${type}`);
}

export function encodeAck(ack: LogAck): Uint8Array {
  return new ByteWriter(24).u8(TYPE_ACK).u32(ack.epoch).u64(ack.sequence).u64(ack.replayedRetired).finish();
}

export function decodeAck(bytes: Uint8Array): LogAck {
  const reader = new ByteReader(bytes);
  if (reader.u8() !== TYPE_ACK) throw new DecodeError('not an ack');
  const ack = { epoch: reader.u32(), sequence: reader.u64(), replayedRetired: reader.u64() };
  reader.end();
  return ack;
}

export function encodeHeartbeat(heartbeat: Heartbeat): Uint8Array {
  return new ByteWriter(16).u8(TYPE_HEARTBEAT).u32(heartbeat.epoch).u64(heartbeat.receivedSequence).bool(heartbeat.established).finish();
}

export function decodeHeartbeat(bytes: Uint8Array): Heartbeat {
  const reader = new ByteReader(bytes);
  if (reader.u8() !== TYPE_HEARTBEAT) throw new DecodeError('not a heartbeat');
  const heartbeat = { epoch: reader.u32(), receivedSequence: reader.u64(), established: reader.bool() };
  reader.end();
  return heartbeat;
}

function writeDiskRequest(writer: ByteWriter, request: DiskRequest): void {
  writer.u32(request.id).bool(request.operation === 'write').u32(request.sector).u32(request.count);
  if (request.operation === 'write') writer.bytes(request.data ?? new Uint8Array(0));
}

function readDiskRequest(reader: ByteReader): DiskRequest {
  const id = reader.u32();
  const write = reader.bool();
  const sector = reader.u32();
  const count = reader.u32();
  return write ? { id, operation: 'write', sector, count, data: reader.bytes() } : { id, operation: 'read', sector, count };
}
