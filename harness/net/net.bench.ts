import type { Bench } from 'tinybench';
import { addWorkTask } from '../bench/units.ts';
import { Simulation } from '../sim/simulation.ts';
import { Network } from './network.ts';

const MESSAGES_PER_ITERATION = 1000;

/** Network message throughput: 1000 messages of 100 bytes sent over one jittered link and delivered. */
export function registerNetBenchmarks(bench: Bench): void {
  const sim = new Simulation({ seed: 1 });
  const network = new Network(sim);
  network.addHost('a', 'other');
  network.addHost('b', 'other');
  let delivered = 0;
  network.listen('b', '*', () => delivered++);
  const payload = new Uint8Array(100);
  addWorkTask(bench, 'net: send + deliver, 100-byte messages', { perIteration: MESSAGES_PER_ITERATION, unit: 'messages' }, () => {
    for (let i = 0; i < MESSAGES_PER_ITERATION; i++) network.send('a', 'b', 'client', payload);
    sim.run({ maxTimeNs: Number.MAX_SAFE_INTEGER, maxEvents: Number.MAX_SAFE_INTEGER });
    if (delivered === 0) throw new Error('network benchmark delivered nothing');
  });
}
