/**
 * The `byte-stream` model (the net-bulk workload's): one stream whose offset grows by every chunk
 * moved, pushed by a client (receive mode) or pulled from the guest (transmit mode). Each reply
 * carries the offset after its chunk, so a linearizable history shows every chunk moved exactly
 * once: a chunk lost by a failover leaves a gap, one moved twice (a retry executed again) makes
 * two chunks claim overlapping offsets. The contents are checked by the codec (the push's
 * checksum, the pulled pattern), not here, so the model's state is one number.
 */
import { hashNumber } from '../hash.ts';
import { expectInteger, expectNumber, expectObject, expectOnlyFields, expectOperationName } from './shape.ts';
import type { Model } from '../types.ts';

/** A chunk moved: `push` from the client to the guest, `pull` from the guest to the client. */
export type ByteStreamInput =
  | {
      readonly op: 'push';
      /** Chunk length in bytes. */
      readonly bytes: number;
      /** Seed of the chunk's contents (the codec derives the bytes from it). */
      readonly seed: number;
    }
  | {
      readonly op: 'pull';
      /** Chunk length in bytes. */
      readonly bytes: number;
    };

/** What either operation answers. */
export interface ByteStreamOutput {
  /** The stream's length in bytes after this chunk. */
  readonly offset: number;
}

const operationNames = ['push', 'pull'] as const;

function parseInput(value: unknown, path: string): ByteStreamInput {
  const input = expectObject(value, path);
  const op = expectOperationName(input, path, 'byte-stream', operationNames);
  const bytes = expectInteger(input.bytes, `${path}.bytes`);
  if (op === 'pull') {
    expectOnlyFields(input, path, ['op', 'bytes']);
    return { op, bytes };
  }
  expectOnlyFields(input, path, ['op', 'bytes', 'seed']);
  return { op, bytes, seed: expectInteger(input.seed, `${path}.seed`) };
}

export const byteStreamModel: Model<number, ByteStreamInput, ByteStreamOutput, number> = {
  name: 'byte-stream',
  summary: '{op:"push",bytes,seed} | {op:"pull",bytes} → {offset} (stream length after the chunk); init: a number (default 0)',
  parseInput,
  parseOutput(value, _input, path) {
    const output = expectObject(value, path);
    expectOnlyFields(output, path, ['offset']);
    return { offset: expectInteger(output.offset, `${path}.offset`) };
  },
  parseInit: (value, path) => expectNumber(value, path),
  partitionKey: () => '',
  initialState: (init) => init ?? 0,
  step(state, input, output) {
    const next = state + input.bytes;
    return output === null || output.offset === next ? next : undefined;
  },
  hashState: hashNumber,
  equalStates: (first, second) => first === second,
  describeOperation: (input, output) => `${input.op}(${input.bytes}) → ${output === null ? '?' : output.offset}`,
  describeState: (state) => `${state} bytes`,
  stateValue: (state) => state,
};
