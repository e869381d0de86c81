import type { Bench } from 'tinybench';
import { addWorkTask } from '../bench/units.ts';
import { Simulation } from './simulation.ts';

const PENDING_EVENTS = 100_000;
const EVENTS_PER_ITERATION = 10_000;

/**
 * Scheduler throughput: with 100k events pending, each event run schedules one more at a random
 * delay, so the queue stays at 100k. One iteration runs 10k events (pop + dispatch + push).
 */
export function registerSimBenchmarks(bench: Bench): void {
  const sim = new Simulation({ seed: 1 });
  const random = sim.stream('bench');
  const delays = Float64Array.from({ length: 1 << 16 }, () => random.int(1, 1_000_000));
  let next = 0;
  const reschedule = (): void => {
    sim.schedule(delays[next++ & 0xffff]!, reschedule);
  };
  for (let i = 0; i < PENDING_EVENTS; i++) reschedule();
  addWorkTask(bench, `sim: schedule + dispatch, ${PENDING_EVENTS / 1000}k pending`, { perIteration: EVENTS_PER_ITERATION, unit: 'events' }, () => {
    sim.run({ maxTimeNs: Number.MAX_SAFE_INTEGER, maxEvents: EVENTS_PER_ITERATION });
  });
}
