/**
 * The kv wire format (workloads/README.md, "kv"), shared by kv and smp-kv: operation codes and the
 * payloads of get, put and append, in the `kv` checker model's shapes.
 */
import type { KvInput, KvOutput } from '../../harness/check/models/kv.ts';
import { ByteReader, ByteWriter, DecodeError } from '../../harness/net/codec.ts';
import type { ClientCodec } from '../client/types.ts';

export const KV_OPERATION = { get: 1, put: 2, append: 3 } as const;
/** Bounds of the guest's store (kv/store.h). */
export const KV_MAX_KEY_BYTES = 64;
export const KV_MAX_VALUE_BYTES = 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export const kvCodec: ClientCodec<KvInput, KvOutput> = {
  encode(input) {
    const key = encoder.encode(input.key);
    if (key.length > KV_MAX_KEY_BYTES) throw new RangeError(`kv key of ${key.length} bytes exceeds ${KV_MAX_KEY_BYTES}`);
    const writer = new ByteWriter(64).u8(key.length).raw(key);
    if (input.op !== 'get') {
      const value = encoder.encode(input.value);
      if (value.length > KV_MAX_VALUE_BYTES) throw new RangeError(`kv value of ${value.length} bytes exceeds ${KV_MAX_VALUE_BYTES}`);
      writer.u16(value.length).raw(value);
    }
    return { operation: KV_OPERATION[input.op], payload: writer.finish() };
  },
  decode(input, payload): KvOutput {
    const reader = new ByteReader(payload);
    if (input.op !== 'get') {
      const version = reader.u32();
      reader.end();
      if (version < 1) throw new DecodeError(`kv ${input.op} answered version ${version}: a written key has version 1 or more`);
      return { version };
    }
    const bytes = reader.raw(reader.u16());
    reader.end();
    try {
      return { value: decoder.decode(bytes) };
    } catch {
      throw new DecodeError('kv value is not valid UTF-8');
    }
  },
};
