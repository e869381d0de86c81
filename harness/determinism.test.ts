import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * Simulated code never reads the wall clock, never uses Math.random, timers or real I/O: the same
 * configuration and seed must give byte-identical results. This scan enforces it over every file
 * that can run inside a simulation: `harness/` (except the outer runner: CLI, benchmarks, reports;
 * the experiment runner gets its wall clock and guest images passed in), `strategies/` and
 * `workloads/`. Tests, benchmarks and build scripts are outside the simulation.
 */

const root = resolve(fileURLToPath(import.meta.url), '../..');
const simulatedFolders = ['harness', 'strategies', 'workloads'];
/** Folders of outer-runner code, which may read the clock and files. */
const outerRunner = ['harness/cli/', 'harness/bench/', 'harness/report/'];

const banned: Array<[RegExp, string]> = [
  [/\bDate\.now\s*\(/, 'Date.now()'],
  [/\bnew\s+Date\s*\(/, 'new Date()'],
  [/\bperformance\.now\s*\(/, 'performance.now()'],
  [/\bprocess\.hrtime\b/, 'process.hrtime'],
  [/\bMath\.random\s*\(/, 'Math.random()'],
  [/\b(setTimeout|setInterval|setImmediate)\s*\(/, 'real timers'],
  [/\bcrypto\.(randomBytes|randomUUID|randomInt|getRandomValues)\b|\b(randomBytes|randomUUID|randomInt|getRandomValues)\s*\(/, 'crypto randomness'],
  [/from\s+['"](node:)?(fs|fs\/promises|net|http|https|dgram|child_process|worker_threads|readline|os)['"]/, 'real I/O module'],
  [/\bprocess\.(stdout|stderr|stdin|env|argv)\b/, 'process I/O or environment'],
];

function simulatedFiles(folder: string): string[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(folder, name);
    if (name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return simulatedFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.bench.ts') ? [path] : [];
  });
}

/** Lines of `source` that use a banned API, ignoring line comments. */
export function findViolations(source: string): string[] {
  const found: string[] = [];
  source.split('\n').forEach((line, index) => {
    const code = line.replace(/\/\/.*$/, '');
    for (const [pattern, what] of banned) if (pattern.test(code)) found.push(`${index + 1}: ${what}: ${line.trim()}`);
  });
  return found;
}

test('the scan catches each banned API (so that a clean result means something)', () => {
  const samples = ['Date.now()', 'new Date()', 'performance.now()', 'Math.random()', 'setTimeout(f, 1)', "import { readFileSync } from 'node:fs';", 'process.env.X', 'crypto.randomBytes(4)'];
  for (const sample of samples) assert.equal(findViolations(sample).length, 1, sample);
  assert.equal(findViolations('// Date.now() in a comment is fine').length, 0);
});

test('simulated code uses no wall clock, Math.random, timers or real I/O', () => {
  const files = simulatedFolders
    .flatMap((folder) => simulatedFiles(join(root, folder)))
    .map((path) => relative(root, path).split('\\').join('/'))
    .filter((path) => !outerRunner.some((prefix) => path.startsWith(prefix)));
  assert.ok(files.length > 5, `scanned only ${files.length} files`);
  const violations = files.flatMap((path) => findViolations(readFileSync(join(root, path), 'utf8')).map((line) => `${path}:${line}`));
  assert.deepEqual(violations, []);
});
