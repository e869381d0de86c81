/**
 * The messages between checkpointing replicas, encoded with ByteWriter so the network measures
 * their real size. Channels: `replication` carries checkpoints, `ack` the backup's
 * acknowledgements (the heartbeats are the core's, channel `heartbeat`). Every message names its
 * pairing (one primary-backup pair; a new backup starts a new one); the core drops messages of
 * another pairing.
 */
import { ByteReader, ByteWriter, DecodeError } from '../../harness/net/codec.ts';
import type { DiskRequest, MachineSnapshot } from '../../harness/vm/types.ts';
import { readDiskRequests, writeDiskRequests } from '../shared/disk-request-codec.ts';
import { readSnapshot, writeSnapshot } from '../shared/snapshot-codec.ts';

export const CHANNEL_REPLICATION = 'replication';
export const CHANNEL_ACK = 'ack';

const TYPE_CHECKPOINT = 1;
const TYPE_ACK = 2;

/**
 * Checkpoint `sequence` of a pairing (1 is the first, always a full snapshot; later ones are
 * deltas against the previous one): the machine at instruction count `retired`, and the disk
 * requests started and not completed by then.
 */
export interface CheckpointMessage {
  readonly pairing: number;
  readonly sequence: number;
  readonly retired: number;
  readonly pendingDisk: readonly DiskRequest[];
  readonly snapshot: MachineSnapshot;
}

/** The backup applied checkpoint `sequence` of `pairing`. */
export interface CheckpointAck {
  readonly pairing: number;
  readonly sequence: number;
}

export function encodeCheckpoint(message: CheckpointMessage): Uint8Array {
  if (message.sequence < 1) throw new RangeError(`checkpoint sequence ${message.sequence} must be >= 1`);
  if ((message.sequence === 1) !== (message.snapshot.kind === 'full')) throw new RangeError(`checkpoint ${message.sequence} is ${message.snapshot.kind}: only the first of a pairing is full`);
  const writer = new ByteWriter(16 * 1024).u8(TYPE_CHECKPOINT).u32(message.pairing).u32(message.sequence).u64(message.retired);
  writeDiskRequests(writer, message.pendingDisk);
  writeSnapshot(writer, message.snapshot);
  return writer.finish();
}

export function decodeCheckpoint(bytes: Uint8Array): CheckpointMessage {
  const reader = new ByteReader(bytes);
  if (reader.u8() !== TYPE_CHECKPOINT) throw new DecodeError('not a checkpoint');
  const pairing = reader.u32();
  const sequence = reader.u32();
  const retired = reader.u64();
  const pendingDisk = readDiskRequests(reader);
  const snapshot = readSnapshot(reader);
  reader.end();
  if (sequence < 1) throw new DecodeError(`checkpoint sequence ${sequence}`);
  if ((sequence === 1) !== (snapshot.kind === 'full')) throw new DecodeError(`checkpoint ${sequence} carries a ${snapshot.kind} snapshot`);
  return { pairing, sequence, retired, pendingDisk, snapshot };
}

export function encodeAck(ack: CheckpointAck): Uint8Array {
  return new ByteWriter(16).u8(TYPE_ACK).u32(ack.pairing).u32(ack.sequence).finish();
}

export function decodeAck(bytes: Uint8Array): CheckpointAck {
  const reader = new ByteReader(bytes);
  if (reader.u8() !== TYPE_ACK) throw new DecodeError('not a checkpoint ack');
  const ack = { pairing: reader.u32(), sequence: reader.u32() };
  reader.end();
  return ack;
}

