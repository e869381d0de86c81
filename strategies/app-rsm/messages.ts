/**
 * The messages between application-level replicas, encoded with ByteWriter so the network
 * measures their real size. Channels: `replication` carries batches of operations, `ack` the
 * backup's acknowledgements (the highest operation it applied); the heartbeats are the core's
 * (channel `heartbeat`, shared/pairing.ts).
 *
 * What crosses is the least any strategy here ships: per operation, its number, the client's
 * network address, the request frame as the client sent it, and the non-deterministic values
 * (time, cycle, entropy reads) the primary's guest consumed while executing it, and the primary's
 * instruction count at its reply — not for replay (the backup's guest runs its own counts) but so
 * that the backup can tell the harness's output-rule audit, in the primary's terms, what it holds.
 * No interrupt positions, no memory.
 */
import { readSnapshot, writeSnapshot } from '../shared/snapshot-codec.ts';
import { ByteReader, ByteWriter, DecodeError } from '../../harness/net/codec.ts';
import type { MachineSnapshot } from '../../harness/vm/types.ts';

export const CHANNEL_REPLICATION = 'replication';
export const CHANNEL_ACK = 'ack';

const TYPE_OPERATIONS = 1;
const TYPE_ACK = 2;
const TYPE_FIRST_STATE = 4;

/** The kinds of non-deterministic read a guest makes through its platform. */
export type ReadKind = 'time' | 'cycle' | 'entropy';
const READ_KINDS: readonly ReadKind[] = ['time', 'cycle', 'entropy'];

export interface RecordedRead {
  readonly kind: ReadKind;
  readonly value: number;
}

/** One client operation, in the primary's order. */
export interface Operation {
  /** 1 for the first operation of the run, +1 for each next one. */
  readonly number: number;
  /** The network address of the frame's sender (the guest answers it). */
  readonly source: number;
  /** The request frame, as it reached the primary's NIC. */
  readonly bytes: Uint8Array;
  /** The guest sent no reply to it (a stale retry, an unreadable frame): it is done once the guest idles. */
  readonly noReply: boolean;
  /** Values of the reads the primary's guest made while executing it, in order. */
  readonly reads: readonly RecordedRead[];
  /** The primary's instruction count when its reply was produced (or the operation completed). */
  readonly primaryRetired: number;
}

export interface OperationBatch {
  readonly pairing: number;
  readonly operations: readonly Operation[];
}

/** The backup applied every operation up to `applied` (its guest produced their replies). */
export interface OperationAck {
  readonly pairing: number;
  readonly applied: number;
}

/**
 * A new backup's first state (re-protection): the primary's whole machine, taken between two
 * operations, from which the backup applies the pairing's operations 1, 2, ... The spare that
 * restores it acknowledges it as operation 0.
 */
export interface FirstState {
  readonly pairing: number;
  /** The primary's instruction count at the snapshot: the backup holds everything before it. */
  readonly primaryRetired: number;
  readonly snapshot: MachineSnapshot;
}

/** What arrives on channel `replication`. */
export type ReplicationMessage = { readonly kind: 'operations'; readonly batch: OperationBatch } | { readonly kind: 'first-state'; readonly state: FirstState };

export function encodeFirstState(state: FirstState): Uint8Array {
  const writer = new ByteWriter(64 * 1024).u8(TYPE_FIRST_STATE).u32(state.pairing).u64(state.primaryRetired);
  writeSnapshot(writer, state.snapshot);
  return writer.finish();
}

export function decodeReplication(bytes: Uint8Array): ReplicationMessage {
  if (bytes[0] === TYPE_OPERATIONS) return { kind: 'operations', batch: decodeOperationBatch(bytes) };
  const reader = new ByteReader(bytes);
  if (reader.u8() !== TYPE_FIRST_STATE) throw new DecodeError('neither an operation batch nor a first state');
  const pairing = reader.u32();
  const primaryRetired = reader.u64();
  const snapshot = readSnapshot(reader);
  reader.end();
  return { kind: 'first-state', state: { pairing, primaryRetired, snapshot } };
}

export function encodeOperationBatch(batch: OperationBatch): Uint8Array {
  const writer = new ByteWriter(256).u8(TYPE_OPERATIONS).u32(batch.pairing).u16(batch.operations.length);
  for (const operation of batch.operations) {
    writer.u32(operation.number).u32(operation.source).bool(operation.noReply).u64(operation.primaryRetired).u16(operation.bytes.length).raw(operation.bytes);
    writer.u16(operation.reads.length);
    for (const read of operation.reads) writer.u8(READ_KINDS.indexOf(read.kind)).u64(read.value);
  }
  return writer.finish();
}

function decodeOperationBatch(bytes: Uint8Array): OperationBatch {
  const reader = new ByteReader(bytes);
  if (reader.u8() !== TYPE_OPERATIONS) throw new DecodeError('not an operation batch');
  const pairing = reader.u32();
  const count = reader.u16();
  const operations: Operation[] = [];
  for (let index = 0; index < count; index++) {
    const number = reader.u32();
    const source = reader.u32();
    const noReply = reader.bool();
    const primaryRetired = reader.u64();
    const frame = reader.raw(reader.u16()).slice();
    const reads: RecordedRead[] = [];
    for (let remaining = reader.u16(); remaining > 0; remaining--) {
      const kind = READ_KINDS[reader.u8()];
      if (kind === undefined) throw new DecodeError('unknown read kind');
      reads.push({ kind, value: reader.u64() });
    }
    operations.push({ number, source, noReply, bytes: frame, reads, primaryRetired });
  }
  reader.end();
  return { pairing, operations };
}

export function encodeAck(ack: OperationAck): Uint8Array {
  return new ByteWriter(16).u8(TYPE_ACK).u32(ack.pairing).u32(ack.applied).finish();
}

export function decodeAck(bytes: Uint8Array): OperationAck {
  const reader = new ByteReader(bytes);
  if (reader.u8() !== TYPE_ACK) throw new DecodeError('not an operation ack');
  const ack = { pairing: reader.u32(), applied: reader.u32() };
  reader.end();
  return ack;
}

