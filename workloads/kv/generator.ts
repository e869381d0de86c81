/**
 * Operation mixes and value generation of the kv workloads (kv and smp-kv), YCSB-style: workload A
 * (50% reads, 50% updates), B (95/5), C (reads only), and an append-heavy mix (20% reads, 80%
 * appends). Updates are puts of `value-bytes` bytes; appends add `append-bytes` bytes.
 */
import type { KvInput } from '../../harness/check/models/kv.ts';
import { integerParameter, stringParameter, type ParameterSpec, type ParameterValues } from '../../harness/params.ts';
import type { RandomStream } from '../../harness/sim/random.ts';
import type { OperationGenerator } from '../client/types.ts';
import { KV_MAX_VALUE_BYTES } from './codec.ts';
import { uniformChooser, zipfianChooser, YCSB_ZIPFIAN_CONSTANT } from './zipfian.ts';

/** Percent of reads, and what the rest are. */
const MIXES: Readonly<Record<string, { readonly readPercent: number; readonly write: 'put' | 'append' }>> = {
  a: { readPercent: 50, write: 'put' },
  b: { readPercent: 95, write: 'put' },
  c: { readPercent: 100, write: 'put' },
  append: { readPercent: 20, write: 'append' },
};

/** Parameters shared by kv and smp-kv. */
export const kvParameters: readonly ParameterSpec[] = [
  { name: 'mix', description: 'operation mix: a (50% get/50% put), b (95/5), c (get only), append (20% get/80% append)', kind: 'enum', default: 'a', values: Object.keys(MIXES) },
  { name: 'distribution', description: 'how keys are chosen', kind: 'enum', default: 'zipfian', values: ['zipfian', 'uniform'] },
  { name: 'zipfian-constant', description: 'skew of the zipfian distribution (YCSB default 0.99)', kind: 'number', default: YCSB_ZIPFIAN_CONSTANT, min: 0.01, max: 0.999 },
  { name: 'key-count', description: 'distinct keys (the guest holds at most 4096, 64 per shard)', kind: 'integer', default: 1000, min: 1, max: 2000 },
  { name: 'value-bytes', description: 'bytes of a put value', kind: 'integer', default: 100, min: 1, max: KV_MAX_VALUE_BYTES },
  { name: 'append-bytes', description: 'bytes added by an append', kind: 'integer', default: 16, min: 1, max: 256 },
];

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A printable value: the client's tag, then random characters, `bytes` long in all. */
function randomValue(random: RandomStream, client: number, bytes: number): string {
  let text = `c${client}:`.slice(0, bytes);
  while (text.length < bytes) text += ALPHABET[random.int(0, ALPHABET.length - 1)];
  return text;
}

export function kvGenerator(parameters: ParameterValues): OperationGenerator<KvInput> {
  const mix = MIXES[stringParameter(parameters, 'mix')]!;
  const keyCount = integerParameter(parameters, 'key-count');
  const choose = stringParameter(parameters, 'distribution') === 'uniform' ? uniformChooser(keyCount) : zipfianChooser(keyCount, parameters['zipfian-constant'] as number);
  const valueBytes = integerParameter(parameters, 'value-bytes');
  const appendBytes = integerParameter(parameters, 'append-bytes');
  return (random, client) => {
    const key = `key${choose(random)}`;
    if (random.chance(mix.readPercent, 100)) return { op: 'get', key };
    if (mix.write === 'append') return { op: 'append', key, value: randomValue(random, client, appendBytes) };
    return { op: 'put', key, value: randomValue(random, client, valueBytes) };
  };
}
