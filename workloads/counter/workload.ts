/**
 * The lecture's counter: clients increment and read one shared counter. Model `counter`.
 * Wire format in workloads/README.md ("counter").
 */
import type { CounterInput, CounterOutput } from '../../harness/check/models/counter.ts';
import { ByteReader } from '../../harness/net/codec.ts';
import { integerParameter, type ParameterValues } from '../../harness/params.ts';
import { tickBootArguments, tickParameter } from '../tick.ts';
import type { Workload } from '../types.ts';

export const COUNTER_OPERATION = { inc: 1, get: 2 } as const;

const IMAGE = 'workloads/counter/bin/counter.elf';
const RAM_BYTES = 2 * 1024 * 1024;

export const counterWorkload: Workload<CounterInput, CounterOutput> = {
  name: 'counter',
  description: 'one shared counter: inc (answers the new value) and get; the lecture\'s increment example',
  parameters: [{ name: 'get-percent', description: 'share of operations that read instead of increment, in percent', kind: 'integer', default: 10, min: 0, max: 100 }, tickParameter(0)],
  model: 'counter',
  modelInit: () => 0,
  stateSymbols: ['counter_value', 'ftb_duplicate_table'],
  guest: (parameters: ParameterValues) => ({ image: IMAGE, harts: 1, ramBytes: RAM_BYTES, diskSectors: 0, bootArguments: tickBootArguments(parameters) }),
  defaultLoad: () => ({ kind: 'closed', clients: 4, thinkTimeNs: 0 }),
  codec: {
    encode: (input) => ({ operation: COUNTER_OPERATION[input.op], payload: new Uint8Array(0) }),
    decode(_input, payload) {
      const reader = new ByteReader(payload);
      const value = reader.u32();
      reader.end();
      return { value };
    },
  },
  generator(parameters: ParameterValues) {
    const getPercent = integerParameter(parameters, 'get-percent');
    return (random) => ({ op: random.chance(getPercent, 100) ? 'get' : 'inc' });
  },
};
