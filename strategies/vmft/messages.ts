/**
 * The messages between VM-FT replicas, encoded with ByteWriter so the network measures their real
 * size. Channels: `replication` carries log batches and the snapshot of a new backup, `ack` the
 * backup's acknowledgements, `heartbeat` both sides' heartbeats (the core's, in vmft's format: they
 * also carry what the backup received). Every message names its pairing (one primary and backup);
 * the core drops messages of another pairing.
 */
import { ByteReader, ByteWriter, DecodeError } from '../../harness/net/codec.ts';
import type { HeartbeatFormat } from '../core/driver.ts';
import type { PairingHeartbeat } from '../shared/pairing.ts';
import type { DiskRequest, MachineSnapshot } from '../../harness/vm/types.ts';
import { readSnapshot, writeSnapshot } from '../shared/snapshot-codec.ts';
import { type LogEntry, readEntry, readVarint, writeEntry, writeVarint } from './log-entry.ts';

export const CHANNEL_REPLICATION = 'replication';
export const CHANNEL_ACK = 'ack';

const TYPE_LOG = 1;
const TYPE_ACK = 2;
const TYPE_HEARTBEAT = 3;
const TYPE_SNAPSHOT = 4;

/** Most entries in one log message: a stated bound on a batch. */
export const MAX_BATCH_ENTRIES = 4096;

/** A batch of consecutive log entries, the first with sequence number `firstSequence`. */
export interface LogBatch {
  readonly pairing: number;
  readonly firstSequence: number;
  readonly entries: readonly LogEntry[];
}

/** The backup's acknowledgement: every entry up to `sequence` received; replayed up to `replayedRetired`. */
export interface LogAck {
  readonly pairing: number;
  readonly sequence: number;
  readonly replayedRetired: number;
}

/**
 * What vmft's heartbeats carry besides the core's fields (the pairing, and whether it is
 * established): the backup's, the highest contiguous log sequence it received, which the primary's
 * go-back-N retransmission reads; the primary's, 0.
 */
export interface HeartbeatContent {
  readonly receivedSequence: number;
}

/** The machine of a new backup, and the disk requests in flight on the primary when it was taken. */
export interface SnapshotMessage {
  readonly pairing: number;
  readonly snapshot: MachineSnapshot;
  readonly pendingDisk: readonly DiskRequest[];
}

export type ReplicationMessage = ({ readonly type: 'log' } & LogBatch) | ({ readonly type: 'snapshot' } & SnapshotMessage);

export function encodeLogBatch(batch: LogBatch): Uint8Array {
  if (batch.entries.length === 0 || batch.entries.length > MAX_BATCH_ENTRIES) throw new RangeError(`log batch of ${batch.entries.length} entries`);
  const first = batch.entries[0]!;
  const writer = new ByteWriter(256).u8(TYPE_LOG).u32(batch.pairing).u64(batch.firstSequence).u64(first.retired);
  writeVarint(writer, batch.entries.length);
  let previous = first.retired;
  for (const entry of batch.entries) {
    writeEntry(writer, entry, previous);
    previous = entry.retired;
  }
  return writer.finish();
}

export function encodeSnapshotMessage(message: SnapshotMessage): Uint8Array {
  const writer = new ByteWriter(64 * 1024).u8(TYPE_SNAPSHOT).u32(message.pairing);
  writer.u16(message.pendingDisk.length);
  for (const request of message.pendingDisk) writeDiskRequest(writer, request);
  writeSnapshot(writer, message.snapshot);
  return writer.finish();
}

/** Decodes a message of the `replication` channel. */
export function decodeReplication(bytes: Uint8Array): ReplicationMessage {
  const reader = new ByteReader(bytes);
  const type = reader.u8();
  const pairing = reader.u32();
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
    return { type: 'log', pairing, firstSequence, entries };
  }
  if (type === TYPE_SNAPSHOT) {
    const pendingDisk: DiskRequest[] = [];
    const count = reader.u16();
    for (let index = 0; index < count; index++) pendingDisk.push(readDiskRequest(reader));
    const snapshot = readSnapshot(reader);
    reader.end();
    return { type: 'snapshot', pairing, snapshot, pendingDisk };
  }
  throw new DecodeError(`unknown replication message type ${type}`);
}

export function encodeAck(ack: LogAck): Uint8Array {
  return new ByteWriter(24).u8(TYPE_ACK).u32(ack.pairing).u64(ack.sequence).u64(ack.replayedRetired).finish();
}

export function decodeAck(bytes: Uint8Array): LogAck {
  const reader = new ByteReader(bytes);
  if (reader.u8() !== TYPE_ACK) throw new DecodeError('not an ack');
  const ack = { pairing: reader.u32(), sequence: reader.u64(), replayedRetired: reader.u64() };
  reader.end();
  return ack;
}

/** vmft's heartbeat on the wire: u8 type, u32 pairing, u64 received sequence, bool established (14 bytes). */
export const HEARTBEAT_FORMAT: HeartbeatFormat<HeartbeatContent> = {
  encode(heartbeat: PairingHeartbeat, content: HeartbeatContent): Uint8Array {
    return new ByteWriter(16).u8(TYPE_HEARTBEAT).u32(heartbeat.pairing).u64(content.receivedSequence).bool(heartbeat.established).finish();
  },
  decode(bytes: Uint8Array): { readonly heartbeat: PairingHeartbeat; readonly content: HeartbeatContent } {
    const reader = new ByteReader(bytes);
    if (reader.u8() !== TYPE_HEARTBEAT) throw new DecodeError('not a heartbeat');
    const pairing = reader.u32();
    const receivedSequence = reader.u64();
    const established = reader.bool();
    reader.end();
    return { heartbeat: { pairing, established }, content: { receivedSequence } };
  },
};

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
