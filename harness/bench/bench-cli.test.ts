import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repositoryRoot } from '../cli/files.ts';
import { LOCK_FILE } from './lock.ts';

function script(file: string, ...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', file, ...args], { cwd: repositoryRoot, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CI: 'true' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
const bench = (...args: string[]) => script('harness/bench/main.ts', ...args);

/** Bad input: exit 2, a message naming the value and what is accepted, never a stack trace. */
function assertRefused(result: ReturnType<typeof bench>, pattern: RegExp): void {
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at .*\(.*:\d+:\d+\)/, 'no stack trace');
}

test('npm run bench -- --help prints the usage and exits 0', () => {
  const result = bench('--help');
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /usage: npm run bench/);
  assert.match(result.stdout, /--jobs N/);
});

test('the bench refuses bad flags, naming the value and what is accepted', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'ftbench-bench-cli-'));
  try {
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'not a folder');
    assertRefused(bench('--onyl', 'baseline'), /Unknown option '--onyl'[\s\S]*usage: npm run bench/);
    assertRefused(bench('--out', file), /--out .*a-file is a file: expected a folder/);
    assertRefused(bench('--seed', 'abc', '--out', scratch), /--seed "abc" is not valid: expected a decimal integer/);
    assertRefused(bench('--only', 'baseline,nope', '--out', scratch), /--only "nope" is not valid: expected a comma-separated list of network-calibration, baseline/);
    assertRefused(bench('--strategies', 'vmft,nope', '--out', scratch), /--strategies "nope" is not valid: expected a comma-separated list of none, /);
    assertRefused(bench('--jobs', '0', '--out', scratch), /--jobs "0" is not valid: expected a decimal integer from 1 to 256/);
    assertRefused(bench('--seeds', '2.5', '--out', scratch), /--seeds "2.5" is not valid/);
    assertRefused(bench('--timings', join(scratch, 'no-such-folder', 'timings.json'), '--out', scratch), /--timings .*timings\.json is not valid: its folder .*no-such-folder does not exist/);
    assertRefused(bench('--timings', scratch, '--out', scratch), /--timings .* is a folder: expected a file path/);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});

test('a second bench writing a folder that a running bench holds is refused; a stale lock is taken over', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'ftbench-bench-lock-'));
  try {
    // This test's own process stands in for a running bench.
    writeFileSync(join(scratch, LOCK_FILE), `${process.pid}\n`);
    assertRefused(bench('--only', 'network-calibration', '--seeds', '1', '--out', scratch), new RegExp(`being written by another bench \\(pid ${process.pid}`));
    writeFileSync(join(scratch, LOCK_FILE), '999999999\n');
    const result = bench('--only', 'network-calibration', '--seeds', '1', '--out', scratch);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /network-calibration: 12 cells × 1 seeds/);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});

test('npm run bench:micro -- --help and bad flags', () => {
  const micro = (...args: string[]) => script('harness/bench/micro.ts', ...args);
  const help = micro('--help');
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /usage: npm run bench:micro/);
  assertRefused(micro('--tmie', '5'), /Unknown option '--tmie'/);
  assertRefused(micro('--time', 'soon'), /--time "soon" is not valid: expected a decimal integer from 1 to 600000/);
});
