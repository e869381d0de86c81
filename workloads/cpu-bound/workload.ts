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
/** The most 4 KiB blocks a job's disk round moves: one disk request of 128 sectors (cpu-bound.c). */
export const CPU_MAX_DISK_BLOCKS = 16;
/** The disk of a cpu-bound guest with disk rounds: 4 MiB, as file-append's default. */
const CPU_DISK_SECTORS = 8192;

export const cpuBoundWorkload: Workload<CounterInput, CounterOutput> = {
  name: 'cpu-bound',
  description: 'CPU-bound jobs over a multi-MiB working set that many pages of get dirty (kernel-compile analogue)',
  parameters: [
    { name: 'working-set-kib', description: 'size of the array the jobs rewrite, in KiB (multiple of 4 used)', kind: 'integer', default: CPU_MAX_WORKING_SET_KIB, min: 4, max: CPU_MAX_WORKING_SET_KIB },
    { name: 'job-units', description: 'units of work per job; a unit rewrites and sorts one 4 KiB block (about 18,000 instructions)', kind: 'integer', default: 128, min: 1, max: 1_000_000 },
    { name: 'disk-blocks', description: 'a database-like disk round per job: read this many 4 KiB blocks of the disk and write them back before answering (0: no disk)', kind: 'integer', default: 0, min: 0, max: CPU_MAX_DISK_BLOCKS },
    tickParameter(0),
  ],
  model: 'counter',
  modelInit: () => 0,
  stateSymbols: ['cpu_working_set', 'cpu_job_state', 'ftb_duplicate_table'],
  guest: (parameters: ParameterValues) => ({
    image: 'workloads/cpu-bound/bin/cpu-bound.elf',
    harts: 1,
    ramBytes: 16 * 1024 * 1024,
    diskSectors: integerParameter(parameters, 'disk-blocks') > 0 ? CPU_DISK_SECTORS : 0,
    bootArguments: {
      'working-set-kib': integerParameter(parameters, 'working-set-kib'),
      'job-units': integerParameter(parameters, 'job-units'),
      'disk-blocks': integerParameter(parameters, 'disk-blocks'),
      ...tickBootArguments(parameters),
    },
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
