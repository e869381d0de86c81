/**
 * Checkpointing (Remus) end to end: the backup's state equals the primary's at every checkpoint,
 * outputs wait about an epoch, every fault scenario passes every checker, the mutant without
 * output buffering is caught, a multiprocessor guest is replicated, and shorter epochs cost
 * CPU-heavy work a larger share of its time.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunReport } from '../../harness/runner/types.ts';
import { findStrategy } from '../registry.ts';
import { BUSY_CLIENTS, assertAllPass, describeRun, runStrategy } from '../shared/end-to-end.ts';

/** A run with busy clients unless told otherwise (faults strike mid-run). */
const run = (strategy: string, workload: string, scenario: string, seed: number, settings: Readonly<Record<string, string>> = BUSY_CLIENTS): RunReport => runStrategy(strategy, workload, scenario, seed, settings);

// file-append holds each of its two disk writes and its reply for an epoch: give clients time.
const workloadsWithoutFaults = [
  ['counter', BUSY_CLIENTS],
  ['kv', BUSY_CLIENTS],
  ['file-append', { ...BUSY_CLIENTS, clients: '2', 'timeout-ms': '200' }],
  ['smp-kv', BUSY_CLIENTS],
] as const;

for (const [workload, settings] of workloadsWithoutFaults) {
  test(`${workload} without faults: the backup equals the primary at every checkpoint, and outputs wait about an epoch`, () => {
    const report = run('checkpoint', workload, 'none', 1, settings);
    assertAllPass(report);
    assert.equal(report.verdicts.divergence.state, 'pass', describeRun(report));
    assert.ok(report.checked.syncPointsCompared >= 20, `only ${report.checked.syncPointsCompared} sync points compared`);
    assert.ok(report.opsCompleted > 0, describeRun(report));
    const figures = report.strategyFigures;
    // The default epoch is 25 ms: an output produced at a random moment of it waits for its end.
    assert.ok((figures.outputDelayNsP50 ?? 0) >= 12_000_000, `output delay p50 ${figures.outputDelayNsP50} ns`);
    assert.ok((figures.checkpoints ?? 0) > 0 && (figures.dirtyPagesPerCheckpointMean ?? 0) > 0, JSON.stringify(figures));
  });
}

const scenarios = ['none', 'crash-primary', 'crash-backup', 'crash-both', 'crash-primary-after-reply', 'partition-replicas', 'partition-primary-storage', 'isolate-primary', 'lossy-links', 'repeated-failover'];

for (const scenario of scenarios) {
  test(`checkpoint passes every checker under ${scenario} (counter and kv, seeds 1-2)`, () => {
    for (const workload of ['counter', 'kv']) {
      for (const seed of [1, 2]) {
        const report = run('checkpoint', workload, scenario, seed);
        assertAllPass(report);
        if (scenario === 'crash-both') assert.equal(report.failover?.recovered, false, describeRun(report));
      }
    }
  });
}

test('a backup that took over resumes from the last acknowledged checkpoint and is re-protected on a spare', () => {
  const report = run('checkpoint', 'counter', 'crash-primary-after-reply', 5);
  const kinds = report.events.map((event) => `${event.kind}@${'host' in event ? event.host : ''}`);
  for (const expected of ['suspect@backup', 'go-live@backup', 'alone@backup', 'reprotect-done@spare-0', 'protected@backup']) assert.ok(kinds.includes(expected), describeRun(report));
  assert.equal(report.failover?.recovered, true);
  assert.equal(report.strategyFigures.failovers, 1);
  assert.ok((report.strategyFigures.reprotectPauseNsMax ?? 0) > 0);
  assertAllPass(report);
});

test('smp-kv (two harts) fails over under crash-primary: state transfer copes with a multiprocessor guest', () => {
  const report = run('checkpoint', 'smp-kv', 'crash-primary', 1);
  assertAllPass(report);
  assert.equal(report.failover?.recovered, true, describeRun(report));
});

test('checkpoint-no-output-buffering is caught: a client saw a reply the backup never had a checkpoint of', () => {
  const mutant = findStrategy('checkpoint-no-output-buffering');
  assert.equal(mutant.knownBroken?.exposedBy, 'crash-primary-after-reply');
  for (const seed of [1, 2]) {
    const report = run(mutant.name, 'counter', mutant.knownBroken!.exposedBy, seed);
    assert.equal(report.verdicts.linearizable.state, 'fail', describeRun(report));
    assert.equal(report.verdicts.outputRule.state, 'fail', describeRun(report));
    assertAllPass(run('checkpoint', 'counter', mutant.knownBroken!.exposedBy, seed));
  }
});

test('shorter epochs cost CPU-heavy work more: a larger share of the primary\'s time goes to checkpoint pauses', () => {
  // With the workload's one closed-loop client every operation waits for the end of its epoch, so
  // its throughput follows the epoch (output delay), not the CPU cost: the cost is the share of
  // virtual time the primary spends paused (copying dirty pages) or stalled (waiting for an ack).
  const settings = (epochMs: number) => ({ operations: '10', 'epoch-ms': String(epochMs) });
  const short = run('checkpoint', 'cpu-bound', 'none', 1, settings(10));
  const long = run('checkpoint', 'cpu-bound', 'none', 1, settings(100));
  assertAllPass(short);
  assertAllPass(long);
  const pausedShare = (report: RunReport) => ((report.strategyFigures.pauseNsTotal ?? 0) + (report.strategyFigures.primaryStallNs ?? 0)) / (report.virtualSeconds * 1e9);
  assert.ok(pausedShare(short) > 2 * pausedShare(long), `paused ${pausedShare(short)} of the time at 10 ms epochs, ${pausedShare(long)} at 100 ms`);
  assert.ok(short.replication.mbitPerSec > 2 * long.replication.mbitPerSec, `${short.replication.mbitPerSec} vs ${long.replication.mbitPerSec} Mbit/s`);
});

test('a failure timeout not above the heartbeat interval is refused, naming the values', () => {
  assert.throws(() => run('checkpoint', 'counter', 'none', 1, { operations: '1', 'heartbeat-ms': '50', 'failure-timeout-ms': '50' }), /failure-timeout-ms = 50 .*heartbeat-ms = 50/);
});
