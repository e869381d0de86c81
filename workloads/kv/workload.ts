/**
 * The key-value store on one hart: get, put and append with YCSB-like mixes and zipfian or uniform
 * keys. Model `kv`. Wire format in workloads/README.md ("kv").
 */
import type { KvInput, KvOutput } from '../../harness/check/models/kv.ts';
import type { ParameterValues } from '../../harness/params.ts';
import { tickBootArguments, tickParameter } from '../tick.ts';
import type { Workload } from '../types.ts';
import { kvCodec } from './codec.ts';
import { kvGenerator, kvParameters } from './generator.ts';

export const kvWorkload: Workload<KvInput, KvOutput> = {
  name: 'kv',
  description: 'key-value store (get/put/append), YCSB A/B/C and append mixes, zipfian or uniform keys',
  parameters: [...kvParameters, tickParameter(0)],
  model: 'kv',
  modelInit: () => ({}),
  stateSymbols: ['kv_shards', 'ftb_duplicate_table'],
  guest: (parameters: ParameterValues) => ({ image: 'workloads/kv/bin/kv.elf', harts: 1, ramBytes: 16 * 1024 * 1024, diskSectors: 0, bootArguments: tickBootArguments(parameters) }),
  defaultLoad: () => ({ kind: 'closed', clients: 8, thinkTimeNs: 0 }),
  codec: kvCodec,
  generator: kvGenerator,
};
