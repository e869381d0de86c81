/**
 * The key-value store on a multiprocessor guest: hart 0 receives and admits requests, worker harts
 * execute them in parallel on the shared store under lr/sc spinlocks, so the host's interleaving of
 * harts decides races inside the guest. Model `kv`; same operations, payloads, mixes and key
 * distributions as the `kv` workload (workloads/README.md, "kv").
 */
import type { KvInput, KvOutput } from '../../harness/check/models/kv.ts';
import { integerParameter, type ParameterValues } from '../../harness/params.ts';
import { kvCodec } from '../kv/codec.ts';
import { kvGenerator, kvParameters } from '../kv/generator.ts';
import type { Workload } from '../types.ts';

/** The runtime's hart limit is 8 (hart.h); 4 keeps the guest's stacks and the VM's interleaving small. */
export const SMP_MAX_HARTS = 4;

export const smpKvWorkload: Workload<KvInput, KvOutput> = {
  name: 'smp-kv',
  description: 'key-value store served by several harts in parallel on shared memory (lr/sc spinlocks); races decided by hart interleaving',
  parameters: [
    { name: 'harts', description: 'harts of the guest: hart 0 dispatches, the others execute (1: hart 0 does both)', kind: 'integer', default: 2, min: 1, max: SMP_MAX_HARTS },
    ...kvParameters,
  ],
  model: 'kv',
  modelInit: () => ({}),
  stateSymbols: ['kv_shards', 'ftb_duplicate_table'],
  guest: (parameters: ParameterValues) => {
    const harts = integerParameter(parameters, 'harts');
    return { image: 'workloads/smp-kv/bin/smp-kv.elf', harts, ramBytes: 16 * 1024 * 1024, diskSectors: 0, bootArguments: { harts } };
  },
  defaultLoad: () => ({ kind: 'closed', clients: 8, thinkTimeNs: 0 }),
  codec: kvCodec,
  generator: kvGenerator,
};
