/**
 * Crash points beyond replies, in small runs: every correct strategy survives a crash of any of its
 * hosts at every named event point (the first of each kind), and every known-broken strategy breaks
 * a checker at some point.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostEnvironment } from '../cli/files.ts';
import { strategies } from '../../strategies/registry.ts';
import { type CrashHost, explorePoints, parsePoint, pointReplayCommand } from './crash-points.ts';
import type { ExperimentConfig } from './types.ts';

const small = { operations: '30', 'think-time-us': '1000' };

function config(strategy: string, scenario = 'none', extra: Record<string, string> = {}): ExperimentConfig {
  return { strategy, workload: 'counter', scenario, seed: 1, settings: { ...small, ...extra } };
}

const correctCases: Array<[string, CrashHost, string, Record<string, string>]> = [
  ['vmft', 'primary', 'none', {}],
  ['vmft', 'backup', 'none', {}],
  // The backup's test-and-set request and answer, and its go-live, once the primary crashed.
  ['vmft', 'backup', 'crash-primary', { 'scenario.at-ms': '5' }],
  ['vmft', 'spare', 'crash-backup', { 'scenario.at-ms': '5' }],
  ['checkpoint', 'primary', 'none', {}],
  ['checkpoint', 'backup', 'crash-primary', { 'scenario.at-ms': '5' }],
  ['checkpoint', 'spare', 'crash-backup', { 'scenario.at-ms': '5' }],
  ['app-rsm', 'primary', 'none', {}],
  ['app-rsm', 'backup', 'crash-primary', { 'scenario.at-ms': '5' }],
];

for (const [strategy, host, scenario, extra] of correctCases) {
  test(`${strategy}: a crash of the ${host} at each named event point (${scenario}) breaks no checker`, () => {
    const result = explorePoints(config(strategy, scenario, extra), host, 1, hostEnvironment);
    assert.ok(result.pointsTried >= 2, `only ${result.pointsTried} points: ${JSON.stringify(result.counts)}`);
    assert.deepEqual(result.broken.map((point) => `${point.point}: ${point.broken.join(', ')}`), []);
    if (scenario === 'crash-primary') for (const kind of ['test-and-set:request', 'test-and-set:reply', 'event:go-live']) assert.ok(kind in result.counts, `${kind} never reached: ${JSON.stringify(result.counts)}`);
    if (host === 'spare') assert.ok('event:reprotect-start' in result.counts, JSON.stringify(result.counts));
  });
}

test('every known-broken strategy breaks a checker at some crash point of its primary or backup', () => {
  for (const mutant of strategies.filter((strategy) => strategy.knownBroken !== undefined)) {
    // Each on the workload that shows its flaw (vmft-smp: the multiprocessor smp-kv).
    const base = { ...config(mutant.name), workload: mutant.knownBroken!.workload ?? 'counter' };
    const caught = (['primary', 'backup'] as const).some((host) => explorePoints(base, host, 1, hostEnvironment).broken.length > 0);
    assert.ok(caught, `${mutant.name} survived every crash point`);
  }
});

test('a crash point replays from its command, and --point takes kind:nth only', () => {
  assert.deepEqual(parsePoint('send:replication:2'), { kind: 'send:replication', nth: 2 });
  assert.deepEqual(parsePoint('output:1'), { kind: 'output', nth: 1 });
  assert.equal(parsePoint('output:0'), undefined);
  assert.equal(parsePoint('output'), undefined);
  assert.equal(
    pointReplayCommand(config('vmft'), 'backup', { kind: 'send:ack', nth: 3 }),
    'npx ftbench explore --strategy vmft --workload counter --scenario none --host backup --point send:ack:3 --seed 1 --set operations=30 --set think-time-us=1000',
  );
});
