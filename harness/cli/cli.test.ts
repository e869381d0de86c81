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

test('one flag, one value: a second --scenario is refused, and seeds are decimal only, as --set numbers are', () => {
  const twice = ftbench('run', '--strategy', 'none', '--workload', 'counter', '--scenario', 'none', '--scenario', 'lossy-links');
  assert.equal(twice.status, 2);
  assert.match(twice.stderr, /--scenario is given 2 times \(none, lossy-links\): give it once/);
  for (const seed of ['1e3', '0x10', 'abc', '']) {
    const result = ftbench('run', '--strategy', 'none', '--workload', 'counter', '--seed', seed);
    assert.equal(result.status, 2, seed);
    assert.match(result.stderr, /is not valid: expected a decimal integer/, seed);
  }
});

test('bad input prints nothing before its error: no settings header for an unknown strategy', () => {
  const result = ftbench('run', '--strategy', 'nope', '--workload', 'counter');
  assert.equal(result.status, 2);
  assert.equal(result.stdout, '');
});

test('a scenario file runs by path, and a bad one is refused naming its field; a run whose faults never struck exits 2', () => {
  const example = ftbench('run', '--strategy', 'vmft', '--workload', 'counter', '--scenario', 'harness/faults/examples/partition-then-crash-new-owner.json');
  assert.equal(example.status, 0, example.stderr);
  assert.match(example.stdout, /fault step 2: after reprotect-done #1 \+ 20 ms: crash service-owner/);
  assert.match(example.stdout, /fault: crash service-owner \(\w[\w-]*\), at /);
  const bad = ftbench('run', '--strategy', 'vmft', '--workload', 'counter', '--scenario', '{"name":"x","steps":[{"at-ms":1,"action":"crash","targets":["nobody"]}]}');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /inline scenario: steps\[0\]\.targets\[0\] = "nobody" is not valid/);
  const missing = ftbench('run', '--strategy', 'vmft', '--workload', 'counter', '--scenario', 'no-such-file.json');
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read the scenario file \(ENOENT\)/);
  const missed = ftbench('run', '--strategy', 'vmft', '--workload', 'counter', '--scenario', 'crash-primary-after-reply', '--set', 'nth=10000000', '--set', 'duration-ms=30');
  assert.equal(missed.status, 2);
  assert.match(missed.stderr, /no fault of scenario crash-primary-after-reply struck: crash primary: its trigger never came.*nothing was tested/);
});

test('ftbench vm run refuses a workload\'s machine guest and bad limits, naming them', () => {
  const guest = ftbench('vm', 'run', 'workloads/counter/bin/counter.elf');
  assert.equal(guest.status, 2);
  assert.match(guest.stderr, /is a machine guest of a workload service .* ftbench run --strategy none --workload counter/);
  const limit = ftbench('vm', 'run', 'workloads/guest/programs/bin/sort.elf', '--max-instructions', '1e9');
  assert.equal(limit.status, 2);
  assert.match(limit.stderr, /--max-instructions "1e9" is not valid/);
  assert.match(ftbench('vm', '--help').stdout, /default 1000000000/);
  assert.equal(ftbench('list', '--help').status, 0);
});
