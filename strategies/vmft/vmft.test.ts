/**
 * VM-FT end to end: replay keeps the backup's state equal to the primary's at every sync point,
 * every fault scenario passes every checker, each registered mutant is caught in its scenario,
 * flow control bounds the log buffer, and multiprocessor guests are refused.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UnsupportedCombination } from '../../harness/errors.ts';
import { hostEnvironment } from '../../harness/cli/files.ts';
import { runExperiment } from '../../harness/runner/experiment.ts';
import { type RunReport, violations } from '../../harness/runner/types.ts';
import { findStrategy } from '../registry.ts';

/** Long enough that faults at 100 ms (and 400 ms) strike while clients are busy. */
const busy = { 'think-time-us': '1000', operations: '800' };

function run(strategy: string, workload: string, scenario: string, seed: number, settings: Record<string, string> = busy): RunReport {
  return runExperiment({ strategy, workload, scenario, seed, settings }, hostEnvironment);
}

function describe(report: RunReport): string {
  return `${report.strategy}/${report.workload}/${report.scenario} seed ${report.seed}: verdicts ${JSON.stringify(report.verdicts)}, events ${report.events.map((event) => `${event.kind}@${'host' in event ? event.host : ''}`).join(' ')}`;
}

/** Each workload exercises a different kind of logged event (a figure that must be non-zero). */
const replayCases = [
  ['ttl-cache', 'entriesTimerPerSec'],
  ['ttl-cache', 'entriesTimePerSec'],
  ['file-append', 'entriesDiskPerSec'],
  ['kv', 'entriesFramePerSec'],
] as const;

for (const workload of ['ttl-cache', 'file-append', 'kv']) {
  test(`replay of ${workload}: the backup's state equals the primary's at every sync point of a long run`, () => {
    // A PROGRESS entry (and sync point) every millisecond.
    const report = run('vmft', workload, 'none', 4, { operations: '300', 'think-time-us': '1000', 'heartbeat-ms': '1' });
    assert.equal(report.verdicts.divergence.state, 'pass', describe(report));
    assert.ok((report.strategyFigures.syncPointsCompared ?? 0) >= 40, `only ${report.strategyFigures.syncPointsCompared} sync points compared`);
    assert.deepEqual(violations(report.verdicts), [], describe(report));
    assert.equal(report.opsUnknown, 0, describe(report));
    for (const [name, figure] of replayCases) if (name === workload) assert.ok((report.strategyFigures[figure] ?? 0) > 0, `${workload}: ${figure} is 0`);
  });
}

const scenarios = ['none', 'crash-primary', 'crash-backup', 'crash-both', 'crash-primary-after-reply', 'partition-replicas', 'partition-primary-storage', 'isolate-primary', 'lossy-links'];

for (const scenario of scenarios) {
  test(`vmft passes every checker under ${scenario} (counter, seeds 1-2; kv, seed 3)`, () => {
    for (const [workload, seed] of [['counter', 1], ['counter', 2], ['kv', 3]] as const) {
      const report = run('vmft', workload, scenario, seed);
      assert.deepEqual(violations(report.verdicts), [], describe(report));
      assert.equal(report.verdicts.linearizable.state, 'pass', describe(report));
      assert.equal(report.verdicts.splitBrain.state, 'pass', describe(report));
      assert.notEqual(report.verdicts.divergence.state, 'fail', describe(report));
      assert.equal(report.verdicts.outputRule.state, 'pass', describe(report));
    }
  });
}

test('a backup that took over goes live with the state the clients saw (crash right after a reply)', () => {
  const report = run('vmft', 'counter', 'crash-primary-after-reply', 5);
  const kinds = report.events.map((event) => `${event.kind}@${'host' in event ? event.host : ''}`);
  assert.ok(kinds.includes('go-live@backup'), describe(report));
  assert.ok(kinds.includes('reprotect-done@spare-0'), describe(report));
  assert.equal(report.failover?.recovered, true);
  assert.equal(report.verdicts.linearizable.state, 'pass', describe(report));
});

test('repeated-failover: two crashes of the service owner, each followed by re-protection on a spare', () => {
  for (const seed of [1, 2]) {
    const report = run('vmft', 'counter', 'repeated-failover', seed, { ...busy, operations: '1600' });
    const goLive = report.events.filter((event) => event.kind === 'go-live').map((event) => ('host' in event ? event.host : ''));
    assert.deepEqual(goLive, ['primary', 'backup', 'spare-0'], describe(report));
    assert.equal(report.events.filter((event) => event.kind === 'reprotect-done').length, 2, describe(report));
    assert.deepEqual(violations(report.verdicts), [], describe(report));
    assert.ok((report.strategyFigures.reprotectPauseNsMax ?? 0) > 0);
  }
});

test('a copy pause longer than every snapshot retry (memory copy at 1 MB/s, about 300 ms against 4 x 50 ms): the spare is still brought up, its sends counted from the first one after the copy', () => {
  const report = run('vmft', 'counter', 'crash-primary', 1, { ...busy, 'memory-copy-mb-per-s': '1' });
  assert.deepEqual(violations(report.verdicts), [], describe(report));
  assert.ok((report.strategyFigures.reprotectPauseNsMax ?? 0) > 200_000_000, describe(report));
  assert.equal(report.strategyFigures.reprotections, 1, describe(report));
  assert.ok(!report.events.some((event) => event.kind === 'reprotect-failed'), describe(report));
});

test('vmft-no-output-rule is caught: after a crash right after a reply, a client sees a value the new primary never had', () => {
  const mutant = findStrategy('vmft-no-output-rule');
  assert.equal(mutant.knownBroken?.exposedBy, 'crash-primary-after-reply');
  for (const seed of [1, 2]) {
    const report = run(mutant.name, 'counter', mutant.knownBroken!.exposedBy, seed);
    assert.equal(report.verdicts.linearizable.state, 'fail', describe(report));
    assert.equal(report.verdicts.outputRule.state, 'fail', describe(report));
  }
});

test('vmft-no-test-and-set is caught: a partition between the replicas makes two primaries', () => {
  const mutant = findStrategy('vmft-no-test-and-set');
  assert.equal(mutant.knownBroken?.exposedBy, 'partition-replicas');
  for (const seed of [1, 2]) {
    const report = run(mutant.name, 'counter', mutant.knownBroken!.exposedBy, seed);
    assert.equal(report.verdicts.splitBrain.state, 'fail', describe(report));
  }
});

test('a small log buffer stalls the primary under bulk input instead of growing past its bound', () => {
  const report = run('vmft', 'net-bulk', 'none', 1, { 'log-buffer-kb': '80', 'backup-buffer-kb': '80', clients: '64', 'client-hosts': '1', 'replication-link-gbps': '0.1', operations: '600' });
  const figures = report.strategyFigures;
  assert.ok((figures.primaryStallNs ?? 0) > 0, `no stall: ${JSON.stringify(figures)}`);
  assert.ok((figures.primaryBufferPeakBytes ?? Infinity) <= 80 * 1024, `buffer peaked at ${figures.primaryBufferPeakBytes}`);
  assert.deepEqual(violations(report.verdicts), [], describe(report));
});

test('a guest with two harts is an unsupported combination for vmft', () => {
  assert.throws(() => run('vmft', 'smp-kv', 'none', 1, { operations: '10' }), UnsupportedCombination);
});
