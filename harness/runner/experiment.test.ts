import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostEnvironment } from '../cli/files.ts';
import { runExperiment, runExperimentWithHistory } from './experiment.ts';
import { violations } from './types.ts';

const small = { operations: '80' };

test('the counter under none completes every operation, linearizably, with a well-formed history', () => {
  const { report, history } = runExperimentWithHistory({ strategy: 'none', workload: 'counter', scenario: 'none', seed: 3, settings: small }, hostEnvironment);
  assert.equal(report.opsCompleted, 80);
  assert.equal(report.opsUnknown, 0);
  assert.equal(report.verdicts.linearizable.state, 'pass');
  assert.deepEqual(violations(report.verdicts), []);
  assert.equal(report.replication.bytes, 0, 'nothing crosses a replication channel without replication');
  assert.ok(report.throughputOpsPerSec! > 0);
  assert.ok(report.latencyNs.p50! >= 2 * 100_000, 'at least a round trip of 2 x 100 µs');
  assert.ok(report.instructions.primary! > 0);
  assert.equal(history.operations.length, 80);
  for (const operation of history.operations) assert.ok(operation.return! > operation.call);
});

test('same seed gives the same report apart from wallSeconds; another seed another trace', () => {
  const config = { strategy: 'none', workload: 'counter', scenario: 'lossy-links', seed: 9, settings: small };
  const strip = (report: ReturnType<typeof runExperiment>) => JSON.stringify({ ...report, wallSeconds: 0 });
  const first = runExperiment(config, hostEnvironment);
  assert.equal(strip(runExperiment(config, hostEnvironment)), strip(first));
  assert.notEqual(runExperiment({ ...config, seed: 10 }, hostEnvironment).traceHash, first.traceHash);
});

test('with client-link loss, retries happen and no operation takes effect twice', () => {
  const report = runExperiment({ strategy: 'none', workload: 'counter', scenario: 'none', seed: 4, settings: { ...small, 'client-loss': '0.3', 'max-attempts': '40' } }, hostEnvironment);
  assert.equal(report.opsCompleted, 80);
  assert.equal(report.verdicts.linearizable.state, 'pass');
  assert.equal(report.verdicts.exactlyOnce.state, 'pass');
  assert.ok(report.latencyNs.max! > 20_000_000, 'some operation needed a retry after the 20 ms timeout');
});

test('a crash of the unreplicated primary loses the service: operations end unknown, clients never recover', () => {
  const report = runExperiment({ strategy: 'none', workload: 'counter', scenario: 'crash-primary', seed: 5, settings: { operations: '100000', 'duration-ms': '200', 'scenario.at-ms': '50' } }, hostEnvironment);
  assert.ok(report.opsUnknown > 0);
  assert.equal(report.failover?.recovered, false);
  assert.equal(report.verdicts.linearizable.state, 'pass', 'lost operations are unknown, not wrong');
});

test('bad settings are refused before anything runs, naming the value', () => {
  const run = (settings: Record<string, string>, strategy = 'none') => () => runExperiment({ strategy, workload: 'counter', scenario: 'none', seed: 1, settings }, hostEnvironment);
  assert.throws(run({ clients: '0' }), /run parameter clients = "0" is not valid/);
  assert.throws(run({ 'workload.nope': '1' }), /workload counter has no parameter nope/);
  assert.throws(run({ 'fleet.clients': '1' }), /"fleet" is not an owner of parameters/);
  assert.throws(run({}, 'nope'), /unknown strategy "nope"/);
});

test('every registered workload runs end to end under none: operations complete, the history checks out', async () => {
  const { workloads } = await import('../../workloads/registry.ts');
  for (const workload of workloads) {
    const report = runExperiment({ strategy: 'none', workload: workload.name, scenario: 'none', seed: 2, settings: { operations: workload.name === 'cpu-bound' ? '6' : '40' } }, hostEnvironment);
    assert.ok(report.opsCompleted > 0, `${workload.name}: ${report.opsCompleted} completed`);
    assert.equal(report.opsUnknown, 0, workload.name);
    assert.deepEqual(violations(report.verdicts), [], workload.name);
    assert.equal(report.verdicts.linearizable.state, 'pass', workload.name);
  }
});

test('a crash at time 0 strikes the primary before it runs a single instruction, and detection counts from it', () => {
  const report = runExperiment({ strategy: 'vmft', workload: 'counter', scenario: 'crash-primary', seed: 1, settings: { 'client-start-ms': '0', 'at-ms': '0', operations: '200', 'duration-ms': '300' } }, hostEnvironment);
  assert.equal(report.instructions.primary, 0);
  assert.ok(report.failover!.detectionNs! > 0, `detection ${report.failover!.detectionNs}`);
  assert.deepEqual(violations(report.verdicts), []);
});

test('--set conflicts are refused: one parameter set twice through different spellings', async () => {
  const { parseSettings } = await import('../cli/arguments.ts');
  assert.throws(() => parseSettings(['operations=1', 'operations=2']), /--set operations is given twice/);
  assert.throws(() => runExperiment({ strategy: 'none', workload: 'counter', scenario: 'none', seed: 1, settings: { operations: '1', 'run.operations': '2' } }, hostEnvironment), /another --set already set/);
});
