import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repositoryRoot } from '../cli/files.ts';
import { compareFolders, roundOrder, roundResult, type BenchSample } from './scaling.ts';
import type { BenchTimings } from './timings.ts';

function scaling(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'harness/bench/scaling.ts', ...args], { cwd: repositoryRoot, encoding: 'utf8', timeout: 300_000, env: { ...process.env, CI: 'true' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function timings(jobs: number, workerTaskCpuMs: number | null): BenchTimings {
  return { jobs, experiments: ['idle'], seeds: 1, runsExecuted: 4, runsReused: 0, failed: 0, wallMs: 0, processCpuMs: 0, mainCpuMs: 0, workerTaskCpuMs, workerBusyMs: 0, poolWallMs: 0 };
}

function sample(order: number, jobs: number, wallMs: number, cpuMs: number | null): BenchSample {
  return { round: 1, order, jobs, wallMs, timings: timings(jobs, cpuMs) };
}

test('a round is ordered 1, N, N, 1 and its speed-up is the sum of the serial walls over the parallel ones', () => {
  assert.deepEqual(roundOrder(4), [1, 4, 4, 1]);
  // A machine slowing down linearly over the round: 100, 110 / 2 ... the ABBA sums cancel it.
  const result = roundResult(1, [sample(1, 1, 100, 90), sample(2, 2, 55, 95), sample(3, 2, 60, 97), sample(4, 1, 130, 91)]);
  assert.equal(result.speedUp, 230 / 115);
  assert.equal(result.taskCpuRatio, (95 + 97) / (90 + 91));
  assert.equal(roundResult(1, [sample(1, 1, 100, null), sample(2, 2, 50, 40)]).taskCpuRatio, null, 'an unknown CPU time gives no ratio');
  assert.throws(() => roundResult(3, [sample(1, 2, 10, 1)]), /round 3: expected benches at --jobs 1 and at --jobs N, got 2/);
});

test('result folders are compared byte for byte, leaving out the run cache and the lock', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'ftbench-scaling-compare-'));
  try {
    const [a, b] = [join(scratch, 'a'), join(scratch, 'b')];
    for (const folder of [a, b]) {
      mkdirSync(join(folder, '.cache'), { recursive: true });
      mkdirSync(join(folder, 'sub'));
      writeFileSync(join(folder, 'x.csv'), 'same\n');
      writeFileSync(join(folder, 'sub', 'y.md'), 'same\n');
    }
    writeFileSync(join(a, '.cache', 'run'), 'one');
    writeFileSync(join(b, '.cache', 'run'), 'other');
    writeFileSync(join(a, '.ftbench.lock'), '1');
    assert.equal(compareFolders(a, b), null);
    writeFileSync(join(b, 'sub', 'y.md'), 'not the same\n');
    assert.match(compareFolders(a, b)!, /^sub\/y\.md differs between /);
    writeFileSync(join(b, 'sub', 'y.md'), 'same\n');
    writeFileSync(join(b, 'extra.csv'), '');
    assert.match(compareFolders(a, b)!, /^extra\.csv is in one of /);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});

test('npm run bench:scaling refuses bad flags, naming the value and what is accepted', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'ftbench-scaling-cli-'));
  try {
    const refused = (pattern: RegExp, ...args: string[]) => {
      const result = scaling(...args);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, pattern);
      assert.doesNotMatch(result.stderr, /\n\s+at .*\(.*:\d+:\d+\)/, 'no stack trace');
    };
    refused(/--jobs "1" is not valid: expected a decimal integer from 2 to 256/, '--jobs', '1');
    refused(/--rounds "0" is not valid: expected a decimal integer from 1 to 50/, '--rounds', '0');
    refused(/--only "nope" is not valid: expected a comma-separated list of network-calibration/, '--only', 'nope');
    refused(/Unknown option '--round'[\s\S]*usage: npm run bench:scaling/, '--round', '2');
    writeFileSync(join(scratch, 'left-over'), '');
    refused(/--keep .* is not empty: expected a new or empty folder/, '--keep', scratch);
    assert.deepEqual(readdirSync(scratch), ['left-over'], 'nothing already there is touched');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});

test('a small scaling measurement runs four benches in order, all writing the same bytes', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'ftbench-scaling-run-'));
  try {
    const result = scaling('--only', 'detection', '--strategies', 'vmft', '--seeds', '1', '--rounds', '1', '--jobs', '2', '--keep', scratch, '--json');
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.deepEqual(report.samples.map((entry: BenchSample) => entry.jobs), [1, 2, 2, 1]);
    assert.equal(report.identical, true);
    assert.equal(report.rounds.length, 1);
    for (const entry of report.samples as BenchSample[]) {
      assert.equal(entry.timings.runsReused, 0, 'every bench runs all its runs');
      assert.ok(entry.timings.runsExecuted > 0);
      assert.ok(entry.wallMs >= entry.timings.wallMs, 'the process wall time holds the bench\'s own');
    }
    assert.equal(report.speedUp.median, Number(report.rounds[0].speedUp.toPrecision(12)), 'one round: its speed-up is the median');
    assert.deepEqual(readdirSync(scratch).sort(), ['01-jobs1', '02-jobs2', '03-jobs2', '04-jobs1']);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});

test('an interrupted measurement stops its bench and removes its temporary folder', async () => {
  const scratch = mkdtempSync(join(tmpdir(), 'ftbench-scaling-interrupt-'));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', 'harness/bench/scaling.ts', '--only', 'detection', '--strategies', 'vmft', '--seeds', '1', '--rounds', '1'], { cwd: repositoryRoot, env: { ...process.env, CI: 'true', TMPDIR: scratch }, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const measurementFolder = () => readdirSync(scratch).find((name) => name.startsWith('ftbench-scaling-'));
    const deadline = Date.now() + 60_000;
    while (measurementFolder() === undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(measurementFolder() !== undefined, 'the measurement made its temporary folder');
    await new Promise((resolve) => setTimeout(resolve, 1000)); // let the first bench start
    child.kill('SIGINT');
    assert.equal(await exited, 130);
    assert.equal(measurementFolder(), undefined, 'the temporary folder is gone');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
