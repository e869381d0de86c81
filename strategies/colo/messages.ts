/**
 * The messages between COLO replicas, encoded with ByteWriter so the network measures their real
 * size. Channels: `replication` carries the client frames the primary forwards (COLO's proxy
 * copying each packet to the secondary), the primary's output digests for the backup to compare and
 * the checkpoints; `ack` the backup's answers to those comparisons and its checkpoint
 * acknowledgements (the heartbeats are the core's, channel `heartbeat`). Every message names its
 * pairing; messages of another pairing are ignored.
 */
import { ByteReader, ByteWriter, DecodeError } from '../../harness/net/codec.ts';
import type { MachineSnapshot } from '../../harness/vm/types.ts';
import { readSnapshot, writeSnapshot } from '../shared/snapshot-codec.ts';

export const CHANNEL_REPLICATION = 'replication';
export const CHANNEL_ACK = 'ack';

const TYPE_FORWARD = 1;
const TYPE_COMPARE = 2;
const TYPE_CHECKPOINT = 3;
const TYPE_CHECKPOINT_ACK = 4;
const TYPE_COMPARED = 5;

/** Client frame `number` (1, 2, ... in the order it entered the primary's machine). */
export interface ForwardedFrame {
  readonly pairing: number;
  readonly number: number;
  readonly source: number;
  readonly bytes: Uint8Array;
}

/**
 * The primary's output `index` (1, 2, ... counted over the run; a checkpoint carries the count it
 * covers) produced after checkpoint `epoch`, for the backup to compare with its own output of the
 * same index: its digest, and `retired`, the primary's instruction count at that output. Sent once
 * the output was produced, it carries the receipt the backup's `backup-holds` point needs.
 */
export interface OutputCompare {
  readonly pairing: number;
  readonly epoch: number;
  readonly index: number;
  readonly digest: string;
  readonly retired: number;
}

/** The backup's answer to the comparison of output `index` of epoch `epoch`. */
export interface CompareAnswer {
  readonly pairing: number;
  readonly epoch: number;
  readonly index: number;
  readonly match: boolean;
}

/**
 * Checkpoint `epoch` (1, 2, ...): the primary's machine as a delta against the previous checkpoint
 * (or the boot image), taken when it had taken in `delivered` client frames and produced `outputs`
 * outputs, at instruction count `retired`.
 */
export interface CheckpointMessage {
  readonly pairing: number;
  readonly epoch: number;
  readonly delivered: number;
  readonly outputs: number;
  readonly retired: number;
  readonly snapshot: MachineSnapshot;
}

export interface CheckpointAck {
  readonly pairing: number;
  readonly epoch: number;
}

export type ReplicationMessage =
  | ({ readonly type: 'forward' } & ForwardedFrame)
  | ({ readonly type: 'compare' } & OutputCompare)
  | ({ readonly type: 'checkpoint' } & CheckpointMessage);
export type AckMessage = ({ readonly type: 'compared' } & CompareAnswer) | ({ readonly type: 'checkpoint-ack' } & CheckpointAck);

export function encodeForward(frame: ForwardedFrame): Uint8Array {
  return new ByteWriter(frame.bytes.length + 16).u8(TYPE_FORWARD).u32(frame.pairing).u32(frame.number).u32(frame.source).u16(frame.bytes.length).raw(frame.bytes).finish();
}

export function encodeCheckpoint(message: CheckpointMessage): Uint8Array {
  if (message.epoch < 1) throw new RangeError(`checkpoint epoch ${message.epoch} must be >= 1`);
  if (message.snapshot.kind !== 'delta') throw new RangeError(`checkpoint ${message.epoch} is ${message.snapshot.kind}: COLO checkpoints are deltas`);
  const writer = new ByteWriter(16 * 1024).u8(TYPE_CHECKPOINT).u32(message.pairing).u32(message.epoch).u32(message.delivered).u32(message.outputs).u64(message.retired);
  writeSnapshot(writer, message.snapshot);
  return writer.finish();
}

export function decodeReplication(bytes: Uint8Array): ReplicationMessage {
  const reader = new ByteReader(bytes);
  const type = reader.u8();
  if (type === TYPE_FORWARD) {
    const message = { type: 'forward' as const, pairing: reader.u32(), number: reader.u32(), source: reader.u32(), bytes: reader.raw(reader.u16()).slice() };
    reader.end();
    return message;
  }
  if (type === TYPE_COMPARE) {
    const message = { type: 'compare' as const, pairing: reader.u32(), epoch: reader.u32(), index: reader.u32(), digest: reader.string(), retired: reader.u64() };
    reader.end();
    return message;
  }
  if (type !== TYPE_CHECKPOINT) throw new DecodeError(`replication message type ${type}`);
  const message = { type: 'checkpoint' as const, pairing: reader.u32(), epoch: reader.u32(), delivered: reader.u32(), outputs: reader.u32(), retired: reader.u64(), snapshot: readSnapshot(reader) };
  reader.end();
  if (message.epoch < 1 || message.snapshot.kind !== 'delta') throw new DecodeError(`checkpoint ${message.epoch} carries a ${message.snapshot.kind} snapshot`);
  return message;
}

export function encodeCompare(compare: OutputCompare): Uint8Array {
  return new ByteWriter(48).u8(TYPE_COMPARE).u32(compare.pairing).u32(compare.epoch).u32(compare.index).string(compare.digest).u64(compare.retired).finish();
}

export function encodeCompareAnswer(answer: CompareAnswer): Uint8Array {
  return new ByteWriter(16).u8(TYPE_COMPARED).u32(answer.pairing).u32(answer.epoch).u32(answer.index).u8(answer.match ? 1 : 0).finish();
}

export function encodeCheckpointAck(ack: CheckpointAck): Uint8Array {
  return new ByteWriter(16).u8(TYPE_CHECKPOINT_ACK).u32(ack.pairing).u32(ack.epoch).finish();
}

export function decodeAck(bytes: Uint8Array): AckMessage {
  const reader = new ByteReader(bytes);
  const type = reader.u8();
  let message: AckMessage;
  if (type === TYPE_COMPARED) message = { type: 'compared', pairing: reader.u32(), epoch: reader.u32(), index: reader.u32(), match: reader.u8() === 1 };
  else if (type === TYPE_CHECKPOINT_ACK) message = { type: 'checkpoint-ack', pairing: reader.u32(), epoch: reader.u32() };
  else throw new DecodeError(`ack message type ${type}`);
  reader.end();
  return message;
}

/**
 * The digest COLO compares instead of whole packets: 64 bits (two FNV-1a-32 hashes with different
 * offset bases) over the destination address and the frame's bytes, as 16 hex digits.
 */
export function outputDigest(destination: number, bytes: Uint8Array): string {
  let low = 0x811c9dc5;
  let high = 0x050c5d1f;
  const step = (byte: number) => {
    low = Math.imul(low ^ byte, 0x01000193) >>> 0;
    high = Math.imul(high ^ byte, 0x01000193) >>> 0;
    high = (high + (low >>> 7)) >>> 0;
  };
  for (let shift = 0; shift < 32; shift += 8) step((destination >>> shift) & 0xff);
  for (const byte of bytes) step(byte);
  return high.toString(16).padStart(8, '0') + low.toString(16).padStart(8, '0');
}
