/**
 * Runs that do what they say: at default settings a scenario's faults strike while clients run,
 * the report lists each fault and the load that ran, bounds that would test nothing are refused,
 * and faults that never struck are never a pass.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { hostEnvironment, repositoryRoot } from '../cli/files.ts';
import { runExperiment, runExperimentWithHistory } from './experiment.ts';
import { missedFaults, violations } from './types.ts';

const run = (strategy: string, workload: string, scenario: unknown, settings: Record<string, string> = {}, seed = 1) =>
  runExperiment({ strategy, workload, scenario: scenario as string, seed, settings }, hostEnvironment);

test('crash-primary at default settings strikes while clients run: vmft recovers and every checker passes', () => {
  const report = run('vmft', 'counter', 'crash-primary');
  assert.equal(report.faults.length, 1);
  const [crash] = report.faults;
  assert.deepEqual([crash!.action, crash!.targets, crash!.struck, crash!.atNs], ['crash', ['primary'], true, 105_000_000]);
  assert.notEqual(report.failover, null);
  assert.equal(report.failover!.recovered, true);
  assert.deepEqual(violations(report.verdicts), []);
  assert.equal(report.verdicts.availability.state, 'pass', report.verdicts.availability.evidence);
  assert.equal(missedFaults(report), null);
  assert.ok(report.load.issuedUntilMs >= 100 + 499, `clients went on for the liveness bound after the crash: ${report.load.issuedUntilMs} ms`);
  assert.match(report.load.issuedUntil, /liveness-bound-ms = 500 after the scenario's last step/);
});

test('the mutant demo strikes at defaults: vmft-no-test-and-set under partition-replicas is caught as split brain', () => {
  const report = run('vmft-no-test-and-set', 'counter', 'partition-replicas');
  assert.ok(report.faults.every((fault) => fault.struck));
  assert.equal(report.verdicts.splitBrain.state, 'fail');
  assert.match(report.verdicts.splitBrain.evidence, /from a host not owning the service|held the primary's authority/);
});

test('explicit bounds that would end the load before a fault strikes are refused, naming the fault time and the run end', () => {
  assert.throws(() => run('vmft', 'counter', 'crash-primary', { 'duration-ms': '50' }), /duration-ms = 50 ends the load before the scenario's last fault or heal at 100 ms/);
  assert.throws(() => run('vmft', 'counter', 'crash-primary', { 'at-ms': '3000000' }), /fires at 3000005 ms of virtual time, after max-virtual-seconds = 60/);
  assert.throws(() => run('none', 'counter', 'none', { 'duration-ms': '70000' }), /until 70005 ms of virtual time, after max-virtual-seconds = 60 would cut the run short/);
});

test('a fault aimed at a host the strategy does not have is refused up front', () => {
  for (const scenario of ['crash-backup', 'crash-both', 'partition-replicas']) {
    assert.throws(() => run('none', 'counter', scenario), /aims at the backup, but strategy none runs no backup/, scenario);
  }
});

test('a trigger that never comes leaves its fault unstruck, and the run says why instead of passing', () => {
  const report = run('vmft', 'counter', 'crash-primary-after-reply', { nth: '10000000', 'duration-ms': '40' });
  assert.equal(report.faults[0]!.atNs, null);
  assert.equal(report.faults[0]!.struck, false);
  assert.equal(report.failover, null, 'no fault struck a replica');
  assert.match(missedFaults(report)!, /no fault of scenario crash-primary-after-reply struck: crash primary: its trigger never came/);
});

test('the report states the load that ran: each workload\'s default, or what --set gave', () => {
  const kv = run('none', 'kv', 'none', { operations: '40' });
  assert.deepEqual([kv.load.kind, kv.load.clients, kv.load.source, kv.params.run.clients], ['closed', 8, 'workload', 8]);
  const ttl = run('none', 'ttl-cache', 'none', { operations: '20' });
  assert.deepEqual([ttl.load.thinkTimeUs, ttl.params.run['think-time-us']], [1000, 1000]);
  const set = run('none', 'kv', 'none', { operations: '40', clients: '3' });
  assert.deepEqual([set.load.clients, set.load.source], [3, 'set']);
});

test('random lists every fault it drew with its targets, and the trace names the targets too', () => {
  const { report, trace } = runExperimentWithHistory({ strategy: 'vmft', workload: 'counter', scenario: 'random', seed: 3, settings: { faults: '6', 'fault-phase-ms': '300' }, trace: 'full' }, hostEnvironment);
  assert.equal(report.faults.length, 6);
  for (const fault of report.faults) assert.ok(fault.atNs !== null && fault.description.length > 0, JSON.stringify(fault));
  assert.ok(report.faults.some((fault) => fault.struck && fault.targets.length > 0));
  const events = trace.filter((event) => event.kind === 'fault');
  assert.ok(events.length >= 6);
  assert.ok(events.every((event) => typeof event.fields.targets === 'string' && 'struck' in event.fields));
});

test('a composed scenario file runs: partition, crash whoever owns the service once re-protected, heal', () => {
  const file = JSON.parse(readFileSync(`${repositoryRoot}/harness/faults/examples/partition-then-crash-new-owner.json`, 'utf8'));
  const report = run('vmft', 'counter', file);
  assert.equal(report.scenario, 'partition-then-crash-new-owner');
  assert.deepEqual(report.faults.map((fault) => [fault.action, fault.struck]), [['partition', true], ['crash', true]]);
  assert.notEqual(report.faults[0]!.healedAtNs, null);
  assert.deepEqual(violations(report.verdicts), []);
  assert.equal(report.verdicts.liveness.state, 'pass');
});

test('availability: colo survives one crash; a second crash with no backup left (colo has no spare) is expected loss, not a failure', () => {
  const once = run('colo', 'counter', 'crash-primary');
  assert.equal(once.verdicts.availability.state, 'pass', once.verdicts.availability.evidence);
  const twice = run('colo', 'counter', 'repeated-failover');
  assert.equal(twice.verdicts.availability.state, 'not-applicable');
  assert.match(twice.verdicts.availability.evidence, /^expected loss: crash service-owner .* no live backup left/);
});

test('availability: app-rsm re-protects onto its spare, so the second crash of repeated-failover is within the promise and survived', () => {
  const twice = run('app-rsm', 'counter', 'repeated-failover');
  assert.equal(twice.verdicts.availability.state, 'pass', twice.verdicts.availability.evidence);
});

test('a run cut short by max-virtual-seconds says so', () => {
  const report = run('none', 'counter', 'none', { operations: '100000', 'max-virtual-seconds': '0.02' });
  assert.equal(report.stoppedBy, 'max-virtual-seconds');
});

test('a scenario that needs a host the strategy lacks is refused: repeated-failover under none has nobody to take over', () => {
  assert.throws(() => run('none', 'counter', 'repeated-failover'), /scenario repeated-failover needs a backup, but strategy none runs no backup/);
});

test('a backup that halted (it lost the test-and-set race of a partition) is replaced by the spare, so the owner\'s later crash is survived (swarm seed 303843103; expected loss before app-rsm re-protected)', () => {
  const report = run('app-rsm', 'cpu-bound', 'random', { faults: '5', crashes: '1', 'fault-phase-ms': '800', partitions: 'true', loss: 'false', 'one-way': 'never', 'max-loss-percent': '5', 'liveness-bound-ms': '300' }, 303843103);
  assert.deepEqual(violations(report.verdicts), []);
  const story = report.events.map((event) => `${event.kind}@${'host' in event ? event.host : ''}`);
  for (const expected of ['halt@backup', 'reprotect-done@spare-0', 'go-live@spare-0']) assert.ok(story.includes(expected), story.join(' '));
  assert.equal(report.verdicts.availability.state, 'pass', report.verdicts.availability.evidence);
});

test('a crash of an owner that went on alone (it won test-and-set against its re-protected backup, which was still asking) is beyond the promise: expected loss (swarm seed 1008489400)', () => {
  const report = run('app-rsm', 'net-bulk', 'random', { faults: '8', crashes: '1', 'fault-phase-ms': '800', partitions: 'true', loss: 'false', 'one-way': 'always', 'max-loss-percent': '40', 'stale-routes-ms': '300', 'liveness-bound-ms': '300' }, 1008489400);
  assert.deepEqual(violations(report.verdicts), []);
  const story = report.events.map((event) => `${event.kind}@${'host' in event ? event.host : ''}`);
  assert.ok(story.indexOf('alone@backup', story.indexOf('reprotect-done@spare-0')) >= 0, story.join(' '));
  assert.match(report.verdicts.availability.evidence, /^expected loss: crash service-owner \(backup\) at .* no live backup left/);
});
