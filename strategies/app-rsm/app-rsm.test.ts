/**
 * The application-level RSM end to end: the backup's application state equals the primary's after
 * every compared operation, each fault scenario passes every checker, replication ships far fewer
 * bytes per operation than vmft, the reply-before-ack mutant is caught, timer-driven state
 * (ttl-cache's eager sweeps) diverges while request-driven time reads (lazy expiry) do not, and
 * multiprocessor and disk guests are refused.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UnsupportedCombination } from '../../harness/errors.ts';
import type { RunReport } from '../../harness/runner/types.ts';
import { findStrategy } from '../registry.ts';
import { BUSY_CLIENTS, assertAllPass, describeRun, runStrategy } from '../shared/end-to-end.ts';

/** A run with busy clients unless told otherwise (faults strike mid-run). */
const run = (strategy: string, workload: string, scenario: string, seed: number, settings: Readonly<Record<string, string>> = BUSY_CLIENTS): RunReport => runStrategy(strategy, workload, scenario, seed, settings);

for (const workload of ['counter', 'kv']) {
  test(`${workload} without faults: the backup's application state equals the primary's at every compared operation`, () => {
    const report = run('app-rsm', workload, 'none', 1);
    assertAllPass(report);
    assert.equal(report.verdicts.divergence.state, 'pass', describeRun(report));
    assert.ok(report.checked.syncPointsCompared >= 50, `only ${report.checked.syncPointsCompared} sync points compared`);
    assert.equal(report.opsUnknown, 0, describeRun(report));
    const figures = report.strategyFigures;
    assert.equal(figures.operationsApplied, figures.operationsShipped, JSON.stringify(figures));
    assert.equal(figures.replayReadMismatches, 0, JSON.stringify(figures));
    assert.ok((figures.operationsShipped ?? 0) >= report.opsCompleted, JSON.stringify(figures));
  });
}

test('kv: application-level replication ships far fewer bytes per operation than vmft\'s machine-level log', () => {
  const settings = { operations: '400' };
  const app = run('app-rsm', 'kv', 'none', 1, settings);
  const vmft = run('vmft', 'kv', 'none', 1, settings);
  assertAllPass(app);
  const perOp = (report: RunReport) => report.replication.bytes / report.opsCompleted;
  assert.ok(perOp(app) < 0.6 * perOp(vmft), `app-rsm ${perOp(app)} bytes/op, vmft ${perOp(vmft)} bytes/op`);
  // Throughput stays in vmft's range: both hold each reply for about one round trip to the backup.
  assert.ok((app.throughputOpsPerSec ?? 0) > 0.8 * (vmft.throughputOpsPerSec ?? 0), `${app.throughputOpsPerSec} vs ${vmft.throughputOpsPerSec} ops/s`);
});

const scenarios = ['crash-primary', 'crash-backup', 'crash-primary-after-reply', 'partition-replicas', 'lossy-links', 'crash-both'];

for (const scenario of scenarios) {
  test(`app-rsm passes every checker under ${scenario} (counter and kv, seeds 1-2)`, () => {
    for (const workload of ['counter', 'kv']) {
      for (const seed of [1, 2]) {
        const report = run('app-rsm', workload, scenario, seed, { ...BUSY_CLIENTS, 'sync-every': '16' });
        assertAllPass(report);
        if (scenario === 'crash-both') assert.equal(report.failover?.recovered, false, describeRun(report));
        else if (scenario !== 'lossy-links') assert.equal(report.failover?.recovered, true, describeRun(report));
      }
    }
  });
}

test('a backup that took over applied every acknowledged operation, went live through test-and-set and runs alone', () => {
  const report = run('app-rsm', 'counter', 'crash-primary-after-reply', 5);
  const kinds = report.events.map((event) => `${event.kind}@${'host' in event ? event.host : ''}`);
  for (const expected of ['suspect@backup', 'go-live@backup', 'alone@backup']) assert.ok(kinds.includes(expected), describeRun(report));
  assert.equal(report.failover?.recovered, true);
  assert.equal(report.strategyFigures.failovers, 1);
  assertAllPass(report);
});

test('app-rsm-reply-before-ack is caught: a client saw a counter value the backup never reached', () => {
  const mutant = findStrategy('app-rsm-reply-before-ack');
  assert.equal(mutant.knownBroken?.exposedBy, 'crash-primary-after-reply');
  for (const seed of [1, 2, 3]) {
    const report = run(mutant.name, 'counter', mutant.knownBroken!.exposedBy, seed);
    assert.equal(report.verdicts.linearizable.state, 'fail', describeRun(report));
    assert.equal(report.verdicts.outputRule.state, 'fail', describeRun(report));
    assertAllPass(run('app-rsm', 'counter', mutant.knownBroken!.exposedBy, seed));
  }
});

test('ttl-cache with lazy expiry does not diverge: the time reads of its operations are shipped and replayed', () => {
  const report = run('app-rsm', 'ttl-cache', 'none', 1, { ...BUSY_CLIENTS, expiry: 'lazy' });
  assertAllPass(report);
  assert.equal(report.verdicts.divergence.state, 'pass', describeRun(report));
  assert.ok(report.checked.syncPointsCompared >= 50, `only ${report.checked.syncPointsCompared} sync points compared`);
  assert.ok((report.strategyFigures.readsPerOp ?? 0) >= 1, JSON.stringify(report.strategyFigures));
});

test('ttl-cache with eager expiry diverges: timer-driven sweeps are not operations, so each replica sweeps on its own clock', () => {
  // The sweep interrupt is taken on each replica when its own timer is due (the sweep count and
  // which entries a sweep removed differ): an application-level RSM replays requests, not timer
  // interrupts, and the divergence checker shows the difference in the replicas' state.
  const report = run('app-rsm', 'ttl-cache', 'none', 1, { ...BUSY_CLIENTS, expiry: 'eager' });
  assert.equal(report.verdicts.divergence.state, 'fail', describeRun(report));
  assert.equal(report.verdicts.linearizable.state, 'pass', describeRun(report));
  assert.equal(report.verdicts.outputRule.state, 'pass', describeRun(report));
});

test('multiprocessor and disk guests are refused up front', () => {
  assert.throws(() => run('app-rsm', 'smp-kv', 'none', 1), UnsupportedCombination);
  assert.throws(() => run('app-rsm', 'file-append', 'none', 1), UnsupportedCombination);
});

test('a failure timeout not above the heartbeat interval is refused, naming the values', () => {
  assert.throws(() => run('app-rsm', 'counter', 'none', 1, { operations: '1', 'heartbeat-ms': '50', 'failure-timeout-ms': '50' }), /failure-timeout-ms = 50 .*heartbeat-ms = 50/);
});

test('repeated-failover: the new primary brings its spare up as a new backup, so the second crash is survived too', () => {
  for (const workload of ['counter', 'kv']) {
    const report = run('app-rsm', workload, 'repeated-failover', 1);
    assertAllPass(report);
    assert.equal(report.verdicts.availability.state, 'pass', describeRun(report));
    assert.equal(report.failover?.recovered, true, describeRun(report));
    const kinds = report.events.map((event) => `${event.kind}@${'host' in event ? event.host : ''}`);
    for (const expected of ['reprotect-start@spare-0', 'reprotect-done@spare-0']) assert.ok(kinds.includes(expected), describeRun(report));
    assert.equal(report.strategyFigures.reprotections, 1, JSON.stringify(report.strategyFigures));
    assert.ok((report.strategyFigures.firstStateBytes ?? 0) > 0, JSON.stringify(report.strategyFigures));
  }
});
