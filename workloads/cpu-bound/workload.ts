/**
 * A CPU-bound job with a large, changing working set (the kernel-compile analogue): each request
 * runs one job of `job-units` units over a `working-set-kib` array, dirtying many pages, and the
 * client history records how long it took. Model `counter`: a job is an `inc` whose reply is the
 * number of jobs done (so a job run twice or lost shows); `get` reads it. The job's checksum
 * travels in the reply too (workloads/README.md, "cpu-bound") but is not part of the model.
 */
import type { CounterInput, CounterOutput } from '../../harness/check/models/counter.ts';
import { ByteReader } from '../../harness/net/codec.ts';
import { integerParameter, type ParameterValues } from '../../harness/params.ts';
import { tickBootArguments, tickParameter } from '../tick.ts';
import type { Workload } from '../types.ts';

export const CPU_OPERATION = { inc: 1, get: 2 } as const;
/** The guest's largest working set (cpu-bound.c). */
export const CPU_MAX_WORKING_SET_KIB = 4096;

export const cpuBoundWorkload: Workload<CounterInput, CounterOutput> = {
  name: 'cpu-bound',
  description: 'CPU-bound jobs over a multi-MiB working set that many pages of get dirty (kernel-compile analogue)',
  parameters: [
    { name: 'working-set-kib', description: 'size of the array the jobs rewrite, in KiB (multiple of 4 used)', kind: 'integer', default: CPU_MAX_WORKING_SET_KIB, min: 4, max: CPU_MAX_WORKING_SET_KIB },
    { name: 'job-units', description: 'units of work per job; a unit rewrites and sorts one 4 KiB block (about 18,000 instructions)', kind: 'integer', default: 128, min: 1, max: 1_000_000 },
    tickParameter(0),
  ],
  model: 'counter',
  modelInit: () => 0,
  stateSymbols: ['cpu_working_set', 'cpu_job_state', 'ftb_duplicate_table'],
  guest: (parameters: ParameterValues) => ({
    image: 'workloads/cpu-bound/bin/cpu-bound.elf',
    harts: 1,
    ramBytes: 16 * 1024 * 1024,
    diskSectors: 0,
    bootArguments: { 'working-set-kib': integerParameter(parameters, 'working-set-kib'), 'job-units': integerParameter(parameters, 'job-units'), ...tickBootArguments(parameters) },
  }),
  defaultLoad: () => ({ kind: 'closed', clients: 1, thinkTimeNs: 0 }),
  codec: {
    encode: (input) => ({ operation: CPU_OPERATION[input.op], payload: new Uint8Array(0) }),
    decode(_input, payload) {
      const reader = new ByteReader(payload);
      const value = reader.u32();
      reader.u32();
      reader.end();
      return { value };
    },
  },
  generator: () => () => ({ op: 'inc' }),
};
