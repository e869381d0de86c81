import type { Bench } from 'tinybench';
import { addWorkTask } from '../bench/units.ts';
import { RandomStream } from '../sim/random.ts';
import { checkHistory } from './check.ts';
import { counterModel } from './models/counter.ts';
import { kvModel } from './models/kv.ts';
import { generateHistory, referenceCounter, referenceKv, referenceKvAppends } from './testing.ts';

const OPERATIONS = 1000;

/**
 * Linearizability checking speed on the histories the workloads produce: 1000 operations of 4
 * overlapping clients on a kv store of 8 keys, and 1000 counter operations of 4 clients with 1% of
 * outcomes unknown (the counter is one partition, so this is the harder one). One iteration checks
 * one whole history; the checker must stay well under a second for each.
 *
 * And a hot key: 1000 operations of 16 (and 32) clients on one key, 70% appends answering
 * versions, every outcome known (so that the search decides it too), checked by the append-order
 * check and by the search alone (`appendOrder: false`), to compare the two on the same history.
 */
export function registerCheckBenchmarks(bench: Bench): void {
  const options = { operationCount: OPERATIONS, clientCount: 4, overlapping: true };
  const kv = generateHistory(referenceKv(8), { ...options, unknownPercent: 0 }, new RandomStream(1, 'bench.check.kv'));
  const counter = generateHistory(referenceCounter(), { ...options, unknownPercent: 1 }, new RandomStream(1, 'bench.check.counter'));
  const units = { perIteration: OPERATIONS, unit: 'operations' };
  addWorkTask(bench, `check: kv, ${OPERATIONS} ops, 4 clients, 8 keys`, units, () => {
    if (checkHistory(kvModel, kv).state !== 'linearizable') throw new Error('the kv benchmark history must be linearizable');
  });
  for (const clientCount of [16, 32]) {
    const hotKey = generateHistory(referenceKvAppends(1, 'all'), { operationCount: OPERATIONS, clientCount, overlapping: true, unknownPercent: 0 }, new RandomStream(1, `bench.check.hot-key.${clientCount}`));
    for (const appendOrder of [true, false]) {
      addWorkTask(bench, `check: hot key, ${OPERATIONS} ops, ${clientCount} clients, ${appendOrder ? 'append order' : 'search only'}`, units, () => {
        const verdict = checkHistory(kvModel, hotKey, { appendOrder });
        if (verdict.state !== 'linearizable' || verdict.appendOrderPartitions !== (appendOrder ? 1 : 0)) throw new Error(`the hot-key benchmark history must be linearizable, decided ${appendOrder ? 'by append order' : 'by the search'}`);
      });
    }
  }
  addWorkTask(bench, `check: counter, ${OPERATIONS} ops, 4 clients, 1% unknown`, units, () => {
    if (checkHistory(counterModel, counter).state !== 'linearizable') throw new Error('the counter benchmark history must be linearizable');
  });
}
