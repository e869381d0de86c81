/**
 * An idle guest: a kernel with a periodic timer tick (`tick-hz`, default 250 as Linux's default
 * HZ) and no work of its own; a trickle of counter operations gives the run a history. The VMware
 * FT paper's idle-guest row (Scales et al. 2010, §5.1) is this workload under vmft: what the log
 * carries when the guest does nothing but tick. Model `counter`. Wire format in workloads/README.md
 * ("idle").
 */
import type { CounterInput, CounterOutput } from '../../harness/check/models/counter.ts';
import { ByteReader } from '../../harness/net/codec.ts';
import { integerParameter, type ParameterValues } from '../../harness/params.ts';
import { tickBootArguments, tickParameter } from '../tick.ts';
import type { Workload } from '../types.ts';

export const IDLE_OPERATION = { inc: 1, get: 2 } as const;

/** Linux's default HZ (kernel/Kconfig.hz: "default 250" since 2.6.13). */
export const IDLE_DEFAULT_TICK_HZ = 250;

export const idleWorkload: Workload<CounterInput, CounterOutput> = {
  name: 'idle',
  description: 'an idle guest that only ticks (tick-hz, as an OS\'s HZ); a trickle of counter operations gives the run a history',
  parameters: [
    tickParameter(IDLE_DEFAULT_TICK_HZ),
    { name: 'get-percent', description: 'share of the trickle\'s operations that read the counter instead of incrementing it, in percent', kind: 'integer', default: 50, min: 0, max: 100 },
  ],
  model: 'counter',
  modelInit: () => 0,
  stateSymbols: ['idle_counter', 'ftb_duplicate_table'],
  guest: (parameters: ParameterValues) => ({ image: 'workloads/idle/bin/idle.elf', harts: 1, ramBytes: 2 * 1024 * 1024, diskSectors: 0, bootArguments: tickBootArguments(parameters) }),
  // A trickle: one client, 10 operations a second, open loop (the guest is idle between them).
  defaultLoad: () => ({ kind: 'open', clients: 1, ratePerSecond: 10, queueLimit: 4 }),
  codec: {
    encode: (input) => ({ operation: IDLE_OPERATION[input.op], payload: new Uint8Array(0) }),
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
