import type { Bench } from 'tinybench';
import { addWorkTask } from '../bench/units.ts';
import { RandomStream } from '../sim/random.ts';
import { checkHistory } from './check.ts';
import { counterModel } from './models/counter.ts';
import { kvModel } from './models/kv.ts';
import { generateHistory, referenceCounter, referenceKv } from './testing.ts';

const OPERATIONS = 1000;

/**
 * Linearizability checking speed on the histories the workloads produce: 1000 operations of 4
 * overlapping clients on a kv store of 8 keys, and 1000 counter operations of 4 clients with 1% of
 * outcomes unknown (the counter is one partition, so this is the harder one). One iteration checks
 * one whole history; the checker must stay well under a second for each.
 */
export function registerCheckBenchmarks(bench: Bench): void {
  const options = { operationCount: OPERATIONS, clientCount: 4, overlapping: true };
  const kv = generateHistory(referenceKv(8), { ...options, unknownPercent: 0 }, new RandomStream(1, 'bench.check.kv'));
  const counter = generateHistory(referenceCounter(), { ...options, unknownPercent: 1 }, new RandomStream(1, 'bench.check.counter'));
  const units = { perIteration: OPERATIONS, unit: 'operations' };
  addWorkTask(bench, `check: kv, ${OPERATIONS} ops, 4 clients, 8 keys`, units, () => {
    if (checkHistory(kvModel, kv).state !== 'linearizable') throw new Error('the kv benchmark history must be linearizable');
  });
  addWorkTask(bench, `check: counter, ${OPERATIONS} ops, 4 clients, 1% unknown`, units, () => {
    if (checkHistory(counterModel, counter).state !== 'linearizable') throw new Error('the counter benchmark history must be linearizable');
  });
}
