/**
 * A cache with time-to-live entries, expired either lazily on access (comparing with mtime) or
 * eagerly by periodic timer interrupts: the timer-heavy workload. Model `ttl-kv` (model.ts beside
 * this file). Wire format in workloads/README.md ("ttl-cache").
 */
import { ByteReader, ByteWriter, DecodeError } from '../../harness/net/codec.ts';
import { integerParameter, stringParameter, type ParameterValues } from '../../harness/params.ts';
import type { RandomStream } from '../../harness/sim/random.ts';
import type { ClientCodec } from '../client/types.ts';
import type { Workload } from '../types.ts';
import type { TtlInput, TtlOutput } from '../../harness/check/models/ttl-kv.ts';

export const TTL_OPERATION = { get: 1, put: 2 } as const;
/** Bounds of the guest (ttl-cache.c). */
export const TTL_MAX_KEY_BYTES = 32;
export const TTL_MAX_VALUE_BYTES = 256;
export const TTL_CAPACITY = 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export const ttlCodec: ClientCodec<TtlInput, TtlOutput> = {
  encode(input) {
    const key = encoder.encode(input.key);
    if (key.length > TTL_MAX_KEY_BYTES) throw new RangeError(`key of ${key.length} bytes exceeds ${TTL_MAX_KEY_BYTES}`);
    const writer = new ByteWriter(64).u8(key.length).raw(key);
    if (input.op === 'put') {
      const value = encoder.encode(input.value);
      if (value.length > TTL_MAX_VALUE_BYTES) throw new RangeError(`value of ${value.length} bytes exceeds ${TTL_MAX_VALUE_BYTES}`);
      writer.u32(input.ttlMs).u16(value.length).raw(value);
    }
    return { operation: TTL_OPERATION[input.op], payload: writer.finish() };
  },
  decode(input, payload): TtlOutput {
    const reader = new ByteReader(payload);
    if (input.op === 'put') {
      reader.end();
      return {};
    }
    const found = reader.bool();
    const bytes = reader.raw(reader.u16());
    reader.end();
    if (!found) {
      if (bytes.length !== 0) throw new DecodeError('a missing entry came with a value');
      return { value: null };
    }
    try {
      return { value: decoder.decode(bytes) };
    } catch {
      throw new DecodeError('value is not valid UTF-8');
    }
  },
};

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomValue(random: RandomStream, client: number, bytes: number): string {
  let value = `c${client}:`.slice(0, bytes);
  while (value.length < bytes) value += ALPHABET[random.int(0, ALPHABET.length - 1)];
  return value;
}

export const ttlCacheWorkload: Workload<TtlInput, TtlOutput> = {
  name: 'ttl-cache',
  description: 'cache with time-to-live entries; expiry by periodic timer sweeps (eager) or on access (lazy)',
  parameters: [
    { name: 'expiry', description: 'eager: a periodic timer interrupt sweeps expired entries; lazy: a get compares the deadline with mtime', kind: 'enum', default: 'eager', values: ['eager', 'lazy'] },
    { name: 'sweep-ms', description: 'period of the eager sweep, in milliseconds', kind: 'integer', default: 10, min: 1, max: 60_000 },
    { name: 'ttl-ms', description: 'time-to-live of each put, in milliseconds (0: never expires)', kind: 'integer', default: 50, min: 0, max: 3_600_000 },
    { name: 'key-count', description: `distinct keys (the cache holds ${TTL_CAPACITY})`, kind: 'integer', default: 100, min: 1, max: TTL_CAPACITY / 2 },
    { name: 'put-percent', description: 'share of operations that put, in percent', kind: 'integer', default: 20, min: 0, max: 100 },
    { name: 'value-bytes', description: 'bytes of a put value', kind: 'integer', default: 64, min: 1, max: TTL_MAX_VALUE_BYTES },
  ],
  model: 'ttl-kv',
  modelInit: () => ({}),
  stateSymbols: ['ttl_cache', 'ftb_duplicate_table'],
  guest: (parameters: ParameterValues) => ({
    image: 'workloads/ttl-cache/bin/ttl-cache.elf',
    harts: 1,
    ramBytes: 2 * 1024 * 1024,
    diskSectors: 0,
    bootArguments: { expiry: stringParameter(parameters, 'expiry'), 'sweep-ms': integerParameter(parameters, 'sweep-ms') },
  }),
  defaultLoad: () => ({ kind: 'closed', clients: 4, thinkTimeNs: 1_000_000 }),
  codec: ttlCodec,
  generator(parameters: ParameterValues) {
    const keyCount = integerParameter(parameters, 'key-count');
    const putPercent = integerParameter(parameters, 'put-percent');
    const ttlMs = integerParameter(parameters, 'ttl-ms');
    const valueBytes = integerParameter(parameters, 'value-bytes');
    return (random, client) => {
      const key = `key${random.int(0, keyCount - 1)}`;
      return random.chance(putPercent, 100) ? { op: 'put', key, value: randomValue(random, client, valueBytes), ttlMs } : { op: 'get', key };
    };
  },
};
