/**
 * COLO end to end: deterministic workloads compare every output and never checkpoint; each fault
 * scenario passes every checker on counter and kv; non-determinism that shows in an output (ttl-cache
 * under jitter) costs mismatches and checkpoints and still passes; the colo-no-compare mutant is
 * caught; unsupported guests and bad parameters are refused.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UnsupportedCombination } from '../../harness/errors.ts';
import { findStrategy } from '../registry.ts';
import { assertAllPass, describeRun, runStrategy } from '../shared/end-to-end.ts';

for (const workload of ['counter', 'kv']) {
  test(`${workload} without faults: every reply is compared with the backup's and matches, so no checkpoint is ever taken`, () => {
    const report = runStrategy('colo', workload, 'none', 1);
    assertAllPass(report);
    const figures = report.strategyFigures;
    assert.equal(figures.comparisons, report.opsCompleted, describeRun(report));
    assert.equal(figures.mismatches, 0, describeRun(report));
    assert.equal(figures.checkpoints, 0, describeRun(report));
    assert.equal(figures.framesForwarded, figures.digestsSent, describeRun(report));
  });
}

for (const scenario of ['crash-primary', 'crash-primary-after-reply', 'partition-replicas', 'random']) {
  test(`colo passes every checker under ${scenario} (counter and kv, seed 1)`, () => {
    for (const workload of ['counter', 'kv']) {
      const report = runStrategy('colo', workload, scenario, 1);
      assertAllPass(report);
      assert.equal(report.failover?.recovered, true, describeRun(report));
    }
  });
}

test('crash-primary-after-reply: the backup, whose own reply matched the one the client saw, goes live through test-and-set and runs alone', () => {
  const report = runStrategy('colo', 'counter', 'crash-primary-after-reply', 2);
  const kinds = report.events.map((event) => `${event.kind}@${'host' in event ? event.host : ''}`);
  for (const expected of ['suspect@backup', 'go-live@backup', 'alone@backup']) assert.ok(kinds.includes(expected), describeRun(report));
  assert.equal(report.strategyFigures.failovers, 1, describeRun(report));
  assertAllPass(report);
});

test('ttl-cache with lazy expiry under 200 µs jitter: the replicas\' clocks disagree about expiry, replies mismatch, checkpoints resynchronise them, every checker passes', () => {
  const report = runStrategy('colo', 'ttl-cache', 'none', 1, { expiry: 'lazy', 'ttl-ms': '1', 'key-count': '4', 'put-percent': '50', operations: '800', 'jitter-us': '200' });
  assertAllPass(report);
  const figures = report.strategyFigures;
  assert.ok((figures.mismatches ?? 0) >= 1, describeRun(report));
  assert.ok((figures.checkpoints ?? 0) >= 1, describeRun(report));
  assert.ok((figures.checkpointBytes ?? 0) > 0, describeRun(report));
  // Each checkpoint is a sync point: the divergence checker compared the replicas' state there.
  assert.equal(report.verdicts.divergence.state, 'pass', describeRun(report));
  assert.equal(figures.syncPointsCompared, figures.checkpoints, describeRun(report));
});

test('ttl-cache with eager expiry: sweeps run on each replica\'s own timer, a sweep that shows in a reply is a mismatch and a checkpoint, every checker passes', () => {
  const report = runStrategy('colo', 'ttl-cache', 'none', 1, { expiry: 'eager', 'ttl-ms': '1', 'key-count': '4', 'put-percent': '50', operations: '800' });
  assertAllPass(report);
  assert.ok((report.strategyFigures.mismatches ?? 0) >= 1, describeRun(report));
});

test('colo-no-compare is caught under crash-primary-after-reply: the reply left before the backup produced it (output-rule audit)', () => {
  const mutant = findStrategy('colo-no-compare');
  assert.equal(mutant.knownBroken?.exposedBy, 'crash-primary-after-reply');
  assert.equal(mutant.knownBroken?.caughtBy, 'outputRule');
  for (const seed of [1, 2, 3]) {
    const report = runStrategy(mutant.name, 'counter', mutant.knownBroken!.exposedBy, seed);
    assert.equal(report.verdicts.outputRule.state, 'fail', describeRun(report));
    assertAllPass(runStrategy('colo', 'counter', mutant.knownBroken!.exposedBy, seed));
  }
});

test('colo-no-compare under partition-replicas (seed 3): replies of the primary that then loses test-and-set break linearizability and split brain; colo holds them and passes', () => {
  const report = runStrategy('colo-no-compare', 'counter', 'partition-replicas', 3);
  assert.equal(report.verdicts.linearizable.state, 'fail', describeRun(report));
  assert.equal(report.verdicts.splitBrain.state, 'fail', describeRun(report));
  assertAllPass(runStrategy('colo', 'counter', 'partition-replicas', 3));
});

test('multiprocessor and disk guests are refused up front', () => {
  assert.throws(() => runStrategy('colo', 'smp-kv', 'none', 1), UnsupportedCombination);
  assert.throws(() => runStrategy('colo', 'file-append', 'none', 1), UnsupportedCombination);
});

test('a compare timeout longer than the failure timeout is refused, naming the values', () => {
  assert.throws(() => runStrategy('colo', 'counter', 'none', 1, { operations: '1', 'compare-timeout-ms': '60', 'failure-timeout-ms': '50' }), /compare-timeout-ms = 60 .*failure-timeout-ms = 50/);
});
