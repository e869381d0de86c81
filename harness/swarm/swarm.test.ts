import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repositoryRoot } from '../cli/files.ts';
import { strategies } from '../../strategies/registry.ts';
import { workloads } from '../../workloads/registry.ts';
import { drawSwarmRun, supports } from './draw.ts';

test('swarm draws are a pure function of (root seed, index): same run every time, options vary across runs', () => {
  const correct = strategies.filter((strategy) => strategy.knownBroken === undefined);
  const first = Array.from({ length: 40 }, (_, index) => drawSwarmRun(7, index, correct, workloads));
  assert.deepEqual(Array.from({ length: 40 }, (_, index) => drawSwarmRun(7, index, correct, workloads)), first);
  assert.notDeepEqual(drawSwarmRun(8, 0, correct, workloads), first[0]);
  for (const option of ['faults', 'crashes', 'fault-phase-ms', 'partitions', 'loss', 'one-way']) {
    assert.ok(new Set(first.map((run) => run.config.settings[option])).size > 1, `${option} never varies`);
  }
  assert.ok(new Set(first.map((run) => run.config.strategy)).size === correct.length, 'every strategy drawn');
  for (const run of first) {
    const strategy = strategies.find((candidate) => candidate.name === run.config.strategy)!;
    assert.ok(supports(strategy, workloads.find((workload) => workload.name === run.config.workload)!), `${run.config.strategy} on ${run.config.workload}`);
    assert.ok(Number(run.config.settings.crashes) <= strategy.spares + 1, 'never more crashes than spares to recover from');
  }
});

test('ftbench swarm runs a bounded swarm on the pool, writes its CSVs, and exits 1 only for a correct strategy\'s violation', () => {
  const out = mkdtempSync(join(tmpdir(), 'ftbench-swarm-'));
  try {
    const run = (...args: string[]) => spawnSync(process.execPath, ['bin/ftbench.js', 'swarm', ...args, '--out', out, '--json'], { cwd: repositoryRoot, encoding: 'utf8', timeout: 600_000 });
    const mutant = run('--strategies', 'vmft-no-test-and-set', '--workloads', 'counter', '--runs', '4', '--seed', '3', '--jobs', '2');
    assert.equal(mutant.status, 0, `a known-broken strategy's violations are its catch rate, not a failure: ${mutant.stderr}`);
    const summary = JSON.parse(mutant.stdout);
    assert.equal(summary.runs, 4);
    assert.equal(summary.summary[0].strategy, 'vmft-no-test-and-set');
    const rows = readFileSync(join(out, 'swarm.runs.csv'), 'utf8').trim().split('\n');
    assert.equal(rows.length, 5);
    assert.match(rows[1]!, /npx ftbench run --strategy vmft-no-test-and-set --workload counter --scenario random --seed \d+ /);
    const bad = spawnSync(process.execPath, ['bin/ftbench.js', 'swarm', '--runs', '0'], { cwd: repositoryRoot, encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--runs "0" is not valid: expected a decimal integer from 1/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
