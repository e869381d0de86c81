import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../errors.ts';
import { shardOf } from './grid.ts';
import { parseSweep } from './sweep-file.ts';
import { ftbench, SMALL_SWEEP, writeSweep } from './testing.ts';

function refused(json: unknown, pattern: RegExp): void {
  assert.throws(() => parseSweep(json, 'sweep.json'), (error: unknown) => error instanceof ConfigError && pattern.test(error.message), JSON.stringify(json));
}

test('a sweep file is validated field by field, each error naming the field, the value and what is accepted', () => {
  refused({ ...SMALL_SWEEP, strategies: ['vmft', 'nope'] }, /^sweep\.json: strategies\[1\]: unknown strategy "nope": expected none, vmft, /);
  refused({ ...SMALL_SWEEP, workloads: [] }, /workloads: expected a non-empty list of workload names/);
  refused({ ...SMALL_SWEEP, scenarios: ['crash-primary', 'crash-primary'] }, /scenarios: names a scenario twice/);
  refused({ ...SMALL_SWEEP, seeds: 0 }, /seeds: expected a seed count from 1 to 1000, or a non-empty list/);
  refused({ ...SMALL_SWEEP, seeds: [1, 1] }, /seeds: \[1,1\] names a seed twice/);
  refused({ ...SMALL_SWEEP, metrics: ['throughput'] }, /metrics\[0\]: unknown metric "throughput": expected opsCompleted, /);
  refused({ ...SMALL_SWEEP, strategy: ['vmft'] }, /unknown field\(s\) "strategy": expected name, strategies, /);
  refused({ ...SMALL_SWEEP, name: 'My Sweep' }, /name: expected lower-case letters, digits and dashes/);
  refused({ ...SMALL_SWEEP, parameters: { clients: [] } }, /parameters\.clients: expected a non-empty list of values/);
  const sweep = parseSweep({ ...SMALL_SWEEP, seeds: [7, 3] }, 'sweep.json');
  assert.deepEqual(sweep.seeds, [7, 3]);
  assert.deepEqual(sweep.scenarios, ['none'], 'scenarios default to none');
  assert.notEqual(parseSweep(SMALL_SWEEP, 'a').digest, sweep.digest, 'another sweep, another digest');
});

test('shards are a deterministic partition of the cells: every cell in exactly one shard', () => {
  const cells = Array.from({ length: 10 }, (_, index) => index);
  const shards = [1, 2, 3].map((index) => shardOf(cells, index, 3).map(({ cellIndex }) => cellIndex));
  assert.deepEqual(shards, [[0, 3, 6, 9], [1, 4, 7], [2, 5, 8]]);
});

test('ftbench sweep refuses bad input with exit 2: a bad parameter before any run, --shard 3/2, --jobs 0, a missing sbatch', () => {
  const folder = mkdtempSync(join(tmpdir(), 'ftbench-sweep-'));
  try {
    const good = writeSweep(folder);
    const check = (args: string[], pattern: RegExp, environment = {}) => {
      const result = ftbench(args, environment);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, pattern);
      assert.doesNotMatch(result.stderr, /\n\s+at .*:\d+:\d+\)?\n/, 'no stack trace');
    };
    check(['sweep', good, '--shard', '3/2'], /--shard "3\/2" is not valid: expected I\/N with 1 <= I <= N/);
    check(['sweep', good, '--jobs', '0'], /--jobs "0" is not valid: expected a decimal integer from 1 to 256/);
    check(['sweep', writeSweep(folder, '{"name": "x",', 'broken.json')], /broken\.json is not valid JSON/);
    check(['sweep', writeSweep(folder, { ...SMALL_SWEEP, parameters: { clients: [0] } }, 'bad-parameter.json')], /bad-parameter\.json: parameters \(strategy none, workload counter, scenario none\): run parameter clients = "0" is not valid/);
    check(['sweep', good, '--slurm', '--time', 'forever'], /--time "forever" is not valid: expected a Slurm time limit/);
    check(['sweep', good, '--slurm', '--submit', '--out', join(folder, 'slurm-out')], /--submit needs sbatch, which is not on PATH/, { PATH: '/nonexistent' });
    check(['merge', join(folder, 'nothing-here')], /cannot read .*nothing-here\/shards: ENOENT/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('a sweep in 3 shards merges into the same bytes as the whole sweep; merge refuses a missing shard and shards of another sweep', () => {
  const folder = mkdtempSync(join(tmpdir(), 'ftbench-sweep-merge-'));
  try {
    const file = writeSweep(folder);
    const whole = ftbench(['sweep', file, '--out', join(folder, 'whole'), '--jobs', '2', '--json']);
    assert.equal(whole.status, 0, whole.stderr);
    const printed = JSON.parse(whole.stdout);
    assert.equal(printed.cells, 4);
    assert.deepEqual(printed.summary.map((row: { status: string }) => row.status), ['ok', 'ok', 'ok', 'unsupported']);
    const sharded = join(folder, 'sharded');
    for (const shard of ['1/3', '3/3']) assert.equal(ftbench(['sweep', file, '--out', sharded, '--shard', shard, '--jobs', '1']).status, 0);
    const incomplete = ftbench(['merge', sharded]);
    assert.equal(incomplete.status, 2);
    assert.match(incomplete.stderr, /shard\(s\) 2\/3 missing/);
    assert.equal(ftbench(['sweep', file, '--out', sharded, '--shard', '2/3', '--jobs', '1']).status, 0);
    assert.equal(ftbench(['merge', sharded]).status, 0);
    for (const name of ['small.csv', 'small.runs.csv']) assert.equal(readFileSync(join(sharded, name), 'utf8'), readFileSync(join(folder, 'whole', name), 'utf8'), name);
    const other = writeSweep(folder, { ...SMALL_SWEEP, seeds: 1 }, 'other.json');
    assert.equal(ftbench(['sweep', other, '--out', sharded, '--shard', '2/3', '--jobs', '1']).status, 0, 'overwrites shard 2 with one of another sweep');
    const mixed = ftbench(['merge', sharded]);
    assert.equal(mixed.status, 2);
    assert.match(mixed.stderr, /come from different sweep files/);
    writeFileSync(join(sharded, 'shards', 'small.2-of-3.json'), '{"format": 99}');
    assert.match(ftbench(['merge', sharded]).stderr, /shard format 99: expected 1/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
