import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeUsage, listScheduleMs, poolUsage, type TaskTiming } from './pool-usage.ts';

test('list scheduling: in dispatch order a long task last leaves a worker idle; longest-first does not', () => {
  assert.equal(listScheduleMs([1, 1, 2], 2), 3);
  assert.equal(listScheduleMs([2, 1, 1], 2), 2);
  assert.equal(listScheduleMs([5, 4, 3], 1), 12, 'one worker: the sum');
  assert.equal(listScheduleMs([], 2), 0);
  assert.throws(() => listScheduleMs([1], 0), /workers 0 is not valid: expected an integer of at least 1/);
});

test('pool usage: each worker\'s busy time over the pool\'s wall time, and the bounds of an ideal schedule', () => {
  const at = (worker: number, startMs: number, endMs: number, cpuMs: number | null = endMs - startMs): TaskTiming => ({ worker, startMs, endMs, cpuMs });
  // Worker 7 runs 0-10 and 10-30; worker 8 runs 0-5 and idles to the end at 30.
  const usage = poolUsage(2, 0, [at(7, 0, 10), at(8, 0, 5), at(7, 10, 30)]);
  assert.equal(usage.wallMs, 30);
  assert.deepEqual(usage.workers.map((worker) => [worker.worker, worker.tasks, worker.busyMs, worker.utilisation]), [[7, 2, 30, 1], [8, 1, 5, 5 / 30]]);
  assert.equal(usage.busyMs, 35);
  assert.equal(usage.longestMs, 20);
  assert.equal(usage.lowerBoundMs, 20, 'the longest task bounds it, not the mean 17.5');
  assert.equal(usage.inOrderMs, 25, 'durations 10, 5, 20 in dispatch order: 10 | 5+20');
  assert.equal(usage.longestFirstMs, 20, '20 | 10+5');
  assert.equal(usage.cpuMs, 35);
  assert.equal(poolUsage(2, 0, [at(7, 0, 10, null), at(8, 0, 5)]).cpuMs, null, 'an unknown CPU time makes the sum unknown');
  assert.match(describeUsage(usage).join('\n'), /worker 8: 1 tasks, busy 0\.0 s \(CPU 0\.0 s\), utilisation 16\.7 %/);
});
