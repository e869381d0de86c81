/**
 * COLO end to end: deterministic workloads compare every output and never checkpoint; each fault
 * scenario passes every checker on counter and kv; non-determinism that shows in an output (ttl-cache
 * under jitter) costs mismatches and checkpoints and still passes; the colo-no-compare mutant is
 * caught; unsupported guests and bad parameters are refused.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UnsupportedCombination } from '../../harness/errors.ts';
import { hostEnvironment } from '../../harness/cli/files.ts';
import { runExperiment } from '../../harness/runner/experiment.ts';
import { type RunReport, violations } from '../../harness/runner/types.ts';
import { findStrategy } from '../registry.ts';

function run(strategy: string, workload: string, scenario: string, seed: number, settings: Record<string, string> = {}): RunReport {
  return runExperiment({ strategy, workload, scenario, seed, settings }, hostEnvironment);
}

function describe(report: RunReport): string {
  return `${report.strategy}/${report.workload}/${report.scenario} seed ${report.seed}: verdicts ${JSON.stringify(report.verdicts)}, figures ${JSON.stringify(report.strategyFigures)}, events ${report.events.map((event) => `${event.kind}@${'host' in event ? event.host : ''}`).join(' ')}`;
}

function assertAllPass(report: RunReport): void {
  assert.deepEqual(violations(report.verdicts), [], describe(report));
  assert.equal(report.verdicts.linearizable.state, 'pass', describe(report));
  assert.equal(report.verdicts.splitBrain.state, 'pass', describe(report));
  assert.notEqual(report.verdicts.divergence.state, 'fail', describe(report));
  assert.equal(report.verdicts.outputRule.state, 'pass', describe(report));
}

for (const workload of ['counter', 'kv']) {
  test(`${workload} without faults: every reply is compared with the backup's and matches, so no checkpoint is ever taken`, () => {
    const report = run('colo', workload, 'none', 1);
    assertAllPass(report);
    const figures = report.strategyFigures;
    assert.equal(figures.comparisons, report.opsCompleted, describe(report));
    assert.equal(figures.mismatches, 0, describe(report));
    assert.equal(figures.checkpoints, 0, describe(report));
    assert.equal(figures.framesForwarded, figures.digestsSent, describe(report));
  });
}

for (const scenario of ['crash-primary', 'crash-primary-after-reply', 'partition-replicas', 'random']) {
  test(`colo passes every checker under ${scenario} (counter and kv, seed 1)`, () => {
    for (const workload of ['counter', 'kv']) {
      const report = run('colo', workload, scenario, 1);
      assertAllPass(report);
      assert.equal(report.failover?.recovered, true, describe(report));
    }
  });
}

test('crash-primary-after-reply: the backup, whose own reply matched the one the client saw, goes live through test-and-set and runs alone', () => {
  const report = run('colo', 'counter', 'crash-primary-after-reply', 2);
  const kinds = report.events.map((event) => `${event.kind}@${'host' in event ? event.host : ''}`);
  for (const expected of ['suspect@backup', 'go-live@backup', 'alone@backup']) assert.ok(kinds.includes(expected), describe(report));
  assert.equal(report.strategyFigures.failovers, 1, describe(report));
  assertAllPass(report);
});

test('ttl-cache with lazy expiry under 200 µs jitter: the replicas\' clocks disagree about expiry, replies mismatch, checkpoints resynchronise them, every checker passes', () => {
  const report = run('colo', 'ttl-cache', 'none', 1, { expiry: 'lazy', 'ttl-ms': '1', 'key-count': '4', 'put-percent': '50', operations: '800', 'jitter-us': '200' });
  assertAllPass(report);
  const figures = report.strategyFigures;
  assert.ok((figures.mismatches ?? 0) >= 1, describe(report));
  assert.ok((figures.checkpoints ?? 0) >= 1, describe(report));
  assert.ok((figures.checkpointBytes ?? 0) > 0, describe(report));
  // Each checkpoint is a sync point: the divergence checker compared the replicas' state there.
  assert.equal(report.verdicts.divergence.state, 'pass', describe(report));
  assert.equal(figures.syncPointsCompared, figures.checkpoints, describe(report));
});

test('ttl-cache with eager expiry: sweeps run on each replica\'s own timer, a sweep that shows in a reply is a mismatch and a checkpoint, every checker passes', () => {
  const report = run('colo', 'ttl-cache', 'none', 1, { expiry: 'eager', 'ttl-ms': '1', 'key-count': '4', 'put-percent': '50', operations: '800' });
  assertAllPass(report);
  assert.ok((report.strategyFigures.mismatches ?? 0) >= 1, describe(report));
});

test('colo-no-compare is caught under crash-primary-after-reply: the reply left before the backup produced it (output-rule audit)', () => {
  const mutant = findStrategy('colo-no-compare');
  assert.equal(mutant.knownBroken?.exposedBy, 'crash-primary-after-reply');
  assert.equal(mutant.knownBroken?.caughtBy, 'outputRule');
  for (const seed of [1, 2, 3]) {
    const report = run(mutant.name, 'counter', mutant.knownBroken!.exposedBy, seed);
    assert.equal(report.verdicts.outputRule.state, 'fail', describe(report));
    assertAllPass(run('colo', 'counter', mutant.knownBroken!.exposedBy, seed));
  }
});

test('colo-no-compare under partition-replicas (seed 3): replies of the primary that then loses test-and-set break linearizability and split brain; colo holds them and passes', () => {
  const report = run('colo-no-compare', 'counter', 'partition-replicas', 3);
  assert.equal(report.verdicts.linearizable.state, 'fail', describe(report));
  assert.equal(report.verdicts.splitBrain.state, 'fail', describe(report));
  assertAllPass(run('colo', 'counter', 'partition-replicas', 3));
});

test('multiprocessor and disk guests are refused up front', () => {
  assert.throws(() => run('colo', 'smp-kv', 'none', 1), UnsupportedCombination);
  assert.throws(() => run('colo', 'file-append', 'none', 1), UnsupportedCombination);
});

test('a compare timeout longer than the failure timeout is refused, naming the values', () => {
  assert.throws(() => run('colo', 'counter', 'none', 1, { operations: '1', 'compare-timeout-ms': '60', 'failure-timeout-ms': '50' }), /compare-timeout-ms = 60 .*failure-timeout-ms = 50/);
});
