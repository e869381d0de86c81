import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { repositoryRoot } from './files.ts';

function ftbench(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/ftbench.js', ...args], { cwd: repositoryRoot, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('ftbench run --json prints one JSON object carrying every field of the run report', () => {
  const { status, stdout } = ftbench('run', '--strategy', 'none', '--workload', 'counter', '--seed', '7', '--set', 'operations=40', '--json');
  assert.equal(status, 0);
  const report = JSON.parse(stdout);
  for (const field of ['strategy', 'workload', 'scenario', 'seed', 'params', 'opsCompleted', 'throughputOpsPerSec', 'latencyNs', 'replication', 'failover', 'verdicts', 'instructions', 'virtualSeconds', 'wallSeconds']) {
    assert.ok(field in report, field);
  }
  for (const field of ['p50', 'p90', 'p99', 'max']) assert.equal(typeof report.latencyNs[field], 'number', field);
  for (const field of ['bytes', 'messages', 'mbitPerSec', 'bytesPerOp']) assert.ok(field in report.replication, field);
  for (const field of ['linearizable', 'splitBrain', 'divergence']) assert.ok(field in report.verdicts, field);
  assert.equal(report.seed, 7);
  assert.equal(report.opsCompleted, 40);
});

test('ftbench run prints the seed and settings first, then the summary', () => {
  const { status, stdout } = ftbench('run', '--strategy', 'none', '--workload', 'counter', '--set', 'operations=20');
  assert.equal(status, 0);
  assert.match(stdout.split('\n')[0]!, /^ftbench run: seed 1, strategy none, workload counter, scenario none, operations=20$/);
  assert.match(stdout, /verdicts: linearizable pass, splitBrain pass/);
});

test('unknown names and bad values exit 2 with what is accepted', () => {
  const strategy = ftbench('run', '--strategy', 'nope', '--workload', 'counter');
  assert.equal(strategy.status, 2);
  assert.match(strategy.stderr, /unknown strategy "nope": expected none/);
  const seed = ftbench('run', '--strategy', 'none', '--workload', 'counter', '--seed=-4');
  assert.equal(seed.status, 2);
  assert.match(seed.stderr, /--seed "-4" is not valid: expected a decimal integer/);
  assert.equal(ftbench('frobnicate').status, 2);
});

test('ftbench list names every strategy, workload and scenario with descriptions; --json parses', () => {
  const { status, stdout } = ftbench('list');
  assert.equal(status, 0);
  assert.match(stdout, /strategies:\n {2}none/);
  assert.match(stdout, /crash-primary-after-reply/);
  const listing = JSON.parse(ftbench('list', '--json').stdout);
  assert.ok(listing.workloads.some((workload: { name: string }) => workload.name === 'counter'));
});
